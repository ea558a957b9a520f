"""Which phase a session belongs to, and when the ending must be raised.

Source: ``domain/ipt-method.md`` §1.1–1.6 (VARIANT), §7 R03, R04, R10, R11;
``decisions.md`` §1–3 and §6 (PRODUCT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from iptclinic.ipt.variants import Variant, variant_config


class Phase(StrEnum):
    """The three phases of acute treatment (ipt-method.md §1.1, FIRM)."""

    INITIAL = "initial"
    MIDDLE = "middle"
    ENDING = "ending"


PHASE_LABELS: Mapping[Phase, str] = MappingProxyType(
    {Phase.INITIAL: "Initial", Phase.MIDDLE: "Middle", Phase.ENDING: "Ending"}
)


class ContractLengthError(ValueError):
    """A contracted number of sessions outside the variant's range (decisions.md §3)."""


def validate_contract_length(contracted: int, variant: Variant = Variant.LEAFLET) -> None:
    """Raise :class:`ContractLengthError` unless ``contracted`` is allowed for the variant.

    Source: decisions.md §3 (never above the variant's maximum), ipt-method.md §1.6 (VARIANT).
    """
    config = variant_config(variant)
    span = (
        f"A course under the {config.short_name} variant has "
        f"{config.min_sessions} to {config.max_sessions} sessions"
    )
    if isinstance(contracted, bool) or not isinstance(contracted, int):
        raise ContractLengthError(f"{span}; the number of sessions must be a whole number.")
    if contracted > config.max_sessions:
        raise ContractLengthError(f"{span}; {contracted} is too many.")
    if contracted < config.min_sessions:
        raise ContractLengthError(f"{span}; {contracted} is too few.")


@dataclass(frozen=True)
class PhasePlan:
    """The nominal session ranges of each phase for one contracted length."""

    contracted: int
    initial: range
    middle: range
    ending: range

    def phase_of(self, number: int) -> Phase:
        """The nominal phase of session ``number`` (1-based)."""
        _check_session_number(number, self.contracted)
        if number in self.initial:
            return Phase.INITIAL
        if number in self.middle:
            return Phase.MIDDLE
        return Phase.ENDING


def phase_plan(contracted: int, variant: Variant = Variant.LEAFLET) -> PhasePlan:
    """Split a contracted course into initial, middle and ending ranges.

    Sessions 1..initial_sessions are initial, the last ending_sessions are the ending, and the
    middle phase is everything between (decisions.md §1; ipt-method.md §1.6, VARIANT).
    """
    validate_contract_length(contracted, variant)
    config = variant_config(variant)
    ending_starts = contracted - config.ending_sessions + 1
    return PhasePlan(
        contracted=contracted,
        initial=range(1, config.initial_sessions + 1),
        middle=range(config.initial_sessions + 1, ending_starts),
        ending=range(ending_starts, contracted + 1),
    )


def phase_for_session(
    number: int,
    contracted: int,
    variant: Variant = Variant.LEAFLET,
    *,
    focus_agreed: bool = True,
) -> Phase:
    """The phase of attended session ``number`` in a course of ``contracted`` sessions.

    The middle phase starts only once the focus and treatment agreement are recorded
    (decisions.md §6; ipt-method.md §7 R04, FIRM). With ``focus_agreed=False`` a session past the
    initial range but before the ending stays INITIAL: the initial phase is running long, which
    R03 asks the caller to warn about. The ending range is always ENDING, because the time limit
    holds whatever happened earlier (R01, FIRM).
    """
    phase = phase_plan(contracted, variant).phase_of(number)
    if phase is Phase.MIDDLE and not focus_agreed:
        return Phase.INITIAL
    return phase


def ending_prompt_from(contracted: int, variant: Variant = Variant.LEAFLET) -> int:
    """First session at which to prompt the therapist to raise the ending: N − 4 by default.

    Source: ipt-method.md §1.4 and §7 R10 (FIRM: at least 2–4 sessions ahead); decisions.md §2.
    Never earlier than session 1.
    """
    validate_contract_length(contracted, variant)
    return max(1, contracted - variant_config(variant).ending_prompt_before)


def ending_must_be_raised_by(contracted: int, variant: Variant = Variant.LEAFLET) -> int:
    """Session by which the ending must have been raised, else a hard warning: N − 2 by default.

    Source: ipt-method.md §7 R10 (FIRM); decisions.md §2. Never earlier than session 1.
    """
    validate_contract_length(contracted, variant)
    return max(1, contracted - variant_config(variant).ending_deadline_before)


class EndingPrompt(StrEnum):
    """What the caseload asks of the therapist about raising the ending."""

    NONE = ""
    RAISE = "raise"
    OVERDUE = "overdue"
    NOT_DISCUSSED = "not_discussed"


ENDING_PROMPT_LABELS: Mapping[EndingPrompt, str] = MappingProxyType(
    {
        EndingPrompt.NONE: "",
        EndingPrompt.RAISE: "Raise the ending at the next session",
        EndingPrompt.OVERDUE: "Ending overdue: raise it at the next session",
        EndingPrompt.NOT_DISCUSSED: "Ending not discussed yet: talk about it at the next session",
    }
)


def ending_prompt(
    attended: int,
    contracted: int,
    variant: Variant = Variant.LEAFLET,
    *,
    ending_raised: bool,
) -> EndingPrompt:
    """The prompt about the ending after ``attended`` sessions of a ``contracted`` course.

    ``ending_raised`` is whether the ending has been discussed at all: the "raise the ending"
    task before the ending phase, any ending task in the ending phase, or an ending record.

    - RAISE once the next session is at or past :func:`ending_prompt_from` (N − 4 by default);
    - OVERDUE, a hard warning, once session :func:`ending_must_be_raised_by` (N − 2) has been
      attended without it;
    - in the ending phase the ending record is the prompt, so before the deadline there is no
      other; past it, NOT_DISCUSSED warns that the ending work has not started.

    Source: ipt-method.md §1.4 and §7 R10 (FIRM: raise it at least 2–4 sessions ahead), R19
    (the ending tasks); decisions.md §2 (prompt from N − 4, hard warning from N − 2).
    """
    plan = phase_plan(contracted, variant)
    if isinstance(attended, bool) or not 0 <= attended <= contracted:
        raise ValueError(f"A course of {contracted} sessions cannot have {attended} attended.")
    if ending_raised or attended + 1 < ending_prompt_from(contracted, variant):
        return EndingPrompt.NONE
    past_deadline = attended >= ending_must_be_raised_by(contracted, variant)
    if attended >= plan.ending.start:
        return EndingPrompt.NOT_DISCUSSED if past_deadline else EndingPrompt.NONE
    return EndingPrompt.OVERDUE if past_deadline else EndingPrompt.RAISE


def _check_session_number(number: int, contracted: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError("A session number must be a whole number.")
    if number < 1:
        raise ValueError(f"Sessions are numbered from 1; {number} is not a session number.")
    if number > contracted:
        raise ValueError(
            f"This course has {contracted} sessions; session {number} is beyond the contract."
        )
