"""Moving a client to another therapist mid-course: their care moves with them, never to nobody."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from iptclinic.accounts.models import Role
from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.audit.models import AuditEvent
from iptclinic.clients import services
from iptclinic.clients.models import Allocation
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.measures import services as measure_services
from iptclinic.measures.access import can_review_alert
from iptclinic.measures.models import RiskAlert
from iptclinic.measures.tests.helpers import phq9_total
from iptclinic.test import attend_next, make_user

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.time_machine(datetime(2026, 12, 1, 17, 30, tzinfo=LONDON))


@pytest.fixture
def in_care(team, cara, cara_course, tess, sam, otto):
    """Cara mid-course, with an open PHQ-9 item-9 alert and items in the queue."""
    held = attend_next(cara_course, tess, 6)
    measure_services.record_questionnaire(
        cara,
        actor=tess,
        instrument_code="phq9",
        answers=phq9_total(12, item9=1),
        appointment=held[-1],
    )
    team.duty_clinician = otto
    team.save(update_fields=["duty_clinician"])
    sync_team(team)
    return cara


@pytest.fixture
def rhea(team):
    """Another supervisor, who supervises the therapist Cara moves to."""
    return make_user(team, "rhea", Role.SUPERVISOR)


def test_a_client_in_care_cannot_be_left_unallocated(in_care, lee):
    with pytest.raises(services.AllocationError, match="someone must hold their care"):
        services.allocate_client(in_care, actor=lee, therapist=None, reason="Tess left.")
    in_care.refresh_from_db()
    assert in_care.therapist.username == "tess"


def test_a_move_needs_a_reason(in_care, lee, otto):
    with pytest.raises(services.AllocationError, match="Say why"):
        services.allocate_client(in_care, actor=lee, therapist=otto, reason=" ")


def test_the_course_alert_and_pending_work_move_together(in_care, lee, tess, sam, otto, rhea):
    otto.supervisor = rhea
    otto.save(update_fields=["supervisor"])
    alert = RiskAlert.objects.get()
    tess_items = Item.objects.filter(owner=tess, client=in_care, resolved_at__isnull=True)
    moving = set(tess_items.values_list("key", flat=True))
    assert f"alert:{alert.pk}" in moving

    services.allocate_client(in_care, actor=lee, therapist=otto, reason="Tess is on long leave.")

    assert not Item.objects.filter(owner=tess, client=in_care, resolved_at__isnull=True).exists()
    assert moving <= set(
        Item.objects.filter(owner=otto, resolved_at__isnull=True).values_list("key", flat=True)
    )
    assert Item.objects.filter(owner=rhea, key=f"alert:{alert.pk}", resolved_at__isnull=True)
    assert not Item.objects.filter(owner=sam, resolved_at__isnull=True).exists()
    alert.refresh_from_db()
    assert can_review_alert(otto, alert) and not can_review_alert(tess, alert)
    allocation = Allocation.objects.get()
    assert (allocation.previous, allocation.therapist, allocation.reason) == (
        tess,
        otto,
        "Tess is on long leave.",
    )
    event = AuditEvent.objects.first()
    assert event.action == "client.reallocate"
    assert event.detail["previous_id"] == tess.pk and event.detail["items_moved"] >= 2
    assert "leave" not in str(event.detail)  # the reason is kept with the record, not the log

    # The next safety-net run agrees: nothing goes back to Tess.
    sync_team(in_care.team)
    assert not Item.objects.filter(owner=tess, resolved_at__isnull=True).exists()


def test_the_lead_confirms_a_move_before_it_happens_and_the_old_therapist_then_gets_404(
    client, in_care, lee, tess, otto
):
    client.force_login(lee)
    url = reverse("clients:allocate", args=[in_care.pk])
    page = client.get(url).content.decode()
    assert "1 open course" in page and "1 open risk alert" in page

    asked = client.post(url, {"therapist": otto.pk, "reason": ""})
    assert "Say why Cara Whitfield is moving" in asked.content.decode()
    asked = client.post(url, {"therapist": otto.pk, "reason": "Tess is on leave."})
    assert asked.status_code == 200
    assert "Move Cara Whitfield to Otto?" in asked.content.decode()
    in_care.refresh_from_db()
    assert in_care.therapist == tess  # nothing moved yet

    done = client.post(url, {"therapist": otto.pk, "reason": "Tess is on leave.", "confirm": "yes"})
    assert done.status_code == 302
    in_care.refresh_from_db()
    assert in_care.therapist == otto
    client.force_login(tess)
    assert client.get(reverse("clients:detail", args=[in_care.pk])).status_code == 404
    alert = RiskAlert.objects.get()
    assert client.get(reverse("measures:alert", args=[alert.pk])).status_code == 404


def test_a_client_with_nothing_in_progress_can_be_unallocated(team, lee, ruth):
    services.allocate_client(ruth, actor=lee, therapist=None)
    ruth.refresh_from_db()
    assert ruth.therapist is None


def test_an_item_of_a_kind_the_therapist_does_not_hold_stays_with_its_owner(in_care, lee, otto):
    duty_items = Item.objects.filter(owner_role="duty", resolved_at__isnull=True)
    before = list(duty_items.values_list("owner_id", flat=True))
    services.allocate_client(
        in_care,
        actor=lee,
        therapist=make_user(in_care.team, "uma", Role.THERAPIST),
        reason="Caseload balance.",
    )
    assert list(duty_items.values_list("owner_id", flat=True)) == before
    assert NeedKind.RISK_ALERT in {
        item.kind for item in Item.objects.filter(owner__username="uma", resolved_at__isnull=True)
    }
