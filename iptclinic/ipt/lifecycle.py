"""The states a course of IPT moves through, and which moves are allowed.

Source: ``decisions.md`` §6 (PRODUCT), simplifying ``domain/ipt-method.md`` §8 (PRODUCT): the
phases are derived from sessions (see ``phases.py``) rather than stored as states, and every early
exit is one state with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class CourseState(StrEnum):
    """Where a course stands (decisions.md §6)."""

    REFERRED = "referred"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class EarlyEndReason(StrEnum):
    """Why a course ended before its contracted end (decisions.md §6; ipt-method.md §8 exits)."""

    DROPPED_OUT = "dropped_out"
    DISCHARGED_EARLY = "discharged_early"
    NOT_SUITABLE = "not_suitable"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


STATE_LABELS: Mapping[CourseState, str] = MappingProxyType(
    {
        CourseState.REFERRED: "Referred",
        CourseState.ACTIVE: "Active",
        CourseState.COMPLETED: "Completed",
        CourseState.ENDED_EARLY: "Ended early",
    }
)

EARLY_END_REASON_LABELS: Mapping[EarlyEndReason, str] = MappingProxyType(
    {
        EarlyEndReason.DROPPED_OUT: "Dropped out",
        EarlyEndReason.DISCHARGED_EARLY: "Discharged early",
        EarlyEndReason.NOT_SUITABLE: "Not suitable for IPT",
        EarlyEndReason.MOVED_AWAY: "Moved away",
        EarlyEndReason.OTHER: "Other reason",
    }
)

ALLOWED_TRANSITIONS: Mapping[CourseState, frozenset[CourseState]] = MappingProxyType(
    {
        CourseState.REFERRED: frozenset({CourseState.ACTIVE, CourseState.ENDED_EARLY}),
        CourseState.ACTIVE: frozenset({CourseState.COMPLETED, CourseState.ENDED_EARLY}),
        CourseState.COMPLETED: frozenset(),
        CourseState.ENDED_EARLY: frozenset(),
    }
)

# A continuation or maintenance course is a new course under the same referral (decisions.md §7;
# ipt-method.md §7 R21), so the reopening messages point there.
_REFUSALS: Mapping[tuple[CourseState, CourseState], str] = MappingProxyType(
    {
        (CourseState.REFERRED, CourseState.COMPLETED): (
            "A course must start before it can be completed."
        ),
        (CourseState.ACTIVE, CourseState.REFERRED): (
            "An active course cannot go back to referred."
        ),
    }
)


class TransitionError(ValueError):
    """A move between course states that the lifecycle does not allow."""


def check_transition(current: CourseState | str, target: CourseState | str) -> None:
    """Raise :class:`TransitionError` with a plain message unless the move is allowed.

    Source: decisions.md §6 — referred → active | ended early; active → completed | ended early;
    both ended states are final.
    """
    now = _state(current)
    then = _state(target)
    if then in ALLOWED_TRANSITIONS[now]:
        return
    if now is then:
        raise TransitionError(f"The course is already {STATE_LABELS[now].lower()}.")
    if now is CourseState.COMPLETED:
        raise TransitionError(
            "A completed course cannot be reopened; start a continuation course instead."
        )
    if now is CourseState.ENDED_EARLY:
        raise TransitionError(
            "A course that ended early cannot be reopened; start a new course instead."
        )
    raise TransitionError(_REFUSALS[(now, then)])


def is_open(state: CourseState | str) -> bool:
    """True while the course can still change: referred or active."""
    return bool(ALLOWED_TRANSITIONS[_state(state)])


def _state(value: CourseState | str) -> CourseState:
    try:
        return CourseState(value)
    except ValueError:
        allowed = ", ".join(s.value for s in CourseState)
        raise TransitionError(
            f"Unknown course state {value!r}; choose one of: {allowed}."
        ) from None
