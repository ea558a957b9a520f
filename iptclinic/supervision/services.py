"""Recording a supervision meeting and reading it; each audited in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.services import raise_event_item
from iptclinic.audit import services as audit
from iptclinic.clients.models import RecordingConsent
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.safety_net import NeedKind, Owner
from iptclinic.ipt.supervision import covering_period

from .models import Action, CaseDiscussed, Meeting, RecordingReviewed

NOTE_LIMIT = 2000
AGREED_LIMIT = 5000
ACTION_LIMIT = 300


class SupervisionError(ValueError):
    """A supervision record the rules do not allow; the message says why."""


@dataclass(frozen=True)
class CaseInput:
    course: Course
    appointment: Appointment | None = None
    note: str = ""


@dataclass(frozen=True)
class ActionInput:
    text: str
    due_on: date


def _check_people(actor: User, therapist: User) -> None:
    if not (
        actor.is_staff_member
        and actor.is_supervisor
        and therapist.is_therapist
        and therapist.is_active
        and therapist.pk != actor.pk
        and therapist.supervisor_id == actor.pk
        and therapist.team_id == actor.team_id
    ):
        raise SupervisionError("You can record supervision only with a therapist you supervise.")


def _check_cases(therapist: User, cases: Sequence[CaseInput]) -> None:
    if not cases:
        raise SupervisionError("Choose at least one client you discussed.")
    courses = [case.course.pk for case in cases]
    if len(set(courses)) != len(courses):
        raise SupervisionError("Each client is discussed once in a meeting.")
    for case in cases:
        if case.course.referral.client.therapist_id != therapist.pk:
            raise SupervisionError("Only the therapist's own clients can be discussed.")
        if case.appointment is not None and case.appointment.course_id != case.course.pk:
            raise SupervisionError("The session discussed must be one of that course's sessions.")
        if len(case.note) > NOTE_LIMIT:
            raise SupervisionError(f"Keep each note to {NOTE_LIMIT} characters.")


def _consent_for(appointment: Appointment, met_on: date) -> RecordingConsent:
    """The consent that covers hearing this recording on ``met_on``, or a clear refusal."""
    client = appointment.course.referral.client
    consents = list(RecordingConsent.objects.filter(client=client))
    session_date = timezone.localdate(appointment.starts_at)
    period = covering_period([c.period for c in consents], session_date, met_on)
    if period is None:
        raise SupervisionError(
            f"The recording of {client.called}'s session on {session_date:%-d %B %Y} may not be "
            "heard: their consent to recording did not stand on that day, or has been withdrawn."
        )
    return next(c for c in consents if c.period == period)


def _check_recordings(
    recordings: Sequence[Appointment], cases: Sequence[CaseInput], met_on: date
) -> list[RecordingConsent]:
    discussed = {case.course.pk for case in cases}
    consents = []
    for appointment in recordings:
        if appointment.course_id not in discussed:
            raise SupervisionError("A recording can be heard only of a client discussed.")
        if appointment.status != Attendance.ATTENDED:
            raise SupervisionError("Only a session that took place has a recording.")
        consents.append(_consent_for(appointment, met_on))
    return consents


def _check_actions(actions: Sequence[ActionInput]) -> None:
    today = timezone.localdate()
    for action in actions:
        if not action.text.strip():
            raise SupervisionError("Say what the action is.")
        if len(action.text.strip()) > ACTION_LIMIT:
            raise SupervisionError(f"Keep each action to {ACTION_LIMIT} characters.")
        if action.due_on < today:
            raise SupervisionError("An action cannot be due in the past.")


@transaction.atomic
def record_meeting(
    *,
    actor: User,
    therapist: User,
    met_on: date,
    agreed: str,
    cases: Sequence[CaseInput],
    recordings: Sequence[Appointment] = (),
    actions: Sequence[ActionInput] = (),
) -> Meeting:
    """The supervisor records a meeting with a supervisee; each action lands in the therapist's
    "Needs attention". One audit event per client discussed, so each client's trail shows it."""
    _check_people(actor, therapist)
    if met_on > timezone.localdate():
        raise SupervisionError("The meeting cannot be in the future.")
    if len(agreed) > AGREED_LIMIT:
        raise SupervisionError(f"Keep what was agreed to {AGREED_LIMIT} characters.")
    _check_cases(therapist, cases)
    consents = _check_recordings(recordings, cases, met_on)
    _check_actions(actions)
    meeting = Meeting.objects.create(
        team_id=actor.team_id,
        supervisor=actor,
        therapist=therapist,
        met_on=met_on,
        agreed=agreed.strip(),
        recorded_at=timezone.now(),
    )
    CaseDiscussed.objects.bulk_create(
        CaseDiscussed(
            meeting=meeting, course=case.course, appointment=case.appointment, note=case.note
        )
        for case in cases
    )
    RecordingReviewed.objects.bulk_create(
        RecordingReviewed(meeting=meeting, appointment=appointment, consent=consent)
        for appointment, consent in zip(recordings, consents, strict=True)
    )
    items = [_set_action(meeting, action, number) for number, action in enumerate(actions, 1)]
    for case in cases:
        audit.record(
            actor=actor,
            action="supervision.record",
            client=case.course.referral.client,
            obj=meeting,
            detail={
                "course": case.course.pk,
                "recordings": sorted(a.pk for a in recordings if a.course_id == case.course.pk),
                "actions": [item.pk for item in items],
            },
        )
    return meeting


def _set_action(meeting: Meeting, action: ActionInput, number: int) -> Action:
    """One action: an item in the therapist's "Needs attention", due at the end of the working
    day chosen (the next working day's end if that day is not one)."""
    team = meeting.therapist.team
    week = team.working_week()
    due = week.within_working_days(week.start_of_day(action.due_on), 0)
    text = action.text.strip()
    item = raise_event_item(
        team,
        owner=meeting.therapist,
        owner_role=Owner.THERAPIST,
        kind=NeedKind.SUPERVISION_ACTION,
        key=f"supervision_action:{meeting.pk}:{number}",
        title=text,
        due=due,
        subject=("supervision_meeting", meeting.pk),
    )
    if item is None:  # the key is new to this meeting, so only a race could get here
        raise SupervisionError("The action could not be added. Try again.")
    return Action.objects.create(meeting=meeting, text=text, due_on=action.due_on, item=item)


def record_reading(meeting: Meeting, *, actor: User) -> None:
    """Reading a meeting writes one event per client discussed (who read about them)."""
    for case in meeting.cases.all():
        audit.record(
            actor=actor,
            action="supervision.read",
            client=case.course.referral.client,
            obj=meeting,
            detail={"course": case.course_id},
        )
