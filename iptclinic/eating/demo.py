"""Invented eating log entries for the demo's IPT-ED course (``make demo``)."""

from __future__ import annotations

from iptclinic.accounts.models import User
from iptclinic.courses.models import Course
from iptclinic.ipt.eating import Compensatory

from .services import record_eating_week

# Binges, then vomiting, laxatives and driven exercise, session by session: invented figures
# that fall slowly, with no rise in purging big enough to need the therapist.
DEMO_WEEKS = ((7, 3, 1, 2), (5, 2, 0, 2), (6, 2, 0, 1), (3, 1, 0, 1))


def add_demo_eating_log(course: Course, *, therapist: User) -> None:
    attended = course.appointments.filter(status="attended").order_by("starts_at")
    for appointment, (binges, vomiting, laxatives, exercise) in zip(
        attended, DEMO_WEEKS, strict=False
    ):
        record_eating_week(
            appointment,
            actor=therapist,
            binges=binges,
            compensatory={
                Compensatory.VOMITING: vomiting,
                Compensatory.LAXATIVES: laxatives,
                Compensatory.EXERCISE: exercise,
            },
            weight_kg=None,
            expected_version=None,
        )
