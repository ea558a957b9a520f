"""Clinical supervision of IPT: when a recording may be reviewed, what is still to discuss, and
which safety-net items say a client is off track.

NICE asks that IPT be delivered with regular supervision, and IPT supervision is usually based
on recordings of sessions (ipt-method.md, "Supervision"; measures-and-standards.md). A recording
is heard only with the client's consent: consent that stood on the day of the session, and that
still stands on the day it is heard. Withdrawing consent stops any later review.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from iptclinic.ipt.safety_net import NeedKind


class ConsentPeriod(NamedTuple):
    """Consent to recording: given on a day, and (once withdrawn) withdrawn on a later day.

    A plain pair of dates works as well: ``(given_on, withdrawn_on)``.
    """

    given_on: date
    withdrawn_on: date | None = None


def _covers(period: tuple[date, date | None], day: date) -> bool:
    given_on, withdrawn_on = period
    return given_on <= day and (withdrawn_on is None or day < withdrawn_on)


def consent_stood_on(periods: Iterable[tuple[date, date | None]], day: date) -> bool:
    """Whether consent to recording stood on ``day``.

    Consent stands from the day it is given; it stops on the day it is withdrawn (a session on
    that day is not covered: nobody can say whether it came before or after the withdrawal).
    """
    return any(_covers(period, day) for period in periods)


def covering_period(
    periods: Iterable[tuple[date, date | None]], session_date: date, today: date
) -> tuple[date, date | None] | None:
    """The one period of consent under which a recording may be reviewed, if there is one."""
    if session_date > today:
        return None
    return next(
        (p for p in periods if _covers(p, session_date) and _covers(p, today)),
        None,
    )


def recording_may_be_reviewed(
    periods: Iterable[tuple[date, date | None]], session_date: date, today: date
) -> bool:
    """Whether the recording of a session on ``session_date`` may be reviewed on ``today``.

    Only if the client's consent stood on the day of the session and still stands today: a
    withdrawal stops every later review of sessions recorded before it, and consent given again
    afterwards covers only the sessions from then on (the same unbroken consent must cover both
    days).
    """
    return covering_period(periods, session_date, today) is not None


def sessions_since_discussed(attended_on: Iterable[date], last_discussed: date | None) -> int:
    """How many attended sessions came after the client was last discussed in supervision.

    A session on the day of the supervision meeting counts as discussed. A client never
    discussed has every attended session still to discuss.
    """
    return sum(1 for day in attended_on if last_discussed is None or day > last_discussed)


OFF_TRACK_KINDS: tuple[NeedKind, ...] = (
    NeedKind.RISK_ALERT,
    NeedKind.DETERIORATION,
    NeedKind.NO_IMPROVEMENT,
    NeedKind.REPEATED_NON_ATTENDANCE,
    NeedKind.MISSED_SESSION,
)
"""The safety-net items that say a client is off track, most pressing first: a risk alert not
reviewed in time, scores reliably worse, no reliable improvement by the middle, missed sessions.
"""

_KIND_VALUES = frozenset(kind.value for kind in NeedKind)

RECORD_KINDS: frozenset[NeedKind] = frozenset(
    {NeedKind.RECORD_NOT_WRITTEN, NeedKind.RECORD_NOT_SIGNED}
)


def off_track(kinds: Iterable[str]) -> tuple[NeedKind, ...]:
    """The off-track kinds among the open items of one client, each once, most pressing first."""
    present = {NeedKind(kind) for kind in kinds if kind in _KIND_VALUES}
    return tuple(kind for kind in OFF_TRACK_KINDS if kind in present)
