"""Questionnaires answered in the portal before a session: when they open, and plain words.

Source: issue 11 item 3 (PRODUCT): PHQ-9, GAD-7 and WSAS open in the portal when due, from the
team's schedule (``measure_schedule``, decisions.md §12). PRODUCT choice made here: a questionnaire
is open from :data:`OPENS_BEFORE` (3 days) before the next planned session until that session
starts, and only while the session has no questionnaire of that instrument yet. Three days lets
someone answer at the weekend for a Monday or Tuesday session; the standard stems ask about "the
last 2 weeks", so answers a few days early still describe the time since the last session.

The next planned session is counted as the one after the attended ones (attended + 1), because
session numbers count attended sessions only (decisions.md §4).

The plain words for the score pages are written for the person, not the clinician: "lower is
better", and each band in everyday words. They describe a score, never the person.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from iptclinic.ipt.instruments import INSTRUMENTS, Instrument
from iptclinic.ipt.measure_schedule import DEFAULT_SCHEDULE, Frequency, due_at_session

OPENS_BEFORE = timedelta(days=3)
"""How long before a planned session its questionnaires open in the portal (PRODUCT)."""


def is_open(now: datetime, session_starts: datetime) -> bool:
    """Whether the questionnaires of a session starting at ``session_starts`` are open at ``now``.

    From ``OPENS_BEFORE`` before the start (inclusive) until the start (exclusive). Both must be
    aware datetimes: the window is exact time, so it does not move across a clock change.
    """
    if now.tzinfo is None or session_starts.tzinfo is None:
        raise ValueError("Use aware datetimes: sessions cross clock changes.")
    # In UTC: arithmetic on two times of one zone would count wall-clock hours instead.
    now, starts = now.astimezone(UTC), session_starts.astimezone(UTC)
    return starts - OPENS_BEFORE <= now < starts


def due_in_portal(
    attended: int,
    contracted: int,
    done: Collection[str],
    schedule: Mapping[str, Frequency] = DEFAULT_SCHEDULE,
) -> tuple[str, ...]:
    """Codes due before the next session (number ``attended + 1``) and not yet done for it.

    A course whose contract is used up still has its next session counted (as the schedule does
    for a session recorded beyond the contract). Raises ValueError for a negative count.
    """
    if isinstance(attended, bool) or not isinstance(attended, int) or attended < 0:
        raise ValueError(f"The number of attended sessions must be 0 or more, not {attended!r}.")
    number = attended + 1
    return tuple(
        code
        for code in due_at_session(number, max(contracted, number), schedule)
        if code not in done
    )


@dataclass(frozen=True)
class PlainWords:
    """What one questionnaire asks about, and each severity band in everyday words."""

    about: str
    bands: tuple[str, ...]


PLAIN_WORDS: Mapping[str, PlainWords] = MappingProxyType(
    {
        "phq9": PlainWords(
            about="how low or down you have felt over the last two weeks",
            bands=(
                "few or no signs of low mood",
                "some low mood",
                "a fair amount of low mood",
                "a lot of low mood",
                "a great deal of low mood",
            ),
        ),
        "gad7": PlainWords(
            about="how worried or anxious you have felt over the last two weeks",
            bands=(
                "few or no signs of worry",
                "some worry",
                "a fair amount of worry",
                "a great deal of worry",
            ),
        ),
        "wsas": PlainWords(
            about="how much your difficulties get in the way of work, home life and time with "
            "other people",
            bands=(
                "they get in the way a little",
                "they get in the way quite a lot",
                "they get in the way a great deal",
            ),
        ),
    }
)
"""Written for this portal (PRODUCT); one phrase per band of the instrument, lowest first."""


def plain_band_rows(form: Instrument) -> list[tuple[str, str]]:
    """(score range, words) for each band, lowest first: ("0 to 4", "few or no signs ...")."""
    words = PLAIN_WORDS[form.code]
    return [
        (f"{band.low} to {band.high}", phrase)
        for band, phrase in zip(form.bands, words.bands, strict=True)
    ]


def plain_band(form: Instrument, total: int) -> str:
    """The everyday words for the band ``total`` falls in."""
    band = form.band_for(total)
    return PLAIN_WORDS[form.code].bands[form.bands.index(band)]


def _check() -> None:
    for code, form in INSTRUMENTS.items():
        if code not in PLAIN_WORDS or len(PLAIN_WORDS[code].bands) != len(form.bands):
            raise ValueError(f"{form.short_name}: give plain words for each of its bands.")


_check()
