"""Attendance at appointments and how it numbers the sessions of a course.

Source: ``decisions.md`` §4 (PRODUCT): "session n of N" counts attended sessions only; a
did-not-attend or a cancellation uses none of the contract and can be rebooked. ``ipt-method.md``
§7 R17 (PRODUCT): a missed session never silently extends the end date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType


class Attendance(StrEnum):
    """What happened to one appointment."""

    PLANNED = "planned"
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED_BY_CLIENT = "cancelled_by_client"
    CANCELLED_BY_SERVICE = "cancelled_by_service"


ATTENDANCE_LABELS: Mapping[Attendance, str] = MappingProxyType(
    {
        Attendance.PLANNED: "Planned",
        Attendance.ATTENDED: "Attended",
        Attendance.DID_NOT_ATTEND: "Did not attend",
        Attendance.CANCELLED_BY_CLIENT: "Cancelled by client",
        Attendance.CANCELLED_BY_SERVICE: "Cancelled by service",
    }
)

MISSED: frozenset[Attendance] = frozenset(
    {
        Attendance.DID_NOT_ATTEND,
        Attendance.CANCELLED_BY_CLIENT,
        Attendance.CANCELLED_BY_SERVICE,
    }
)


def session_numbers(statuses: Sequence[Attendance]) -> list[int | None]:
    """Number the appointments of a course, given in date order.

    Each attended appointment gets the next session number (1-based); every other appointment
    gets ``None`` because it uses none of the contract (decisions.md §4).
    """
    numbers: list[int | None] = []
    attended = 0
    for status in statuses:
        if Attendance(status) is Attendance.ATTENDED:
            attended += 1
            numbers.append(attended)
        else:
            numbers.append(None)
    return numbers


def sessions_remaining(attended: int, contracted: int) -> int:
    """Contracted sessions not yet used; never below zero (decisions.md §4).

    Zero rather than an error once ``attended`` reaches or passes ``contracted``: a renegotiated
    contract can be shorter than what has already happened.
    """
    if attended < 0:
        raise ValueError(f"The number of attended sessions cannot be negative; got {attended}.")
    if contracted < 1:
        raise ValueError(f"A course has at least one contracted session; got {contracted}.")
    return max(0, contracted - attended)
