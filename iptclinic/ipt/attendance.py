"""Attendance at appointments and how it numbers the sessions of a course.

Source: ``decisions.md`` §4 (PRODUCT): "session n of N" counts attended sessions only; a
did-not-attend or a cancellation uses none of the contract and can be rebooked. ``ipt-method.md``
§7 R17 (PRODUCT): a missed session never silently extends the end date.

Who attends (IPT for adolescents, ``ipt-method.md`` §1.6 row IPT_A [S11]): a session with the
young person, with their parent or carer too, or with the parent or carer alone. A session with
the parent or carer alone is an extra: it uses none of the contract and has no session number
(PRODUCT, following the IPT-A descriptions in which parent sessions are added to the weekly
individual sessions).
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


class Attendee(StrEnum):
    """Who an appointment is with."""

    CLIENT = "client"
    CLIENT_AND_CARER = "client_and_carer"
    CARER = "carer"


ATTENDEE_LABELS: Mapping[Attendee, str] = MappingProxyType(
    {
        Attendee.CLIENT: "The client",
        Attendee.CLIENT_AND_CARER: "The client with their parent or carer",
        Attendee.CARER: "The parent or carer alone",
    }
)


def counts_toward_contract(attendee: Attendee | str) -> bool:
    """Whether an attended appointment with ``attendee`` is a session of the contract.

    Only sessions with the client count; a parent or carer session without them is an extra
    (module docstring). Raises ``ValueError`` for an unknown attendee.
    """
    return Attendee(attendee) is not Attendee.CARER


def needs_carer(attendee: Attendee | str) -> bool:
    """Whether an appointment with ``attendee`` involves a parent or carer."""
    return Attendee(attendee) is not Attendee.CLIENT


MISSED: frozenset[Attendance] = frozenset(
    {
        Attendance.DID_NOT_ATTEND,
        Attendance.CANCELLED_BY_CLIENT,
        Attendance.CANCELLED_BY_SERVICE,
    }
)


def session_numbers(
    statuses: Sequence[Attendance], attendees: Sequence[Attendee] | None = None
) -> list[int | None]:
    """Number the appointments of a course, given in date order.

    Each attended appointment gets the next session number (1-based); every other appointment
    gets ``None`` because it uses none of the contract (decisions.md §4), and so does an
    attended session with the parent or carer alone (:func:`counts_toward_contract`).
    ``attendees``, when given, is parallel to ``statuses``; without it every appointment is with
    the client.
    """
    if attendees is None:
        attendees = [Attendee.CLIENT] * len(statuses)
    if len(attendees) != len(statuses):
        raise ValueError("Give one attendee for each appointment.")
    numbers: list[int | None] = []
    attended = 0
    for status, attendee in zip(statuses, attendees, strict=True):
        if Attendance(status) is Attendance.ATTENDED and counts_toward_contract(attendee):
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
