"""Supervision pages: the overview, recording a meeting, reading it; strangers get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iptclinic.accounts.models import Role
from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.audit.models import AuditEvent
from iptclinic.fidelity.services import rate_session
from iptclinic.fidelity.tests.helpers import course_with_records, marks, session
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.supervision.models import Meeting
from iptclinic.supervision.services import ActionInput, CaseInput, record_meeting
from iptclinic.supervision.tests.helpers import WEDNESDAY, scene
from iptclinic.test import make_client, make_user, open_course_for
from tests.test_query_counts import add_clients, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(time_machine, tess, cara):
    time_machine.move_to(WEDNESDAY)
    return scene(tess, cara)


def _form(s, **extra):
    cara_course, jonah_course = s["cara_course"], s["jonah_course"]
    return {
        "met_on": s["today"].isoformat(),
        "agreed": "Keep to the focus.",
        f"case_{cara_course.pk}": "on",
        f"session_{cara_course.pk}": str(s["cara_sessions"][-1].pk),
        f"note_{cara_course.pk}": "Talked about her sister.",
        f"case_{jonah_course.pk}": "on",
        f"session_{jonah_course.pk}": "",
        f"note_{jonah_course.pk}": "",
        "recordings": [str(s["cara_sessions"][-1].pk)],
        "action_1": "Send Cara the relapse leaflet.",
        "due_1": (s["today"] + timedelta(days=2)).isoformat(),
        **extra,
    }


def _meeting(sam, tess, s) -> Meeting:
    return record_meeting(
        actor=sam,
        therapist=tess,
        met_on=s["today"],
        agreed="Keep to the focus.",
        cases=[CaseInput(s["cara_course"]), CaseInput(s["jonah_course"])],
        actions=[ActionInput("Send Cara the leaflet.", s["today"])],
    )


def test_sam_records_a_meeting_and_tess_finds_the_action_and_opens_the_record(
    client, sam, tess, cara, s
):
    client.force_login(sam)
    url = reverse("supervision:meeting_new", args=[tess.pk])
    page = client.get(url)
    assert "Record a meeting with Tess" in page.text
    assert "Cara Whitfield: Session 4" in page.text  # her recording may be heard
    assert "Jonah Price: Session" not in page.text  # Jonah never consented
    response = client.post(url, _form(s))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:meeting", args=[meeting.pk]
    )
    client.force_login(tess)
    mine = client.get(reverse("attention:mine"))
    assert "An action from supervision" in mine.text
    assert "Send Cara the relapse leaflet." in mine.text
    assert reverse("supervision:meeting", args=[meeting.pk]) in mine.text
    before = AuditEvent.objects.count()
    record = client.get(reverse("supervision:meeting", args=[meeting.pk]))
    assert "Talked about her sister." in record.text and "Jonah Price" in record.text
    read = AuditEvent.objects.order_by("id")[before:]
    assert sorted((e.action, e.client_id, e.actor_id) for e in read) == sorted(
        [("supervision.read", cara.pk, tess.pk), ("supervision.read", s["jonah"].pk, tess.pk)]
    )


def test_a_form_with_no_client_ticked_is_refused_and_keeps_what_was_typed(client, sam, tess, s):
    client.force_login(sam)
    data = _form(s)
    del data[f"case_{s['cara_course'].pk}"], data[f"case_{s['jonah_course'].pk}"]
    data["recordings"] = []
    response = client.post(reverse("supervision:meeting_new", args=[tess.pk]), data)
    assert response.status_code == 200
    assert "Tick at least one client you discussed." in response.text
    assert (
        "Keep to the focus." in response.text and "Send Cara the relapse leaflet." in response.text
    )
    assert not Meeting.objects.exists()


def test_an_action_without_a_date_is_refused_with_a_message(client, sam, tess, s):
    client.force_login(sam)
    response = client.post(reverse("supervision:meeting_new", args=[tess.pk]), _form(s, due_1=""))
    assert "Give the day the action is due by." in response.text
    assert not Meeting.objects.exists()


def test_the_overview_shows_each_supervisees_clients_and_what_is_off_track(
    client, sam, tess, cara, s
):
    _meeting(sam, tess, s)
    sync_team(tess.team)
    client.force_login(sam)
    response = client.get(reverse("supervision:overview"))
    rows = {row.client.given_name: row for row in response.context["sections"][0].rows}
    assert set(rows) == {"Cara", "Jonah"}
    assert rows["Cara"].last_discussed == s["today"]
    assert rows["Cara"].records_outstanding == 4  # attended, not written
    assert rows["Cara"].since_discussed == 0
    assert "Record a meeting with Tess" in response.text
    event = AuditEvent.objects.filter(action="supervision.overview").get()
    assert event.detail["client_ids"] == sorted([cara.pk, s["jonah"].pk])


def test_the_overview_shows_adherence_as_last_rated_and_where_ratings_differ(client, sam, tess):
    nina = make_client(tess, tess, "Nina", "Rated")
    course = course_with_records(nina, tess)
    fourth, fifth = session(course, 4), session(course, 5)
    rate_session(fourth, tess, "self", marks(fourth, 2))
    rate_session(fourth, sam, "present", marks(fourth, 0))
    rate_session(fifth, tess, "self", marks(fifth, 1))
    client.force_login(sam)
    response = client.get(reverse("supervision:overview"))
    row = next(r for r in response.context["sections"][0].rows if r.client == nina)
    assert row.adherence.sessions_rated == 2
    assert row.adherence.therapist_latest.checklist.appointment == fifth
    assert row.adherence.supervisor_latest.checklist.appointment == fourth
    assert row.adherence.sessions_differing == 1
    assert "Therapist 50%, supervisor 0%" in response.text
    assert "Rated differently in 1 session" in response.text


def test_a_missed_session_shows_the_client_as_off_track(client, sam, tess, cara, s):
    from iptclinic.courses import services as course_services

    missed = s["jonah_course"].appointments.filter(status="planned").order_by("starts_at")[0]
    course_services.set_attendance(missed, actor=tess, status="did_not_attend")
    sync_team(tess.team)
    assert Item.objects.filter(client=s["jonah"], kind=NeedKind.MISSED_SESSION).exists()
    client.force_login(sam)
    rows = {
        r.client.given_name: r
        for r in client.get(reverse("supervision:overview")).context["sections"][0].rows
    }
    assert NeedKind.MISSED_SESSION in rows["Jonah"].off_track
    assert rows["Jonah"].since_discussed == 2


@pytest.mark.parametrize("who", ["tess", "otto", "lee"])
def test_only_supervisors_reach_the_overview_and_the_meeting_form(client, request, who, tess):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("supervision:overview")).status_code == 404
    assert client.get(reverse("supervision:meeting_new", args=[tess.pk])).status_code == 404


def test_otto_gets_404_on_tess_s_meeting(client, sam, tess, otto, s):
    meeting = _meeting(sam, tess, s)
    client.force_login(otto)
    assert client.get(reverse("supervision:meeting", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize("who", ["lee", "hana"])
def test_the_lead_and_another_team_get_404_on_a_meeting(client, request, who, sam, tess, s):
    meeting = _meeting(sam, tess, s)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("supervision:meeting", args=[meeting.pk])).status_code == 404


def test_a_supervisor_cannot_record_with_a_therapist_they_do_not_supervise(
    client, sam, tess, otto, team
):
    """H-117: Sam does not supervise Otto; another supervisor does not supervise Tess."""
    client.force_login(sam)
    assert client.get(reverse("supervision:meeting_new", args=[otto.pk])).status_code == 404
    sue = make_user(team, "sue", Role.SUPERVISOR)
    client.force_login(sue)
    assert client.get(reverse("supervision:meeting_new", args=[tess.pk])).status_code == 404
    assert client.post(reverse("supervision:meeting_new", args=[tess.pk]), {}).status_code == 404


def test_the_therapist_and_the_supervisor_both_list_the_meeting(client, sam, tess, s):
    """H-118: the record is visible to the therapist it is about."""
    meeting = _meeting(sam, tess, s)
    for person in (tess, sam):
        client.force_login(person)
        page = client.get(reverse("supervision:meetings"))
        assert reverse("supervision:meeting", args=[meeting.pk]) in page.text


def test_the_client_page_says_when_the_client_was_last_discussed(client, sam, tess, lee, cara, s):
    _meeting(sam, tess, s)
    url = reverse("clients:detail", args=[cara.pk])
    for person in (tess, sam):
        client.force_login(person)
        assert "Last discussed in supervision on 18 November 2026." in client.get(url).text
    client.force_login(lee)
    assert "Last discussed in supervision" not in client.get(url).text


def test_the_overview_costs_the_same_queries_for_5_and_40_clients(client, team, sam, tess, otto):
    add_clients(team, tess, 5)
    client.force_login(sam)
    few = queries_for(client, reverse("supervision:overview"))
    add_clients(team, tess, 35, start=5)
    add_clients(team, make_user(team, "tom", Role.THERAPIST, supervisor=sam), 10, start=40)
    assert queries_for(client, reverse("supervision:overview")) == few


def test_the_meeting_form_costs_the_same_queries_for_5_and_40_clients(client, team, sam, tess):
    add_clients(team, tess, 5)
    client.force_login(sam)
    url = reverse("supervision:meeting_new", args=[tess.pk])
    few = queries_for(client, url)
    add_clients(team, tess, 35, start=5)
    assert queries_for(client, url) == few


def test_a_meeting_page_costs_the_same_queries_for_2_and_8_clients(client, team, sam, tess, s):
    client.force_login(tess)
    small = _meeting(sam, tess, s)
    few = _reads(client, reverse("supervision:meeting", args=[small.pk]))
    courses = [open_course_for(make_client(tess, tess, f"P{n}"), tess) for n in range(6)]
    big = record_meeting(
        actor=sam,
        therapist=tess,
        met_on=s["today"],
        agreed="",
        cases=[CaseInput(c) for c in [s["cara_course"], s["jonah_course"], *courses]],
        actions=[ActionInput(f"Action {n}.", s["today"]) for n in range(3)],
    )
    # Reading writes one audit event per client discussed; every other query is fixed.
    assert _reads(client, reverse("supervision:meeting", args=[big.pk])) == few


def _reads(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return sum(1 for q in context.captured_queries if "audit_" not in q["sql"])


def test_a_supervisor_who_holds_a_caseload_has_both_their_clients_and_their_supervision(
    client, team, sam
):
    """Item 6: Mia is a therapist with her own client, and supervises Tom."""
    mia = make_user(team, "mia", {Role.THERAPIST, Role.SUPERVISOR}, supervisor=sam)
    tom = make_user(team, "tom", Role.THERAPIST, supervisor=mia)
    own = make_client(mia, mia, "Nina", "Own")
    toms = make_client(tom, tom, "Theo", "Toms")
    open_course_for(own, mia)
    theo_course = open_course_for(toms, tom)
    client.force_login(mia)
    caseload = client.get(reverse("courses:caseload")).text
    assert "Nina" in caseload and "Theo" in caseload
    overview = client.get(reverse("supervision:overview"))
    assert [s.therapist for s in overview.context["sections"]] == [tom]
    assert "Record a meeting with Tom" in overview.text
    assert client.get(reverse("supervision:meeting_new", args=[mia.pk])).status_code == 404
    given = record_meeting(
        actor=mia,
        therapist=tom,
        met_on=theo_course.start_date,
        agreed="",
        cases=[CaseInput(theo_course)],
    )
    received = record_meeting(
        actor=sam,
        therapist=mia,
        met_on=theo_course.start_date,
        agreed="",
        cases=[CaseInput(own.referrals.get().courses.get())],
        actions=[ActionInput("Book a review.", theo_course.start_date + timedelta(weeks=7))],
    )
    listed = client.get(reverse("supervision:meetings")).text
    for meeting in (given, received):
        assert reverse("supervision:meeting", args=[meeting.pk]) in listed
        assert client.get(reverse("supervision:meeting", args=[meeting.pk])).status_code == 200
    assert Item.objects.get(kind=NeedKind.SUPERVISION_ACTION).owner == mia
    assert "Supervision" in client.get(reverse("attention:mine")).text
