"""How the portal speaks to a service user about their sessions (issue 11, item 2).

Pure rules, no Django: the numbers "session n of N", where the course is in plain words, what
happened to a past session, when a request about a session is due with the therapist, and when
a reminder is due.

Sources: ``decisions.md`` §4 (PRODUCT: "session n of N" counts attended sessions; a missed or
cancelled appointment uses none of the contract), ``ipt/phases.py`` for the phases (ipt-method.md
§1.1–1.6), and the portal's own choices in ``docs/portal-appointments.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.phases import Phase, phase_for_session
from iptclinic.ipt.variants import Variant
from iptclinic.ipt.working_days import WorkingWeek


class Stage(StrEnum):
    """Where a course is, as the person reads it."""

    NOT_STARTED = "not_started"
    BEGINNING = "beginning"
    MIDDLE = "middle"
    ENDING = "ending"
    ENDED = "ended"


STAGE_WORDS: Mapping[Stage, str] = MappingProxyType(
    {
        Stage.NOT_STARTED: "Your sessions have not started yet.",
        Stage.BEGINNING: "You are at the beginning of your sessions.",
        Stage.MIDDLE: "You are in the middle of your sessions.",
        Stage.ENDING: "You are near the end of your sessions.",
        Stage.ENDED: "Your sessions have finished.",
    }
)

_STAGE_OF_PHASE: Mapping[Phase, Stage] = MappingProxyType(
    {Phase.INITIAL: Stage.BEGINNING, Phase.MIDDLE: Stage.MIDDLE, Phase.ENDING: Stage.ENDING}
)

STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


def course_stage(
    attended: int,
    contracted: int,
    variant: Variant = Variant.LEAFLET,
    *,
    focus_agreed: bool = True,
    ended: bool = False,
) -> Stage:
    """Where the course is: the phase of the next session to come (ipt/phases.py).

    The next session rather than the last one, because the person reads it before that session:
    with 13 of 16 attended the next session is in the ending, and that is what they need to know.
    Before the focus is agreed a session past the first ones stays at the beginning (R04).
    """
    if ended:
        return Stage.ENDED
    if attended <= 0:
        return Stage.NOT_STARTED
    upcoming = min(attended + 1, contracted)
    return _STAGE_OF_PHASE[
        phase_for_session(upcoming, contracted, variant, focus_agreed=focus_agreed)
    ]


def course_stage_words(
    attended: int,
    contracted: int,
    variant: Variant = Variant.LEAFLET,
    *,
    focus_agreed: bool = True,
    ended: bool = False,
) -> str:
    """:func:`course_stage` in a short plain-English sentence."""
    return STAGE_WORDS[
        course_stage(attended, contracted, variant, focus_agreed=focus_agreed, ended=ended)
    ]


def portal_numbers(
    sessions: Sequence[tuple[Attendance, bool]], contracted: int
) -> list[int | None]:
    """The number each appointment, given in date order as ``(status, still to come)``, has for
    the person: "session n of N".

    Attended sessions count in order; booked sessions still to come follow on from all the
    attended ones (as the appointments letter numbers them). A missed or cancelled appointment
    has no number, because it used none of the contract (decisions.md §4), and neither has a
    past one whose attendance is not recorded yet. A number past the contract (possible only
    while a shortened contract still has bookings) is left off rather than shown as "17 of 16".
    """
    attended_total = sum(1 for status, _ in sessions if Attendance(status) is Attendance.ATTENDED)
    numbers: list[int | None] = []
    attended = coming = 0
    for status, to_come in sessions:
        number = None
        if Attendance(status) is Attendance.ATTENDED:
            attended += 1
            number = attended
        elif Attendance(status) is Attendance.PLANNED and to_come:
            coming += 1
            number = attended_total + coming
        numbers.append(number if number is not None and number <= contracted else None)
    return numbers


PAST_WORDS: Mapping[Attendance, str] = MappingProxyType(
    {
        Attendance.PLANNED: "Not recorded yet",
        Attendance.ATTENDED: "You came to this session",
        Attendance.DID_NOT_ATTEND: "Missed",
        Attendance.CANCELLED_BY_CLIENT: "Cancelled by you",
        Attendance.CANCELLED_BY_SERVICE: "Cancelled by us",
    }
)
"""What happened to a past session, in the person's words. A past session still planned is one
whose attendance the therapist has not recorded yet."""


def _end_of_last_working_day_before(week: WorkingWeek, moment: datetime) -> datetime | None:
    day = week.local_date(moment) - timedelta(days=1)
    for _ in range(62):
        if week.is_working_day(day):
            return week.end_of_day(day)
        day -= timedelta(days=1)
    return None


def request_due(requested_at: datetime, starts_at: datetime, week: WorkingWeek) -> datetime:
    """When the therapist should have answered "I can't come" or "Can we move it?".

    By the end of the next working day, and sooner if the session is sooner: by the end of the
    last working day before the session, so the person hears back before the day; if that has
    passed, by the next working morning; never after the session starts, never before the request.
    """
    by_next_day = week.within_working_days(requested_at, 1)
    before_day = _end_of_last_working_day_before(week, starts_at)
    if before_day is not None and before_day > requested_at:
        due = min(by_next_day, before_day)
    else:
        due = min(by_next_day, week.next_morning(requested_at))
    return max(requested_at, min(due, starts_at))


REMINDER_FROM = time(9, 0)
REMINDER_UNTIL = time(20, 0)
"""Reminders go out in the day, never at night."""


def reminder_due(
    now: datetime,
    starts_at: datetime,
    days_before: int,
    time_zone: str = "Europe/London",
) -> bool:
    """Whether a reminder of a session at ``starts_at`` may go now.

    From ``days_before`` calendar days before the session's day until it starts, in the daytime.
    ``days_before`` 0 means the team sends no reminders. A session booked late (tomorrow) is
    reminded at the next daytime run rather than never.
    """
    if days_before <= 0 or starts_at <= now:
        return False
    zone = ZoneInfo(time_zone)
    local_now, local_start = now.astimezone(zone), starts_at.astimezone(zone)
    if local_now.date() < local_start.date() - timedelta(days=days_before):
        return False
    return REMINDER_FROM <= local_now.time() < REMINDER_UNTIL
