"""Running an IPT service: waits, rates, drop-out, session bands and who a result belongs to.

Sources:

* Waiting-time standards (NHS Talking Therapies, CONVENTION as published by NHS England): 75% of
  referrals start treatment within 6 weeks and 95% within 18 weeks. The project reads "within 6
  weeks" as a wait of at most 42 days and "within 18 weeks" as at most 126 days, counted from the
  referral date to the date of the first treatment session (``docs/service-dashboard.md``). The
  percentages are not checked here: the dashboard shows the share, the lead judges it.
* Drop-out (PRODUCT, issue 13): a course that ended before its planned ending, which in this
  product is every course ended early (``lifecycle.CourseState.ENDED_EARLY``), whatever the reason;
  the reasons are the courses app's (``lifecycle.EarlyEndReason``).
* Attribution (PRODUCT, issue 13): a result belongs to the clinician who delivered most of the
  attended sessions, a tie going to whoever delivered the latest of the tied; never to whoever
  holds the client now, so a reallocation moves no therapist's results to someone else.
* Session bands (PRODUCT): appointments are grouped by the session they were for, 1 to 15, then
  "16+" (contracts are 12 to 16 sessions; longer ones are renegotiations).

Pure Python: no Django import; the dashboard's SQL is held to these rules by tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from .attendance import Attendance
from .lifecycle import CourseState

SIX_WEEKS_DAYS = 42
"""A wait "within 6 weeks" is at most this many days from referral."""

EIGHTEEN_WEEKS_DAYS = 126
"""A wait "within 18 weeks" is at most this many days from referral."""

LAST_SESSION_BAND = 16
"""Sessions numbered this or higher share one band, shown as "16+"."""

NO_DATA = "no data"

ATTRIBUTION_RULE = (
    "A referral's results belong to the clinician who delivered most of its attended sessions "
    "(the person who recorded the attendance). If two or more delivered the same number, they "
    "belong to whichever of them delivered the latest of those sessions. Who holds the client "
    "now makes no difference."
)

DELIVERY_RULE = "A session was delivered by the clinician who recorded that the client attended it."


@dataclass(frozen=True)
class Share:
    """A share with its numerator and denominator; never a division by zero."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.numerator < 0 or self.denominator < 0:
            raise ValueError("A count cannot be negative.")
        if self.numerator > self.denominator:
            raise ValueError(
                f"A numerator ({self.numerator}) cannot exceed its denominator "
                f"({self.denominator})."
            )

    @property
    def percent(self) -> Decimal | None:
        """One decimal place, half up; ``None`` when there is nothing to divide by."""
        if self.denominator == 0:
            return None
        value = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        if self.percent is None:
            return f"{self.numerator} of {self.denominator} ({NO_DATA})"
        return f"{self.numerator} of {self.denominator} ({self.percent}%)"


def wait_days(referred_on: date, seen_on: date) -> int:
    """Days from the referral date to the day seen (0 when seen on the day of referral)."""
    if seen_on < referred_on:
        raise ValueError(
            f"A person cannot be seen ({seen_on}) before they were referred ({referred_on})."
        )
    return (seen_on - referred_on).days


def within_six_weeks(days: int) -> bool:
    return days <= SIX_WEEKS_DAYS


def within_eighteen_weeks(days: int) -> bool:
    return days <= EIGHTEEN_WEEKS_DAYS


@dataclass(frozen=True)
class WaitSummary:
    seen: int
    within_six_weeks: Share
    within_eighteen_weeks: Share
    median_days: Decimal | None


def summarise_waits(days: Iterable[int]) -> WaitSummary:
    """The share of waits within each standard and the median wait, over ``days``."""
    waits = sorted(days)
    if any(d < 0 for d in waits):
        raise ValueError("A wait cannot be negative.")
    count = len(waits)
    median: Decimal | None = None
    if count:
        middle = count // 2
        median = (
            Decimal(waits[middle])
            if count % 2
            else (Decimal(waits[middle - 1] + waits[middle]) / 2)
        )
    return WaitSummary(
        seen=count,
        within_six_weeks=Share(sum(1 for d in waits if within_six_weeks(d)), count),
        within_eighteen_weeks=Share(sum(1 for d in waits if within_eighteen_weeks(d)), count),
        median_days=median,
    )


def is_drop_out(state: CourseState | str) -> bool:
    """A course that ended before its planned ending: every course ended early."""
    return CourseState(state) is CourseState.ENDED_EARLY


def session_band(number: int) -> int:
    """The band of a session number: itself up to 15, then 16 for every later one."""
    if number < 1:
        raise ValueError(f"Sessions are numbered from 1; got {number}.")
    return min(number, LAST_SESSION_BAND)


def band_label(band: int) -> str:
    return f"{band}+" if band >= LAST_SESSION_BAND else str(band)


def sessions_for(statuses: Sequence[Attendance | str]) -> list[int]:
    """For appointments in date order: the session each was for (attended ones before it + 1).

    A missed appointment is for the session the client would have had: after two attended
    sessions, a did-not-attend is for session 3, and so is its replacement.
    """
    numbers = []
    attended = 0
    for status in statuses:
        numbers.append(attended + 1)
        if Attendance(status) is Attendance.ATTENDED:
            attended += 1
    return numbers


def is_left_when_ended(
    status: Attendance | str, appointment_day: date, course_ended_on: date | None
) -> bool:
    """A cancellation by the service of a session left when the course ended (not a real one).

    Ending a course cancels its remaining appointments, those on the end date included; they are
    left out of the attendance rates.
    """
    return (
        Attendance(status) is Attendance.CANCELLED_BY_SERVICE
        and course_ended_on is not None
        and appointment_day >= course_ended_on
    )


@dataclass(frozen=True)
class Delivered:
    """One attended session: who delivered it (a clinician's id) and when it took place.

    ``appointment`` (the appointment's id) orders two sessions that started at the same moment,
    so that the rule always gives one answer.
    """

    clinician: int
    starts_at: datetime
    appointment: int = 0


def attribute(sessions: Iterable[Delivered]) -> int | None:
    """The clinician a referral's results belong to (``ATTRIBUTION_RULE``); ``None`` if no one
    delivered an attended session.

    Most attended sessions wins; among the tied, the one who delivered the latest session (by
    start, then by appointment).
    """
    counts: dict[int, int] = {}
    latest: dict[int, tuple[datetime, int]] = {}
    for session in sessions:
        counts[session.clinician] = counts.get(session.clinician, 0) + 1
        moment = (session.starts_at, session.appointment)
        if session.clinician not in latest or moment > latest[session.clinician]:
            latest[session.clinician] = moment
    if not counts:
        return None
    return max(counts, key=lambda c: (counts[c], latest[c]))
