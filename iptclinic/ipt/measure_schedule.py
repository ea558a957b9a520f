"""Which questionnaires are due at which session of a course.

Source: ``decisions.md`` §12 (PRODUCT): PHQ-9 and GAD-7 at every attended session and at
assessment; WSAS at assessment, at the middle of the course and at the end; service-configurable.
``domain/measures-and-standards.md`` §6 (CONVENTION): session-by-session measures are what make a
valid last score when someone drops out.

A team's schedule maps an instrument code to a :class:`Frequency`; an instrument the schedule does
not name is not routinely due. Inside a course, session 1 stands for assessment (the initial phase
begins with it, ipt-method.md §1.2); "the middle" is session ceil(N/2) and "the end" session N of
a contracted N (PRODUCT: the decision names the moments, not the session numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from iptclinic.ipt.instruments import INSTRUMENTS


class Frequency(StrEnum):
    """How often a questionnaire is due within a course."""

    EVERY_SESSION = "every_session"
    MILESTONES = "milestones"
    NOT_ROUTINE = "not_routine"


FREQUENCY_LABELS: Mapping[Frequency, str] = MappingProxyType(
    {
        Frequency.EVERY_SESSION: "Every attended session",
        Frequency.MILESTONES: "At assessment, the middle and the end",
        Frequency.NOT_ROUTINE: "Not routinely",
    }
)

DEFAULT_SCHEDULE: Mapping[str, Frequency] = MappingProxyType(
    {
        "phq9": Frequency.EVERY_SESSION,
        "gad7": Frequency.EVERY_SESSION,
        "wsas": Frequency.MILESTONES,
    }
)
"""decisions.md §12 (PRODUCT)."""


def milestone_sessions(contracted: int) -> tuple[int, ...]:
    """Assessment (session 1), the middle (ceil(N/2)) and the end (N), without repeats.

    Raises ValueError for a course of fewer than one session.
    """
    if isinstance(contracted, bool) or not isinstance(contracted, int) or contracted < 1:
        raise ValueError(f"A course needs at least one session, not {contracted!r}.")
    return tuple(sorted({1, (contracted + 1) // 2, contracted}))


def parse_schedule(stored: Mapping[str, str]) -> dict[str, Frequency]:
    """A schedule read back from storage; unknown instruments or frequencies raise ValueError."""
    schedule: dict[str, Frequency] = {}
    for code, frequency in stored.items():
        if code not in INSTRUMENTS:
            raise ValueError(f"The schedule names an unknown questionnaire {code!r}.")
        try:
            schedule[code] = Frequency(frequency)
        except ValueError:
            raise ValueError(
                f"The schedule gives {code} the unknown frequency {frequency!r}."
            ) from None
    return schedule


def due_at_session(
    number: int, contracted: int, schedule: Mapping[str, Frequency] = DEFAULT_SCHEDULE
) -> tuple[str, ...]:
    """Codes of the questionnaires due at attended session ``number`` of ``contracted``.

    In the order of ``INSTRUMENTS``, so every page lists them alike. Raises ValueError for a
    session number outside 1 to ``contracted``.
    """
    milestones = milestone_sessions(contracted)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= contracted:
        raise ValueError(f"Session {number!r} is not within 1 to {contracted}.")
    due = []
    for code in INSTRUMENTS:
        frequency = schedule.get(code, Frequency.NOT_ROUTINE)
        if frequency is Frequency.EVERY_SESSION or (
            frequency is Frequency.MILESTONES and number in milestones
        ):
            due.append(code)
    return tuple(due)
