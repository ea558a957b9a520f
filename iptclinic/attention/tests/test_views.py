"""The "Needs attention" pages: the caseload's top, my items, the team's, closing with a note."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iptclinic.attention.models import Item, SafetyNetRun
from iptclinic.attention.services import sync_team
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.ipt.attendance import Attendance
from iptclinic.test import make_client, open_course_for

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
pytestmark = pytest.mark.time_machine(NOW)


def miss_last_week(course, tess):
    appointment = course.appointments.filter(status="planned").order_by("starts_at")[5]
    course_services.set_attendance(appointment, actor=tess, status=Attendance.DID_NOT_ATTEND)


@pytest.fixture
def queue(team, cara, cara_course, tess, sam, otto):
    team.duty_clinician = otto
    team.save(update_fields=["duty_clinician"])
    miss_last_week(cara_course, tess)
    sync_team(team)
    SafetyNetRun.objects.create(team=team, succeeded_at=NOW)
    return Item.objects.get(owner=tess, kind="missed_session")


def test_the_caseload_opens_with_what_needs_the_therapist(client, queue, tess):
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert page.index('id="attention-title"') < page.index('id="week-title"')
    assert "Did not attend on Tue 24 Nov: contact the client" in page
    assert "Cara Whitfield" in page
    assert reverse("attention:resolve", args=[queue.pk]) in page
    assert "The safety net is not running" not in page


def test_every_page_says_when_the_safety_net_has_stopped(client, queue, tess, time_machine):
    time_machine.move_to(NOW + timedelta(minutes=16))
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert "The safety net is not running" in page
    assert "The checks last ran Tue 1 Dec at 11:00" in page


def test_closing_an_item_through_the_page_keeps_the_note_and_refuses_an_empty_one(
    client, queue, tess
):
    client.force_login(tess)
    url = reverse("attention:resolve", args=[queue.pk])
    refused = client.post(url, {"note": ""})
    assert "Say in a few words what you did" in refused.content.decode()
    done = client.post(url, {"note": "Phoned Cara: she was unwell; rebooked."}, follow=True)
    assert "The item is closed." in done.content.decode()
    queue.refresh_from_db()
    assert queue.resolution == "Phoned Cara: she was unwell; rebooked."
    mine = client.get(reverse("attention:mine")).content.decode()
    assert "Phoned Cara: she was unwell; rebooked." in mine  # closed this week


def test_otto_gets_404_on_tess_s_item_and_leaves_no_trace(client, queue, otto):
    client.force_login(otto)
    before = AuditEvent.objects.exclude(action="access.refused").count()
    url = reverse("attention:resolve", args=[queue.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Not mine."}).status_code == 404
    assert AuditEvent.objects.exclude(action="access.refused").count() == before
    queue.refresh_from_db()
    assert queue.is_open


def test_supervisors_see_their_supervisees_items_and_leads_the_team_s(
    client, queue, tess, sam, lee, otto
):
    client.force_login(tess)
    assert client.get(reverse("attention:team")).status_code == 404
    client.force_login(sam)
    page = client.get(reverse("attention:team")).content.decode()
    assert "Did not attend on Tue 24 Nov" in page and "Tess" in page
    client.force_login(lee)
    page = client.get(reverse("attention:team"), {"owner": tess.pk}).content.decode()
    assert "Did not attend on Tue 24 Nov" in page
    page = client.get(reverse("attention:team"), {"owner": otto.pk}).content.decode()
    assert "Did not attend on Tue 24 Nov" not in page


def test_the_items_page_costs_the_same_queries_for_few_and_many_items(
    client, team, tess, queue, django_assert_num_queries
):
    client.force_login(tess)
    client.get(reverse("attention:mine"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("attention:mine"))
    for number in range(6):
        other = make_client(tess, tess, f"Client{number}", "Example")
        miss_last_week(open_course_for(other, tess), tess)
    sync_team(team)
    assert Item.objects.filter(owner=tess, resolved_at__isnull=True).count() > 10
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("attention:mine"))


def test_the_nav_counts_the_open_items(client, queue, tess):
    client.force_login(tess)
    count = Item.objects.filter(owner=tess, resolved_at__isnull=True).count()
    page = client.get(reverse("attention:mine")).content.decode()
    assert f'Needs attention <span class="count">({count})</span>' in page
