"""Whether a course may be closed as completed: asked by ``courses.services.end_course``.

Kept apart from the selectors, which read the inventory and measures apps, so that the courses
app can ask without importing them (ipt-method.md §7 R19, R20; §8 TERMINATION_PHASE -> CLOSED).
"""

from __future__ import annotations

from iptclinic.courses.models import Course
from iptclinic.ipt.ending import EndingKind

from .models import EndingRecord


def ending_record_for(course: Course) -> EndingRecord | None:
    return EndingRecord.objects.filter(course=course).first()


def completion_problem(course: Course) -> str:
    """Why the course cannot yet be closed as completed, or "" when it can (R19, R20).

    ``courses.services.end_course`` asks this before closing a course as completed.
    """
    record = ending_record_for(course)
    if record is None:
        return (
            "Write the ending record before closing the course as completed: feelings about the "
            "ending, the progress review, what helped, warning signs and a plan, future goals and "
            "what happens next."
        )
    if record.kind_enum is not EndingKind.FULL:
        return (
            "This course has the shorter record of an early ending. End it early with a reason, "
            "or change the record to a full ending."
        )
    gaps = record.gaps
    if gaps:
        return "The ending record is not complete yet. " + " ".join(gaps)
    return ""
