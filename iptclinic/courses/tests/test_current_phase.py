"""The database's reading of a course's phase (for the client list's filter) is the timeline's."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment, Course
from iptclinic.courses.schedule import weekly_slots
from iptclinic.courses.selectors import with_current_phase
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.variants import Variant, variant_config


def _course(referral, variant: Variant, contracted: int, attended: int, agreed: bool) -> Course:
    first_day = timezone.localdate() - timedelta(weeks=contracted + 1)
    course = Course.objects.create(
        referral=referral,
        variant=variant,
        contracted_sessions=contracted,
        state="active",
        start_date=first_day,
        weekday=first_day.weekday(),
        session_time=time(10),
        # agreed the day after the second session, or never
        middle_phase_allowed_on=first_day + timedelta(days=8) if agreed else None,
    )
    slots = weekly_slots(first_day, first_day.weekday(), time(10), contracted, "Europe/London")
    Appointment.objects.bulk_create(
        Appointment(
            course=course,
            starts_at=slot,
            status=Attendance.ATTENDED if n < attended else Attendance.PLANNED,
        )
        for n, slot in enumerate(slots)
    )
    return course


@pytest.mark.parametrize("variant", list(Variant))
def test_the_phase_worked_out_in_the_database_is_the_timeline_s_for_every_variant(
    cara: Client, variant: Variant
) -> None:
    config = variant_config(variant)
    referral = cara.referrals.get()
    for contracted in {config.min_sessions, config.max_sessions}:
        for attended in range(contracted + 1):
            for agreed in (True, False):
                _course(referral, variant, contracted, attended, agreed)
    courses = with_current_phase(Course.objects.filter(referral=referral)).prefetch_related(
        "appointments"
    )
    for course in courses:
        expected = course.timeline().current_phase
        assert course.current_phase == expected, (
            f"{variant} {course.contracted_sessions} sessions, {course.attended} attended, "
            f"agreed from {course.middle_phase_allowed_on}"
        )
