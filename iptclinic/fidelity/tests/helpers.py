"""A course of Cara's with written records, and marks for a whole checklist."""

from __future__ import annotations

from datetime import timedelta

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client
from iptclinic.clients.recording import give_recording_consent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course
from iptclinic.fidelity.models import AdherenceChecklist
from iptclinic.fidelity.selectors import new_checklist
from iptclinic.inventory.models import FocusDecision
from iptclinic.test import attend_next, open_course_for


def course_with_records(client: Client, therapist: User, sessions: int = 5) -> Course:
    """Sessions attended and recorded; a focus on grief, and the middle phase from session 4."""
    course = open_course_for(client, therapist, weeks_ago=sessions + 1, contracted=16)
    for appointment in attend_next(course, therapist, sessions):
        course_services.save_session_record(
            appointment, actor=therapist, data={"notes": "Notes."}, expected_version=None
        )
    FocusDecision.objects.create(
        course=course, areas=["grief"], reason="Agreed.", decided_by=therapist
    )
    # Straight into the middle phase from the start, so that session 4 is a middle session.
    course.middle_phase_allowed_on = course.start_date
    course.save(update_fields=["middle_phase_allowed_on"])
    return course


def consent_to_recording(course: Course, therapist: User) -> None:
    """The client agreed to recording the day before the course began."""
    give_recording_consent(
        course.referral.client, actor=therapist, given_on=course.start_date - timedelta(days=1)
    )


def session(course: Course, number: int) -> Appointment:
    return course.appointments.filter(status="attended").order_by("starts_at")[number - 1]


def marks(appointment: Appointment, mark: int = 2, **chosen: int | None) -> dict[str, int | None]:
    """A mark for every item of the session's checklist (the stored one, or the one it would get)."""
    stored = AdherenceChecklist.objects.filter(appointment=appointment).first()
    items = stored.item_list if stored else new_checklist(appointment)[2]
    return {item.code: chosen.get(item.code.replace(".", "_"), mark) for item in items}
