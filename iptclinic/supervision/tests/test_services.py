"""Recording a supervision meeting: who may, about whom, which recordings, and the actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from iptclinic.accounts.models import Role
from iptclinic.attention.links import act_link
from iptclinic.attention.models import Item
from iptclinic.attention.services import resolve_item
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.recording import withdraw_recording_consent
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.supervision.models import Meeting
from iptclinic.supervision.services import (
    ActionInput,
    CaseInput,
    SupervisionError,
    record_meeting,
)
from iptclinic.supervision.tests.helpers import WEDNESDAY, scene
from iptclinic.test import make_client, make_user, open_course_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(time_machine, tess, cara):
    time_machine.move_to(WEDNESDAY)
    return scene(tess, cara)


def _meet(sam, tess, s, **overrides):
    arguments = {
        "actor": sam,
        "therapist": tess,
        "met_on": s["today"],
        "agreed": "Keep to the focus.",
        "cases": [
            CaseInput(s["cara_course"], s["cara_sessions"][-1], "Talked about her sister."),
            CaseInput(s["jonah_course"]),
        ],
        "recordings": [s["cara_sessions"][-1]],
        "actions": [ActionInput("Send Cara the relapse leaflet.", s["today"] + timedelta(days=2))],
    }
    return record_meeting(**{**arguments, **overrides})


def test_a_meeting_records_two_clients_a_recording_and_an_action_for_the_therapist(sam, tess, s):
    meeting = _meet(sam, tess, s)
    assert [c.course for c in meeting.cases.all()] == [s["cara_course"], s["jonah_course"]]
    assert [r.appointment for r in meeting.recordings.all()] == [s["cara_sessions"][-1]]
    action = meeting.actions.get()
    item = action.item
    assert (item.owner, item.owner_role, item.from_rule, item.kind) == (
        tess,
        "therapist",
        False,
        NeedKind.SUPERVISION_ACTION,
    )
    assert item.kind_label == "An action from supervision"
    assert item.title == "Send Cara the relapse leaflet."
    # Due at the end of the working day chosen: Friday at 17:00.
    assert timezone.localtime(item.due).strftime("%A %H:%M") == "Friday 17:00"
    assert act_link(item)[0] == f"/supervision/meetings/{meeting.pk}/"


def test_an_action_due_on_a_saturday_is_due_at_the_end_of_the_next_working_day(sam, tess, s):
    saturday = date(2026, 11, 21)
    meeting = _meet(sam, tess, s, actions=[ActionInput("Write to the GP.", saturday)])
    due = timezone.localtime(meeting.actions.get().item.due)
    assert (due.date(), due.strftime("%H:%M")) == (date(2026, 11, 23), "17:00")


def test_every_action_has_an_item_owned_by_the_therapist(sam, tess, s):
    """H-115: an action never lands without an owner."""
    meeting = _meet(
        sam,
        tess,
        s,
        actions=[
            ActionInput("One.", s["today"]),
            ActionInput("Two.", s["today"] + timedelta(days=7)),
        ],
    )
    items = Item.objects.filter(subject_type="supervision_meeting", subject_id=meeting.pk)
    assert sorted(items.values_list("owner_id", flat=True)) == [tess.pk, tess.pk]
    assert {a.item_id for a in meeting.actions.all()} == set(items.values_list("pk", flat=True))


def test_the_therapist_closes_an_action_with_a_note_and_it_does_not_come_back(sam, tess, s):
    item = _meet(sam, tess, s).actions.get().item
    closed = resolve_item(item, actor=tess, note="Sent it.")
    assert closed.resolved_at is not None and closed.reopen_after is None


def test_a_recording_is_refused_without_consent(sam, tess, s):
    """H-116: Jonah never consented, so his recording cannot be recorded as heard."""
    with pytest.raises(SupervisionError, match="consent to recording did not stand"):
        _meet(sam, tess, s, recordings=[s["jonah_sessions"][0]])
    assert not Meeting.objects.exists()


def test_a_recording_is_refused_once_consent_is_withdrawn(sam, tess, cara, s):
    """H-116: withdrawal stops every later review, even of sessions recorded before it."""
    withdraw_recording_consent(cara, actor=tess, withdrawn_on=s["today"])
    with pytest.raises(SupervisionError, match="has been withdrawn"):
        _meet(sam, tess, s)
    assert not Item.objects.filter(kind=NeedKind.SUPERVISION_ACTION).exists()


def test_a_recording_of_a_client_not_discussed_is_refused(sam, tess, s):
    with pytest.raises(SupervisionError, match="client discussed"):
        _meet(sam, tess, s, cases=[CaseInput(s["jonah_course"])])


def test_only_the_therapists_own_supervisor_may_record(sam, tess, otto, team, s):
    """H-117: Otto is a therapist; another supervisor does not supervise Tess."""
    other = make_user(team, "sue", Role.SUPERVISOR)
    for actor in (otto, other):
        with pytest.raises(SupervisionError, match="therapist you supervise"):
            _meet(actor, tess, s)


def test_only_the_therapists_own_clients_can_be_discussed(sam, tess, otto, s):
    """H-117: Ruth is Otto's client, even if Sam were to reach her course."""
    ruth = make_client(otto, otto, "Ruth", "Adeyemi")
    with pytest.raises(SupervisionError, match="own clients"):
        _meet(sam, tess, s, cases=[CaseInput(open_course_for(ruth, otto))], recordings=[])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cases": []}, "at least one client"),
        ({"met_on": date(2026, 11, 19)}, "cannot be in the future"),
        ({"actions": [ActionInput("Late.", date(2026, 11, 17))]}, "due in the past"),
        ({"actions": [ActionInput("  ", date(2026, 11, 19))]}, "Say what the action is"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    sam, tess, s, overrides, message
):
    with pytest.raises(SupervisionError, match=message):
        _meet(sam, tess, s, **overrides)
    assert not Meeting.objects.exists()


def test_recording_writes_one_audit_event_per_client_discussed(sam, tess, cara, s):
    before = AuditEvent.objects.count()
    meeting = _meet(sam, tess, s)
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.action, e.client_id, e.actor_id) for e in events] == [
        ("supervision.record", cara.pk, sam.pk),
        ("supervision.record", s["jonah"].pk, sam.pk),
    ]
    assert events[0].object_id == str(meeting.pk)
