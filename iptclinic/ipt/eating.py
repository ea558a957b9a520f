"""The eating log of IPT for eating disorders: what is counted, its ranges, and when a rise in
purging needs a person.

Issue 14 item 5. In IPT-ED the timeline links interpersonal events to eating-disorder symptoms
and weight (``domain/ipt-method.md`` §2.3, §3.5, [S13]). The log keeps, for each attended
session, the episodes since the session before: objective binge episodes and compensatory
behaviours by kind, and the weight where the team records weight.

UNVERIFIED (PRODUCT choices, docs/ipt-for-eating-disorders.md): the list of compensatory
behaviours (the usual purging and non-purging behaviours of bulimia nervosa: self-induced
vomiting, laxative misuse, diuretic misuse, driven exercise and fasting); the ranges (0 to 200
episodes a week, 20.0 to 300.0 kg); and the rule that a rise in purging (vomiting, laxatives and
diuretics together) of at least the team's threshold since the session before needs the
therapist, with a default threshold of 3 episodes.

Plain Python, no Django: the app stores the counts and calls these functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

MAX_EPISODES = 200
"""The most episodes of one kind accepted for one week (a typing check, not a clinical limit)."""

MIN_WEIGHT_KG = Decimal("20.0")
MAX_WEIGHT_KG = Decimal("300.0")

DEFAULT_PURGING_RISE = 3
"""A rise in purging episodes since the session before of at least this many needs the therapist.
UNVERIFIED: a product default for the team to change; 0 turns the rule off."""


class Compensatory(StrEnum):
    """Compensatory behaviours counted in the log (UNVERIFIED list, see the module docstring)."""

    VOMITING = "vomiting"
    LAXATIVES = "laxatives"
    DIURETICS = "diuretics"
    EXERCISE = "exercise"
    FASTING = "fasting"


COMPENSATORY_LABELS: Mapping[Compensatory, str] = MappingProxyType(
    {
        Compensatory.VOMITING: "Making themselves sick",
        Compensatory.LAXATIVES: "Taking laxatives to control weight",
        Compensatory.DIURETICS: "Taking water tablets to control weight",
        Compensatory.EXERCISE: "Exercising hard to make up for eating",
        Compensatory.FASTING: "Going without food for a day or more",
    }
)

PURGING: frozenset[Compensatory] = frozenset(
    {Compensatory.VOMITING, Compensatory.LAXATIVES, Compensatory.DIURETICS}
)
"""The behaviours that carry a direct physical risk (fluid and salt loss) and feed the rise rule."""


class EatingLogError(ValueError):
    """An entry refused, with words that name the field."""


def check_episodes(label: str, value: int) -> int:
    """A count of episodes, or an error that names the field and the range."""
    if not 0 <= value <= MAX_EPISODES:
        raise EatingLogError(f"{label}: enter a number from 0 to {MAX_EPISODES}.")
    return value


def check_weight(value: Decimal) -> Decimal:
    """A weight in kilograms to one decimal place, or an error that gives the range."""
    if value != value.quantize(Decimal("0.1")):
        raise EatingLogError("Weight: give the weight to one decimal place at most, in kg.")
    if not MIN_WEIGHT_KG <= value <= MAX_WEIGHT_KG:
        raise EatingLogError(f"Weight: enter a weight from {MIN_WEIGHT_KG} to {MAX_WEIGHT_KG} kg.")
    return value


@dataclass(frozen=True)
class EatingWeek:
    """One entry: the episodes since the session before, and the weight if recorded."""

    label: str
    binges: int
    compensatory: Mapping[Compensatory, int] = field(default_factory=dict)
    weight_kg: Decimal | None = None

    def __post_init__(self) -> None:
        check_episodes("Binge episodes", self.binges)
        for kind, count in self.compensatory.items():
            check_episodes(COMPENSATORY_LABELS[kind], count)
        if self.weight_kg is not None:
            check_weight(self.weight_kg)

    @property
    def purging(self) -> int:
        return sum(self.compensatory.get(kind, 0) for kind in PURGING)


@dataclass(frozen=True)
class PurgingRise:
    """Purging rose from ``before`` to ``now`` between two consecutive entries."""

    before_label: str
    label: str
    before: int
    now: int

    @property
    def rise(self) -> int:
        return self.now - self.before


def purging_rise(weeks: Sequence[EatingWeek], *, threshold: int) -> PurgingRise | None:
    """The rise in purging at the latest entry, if it is at least ``threshold`` (H-147).

    Compares the latest entry with the one before it (the log is in session order). ``threshold``
    0 turns the rule off. One entry alone is no rise: there is nothing to compare it with.
    """
    if threshold < 0:
        raise ValueError("the threshold cannot be negative")
    if threshold == 0 or len(weeks) < 2:
        return None
    before, latest = weeks[-2], weeks[-1]
    if latest.purging - before.purging < threshold:
        return None
    return PurgingRise(before.label, latest.label, before.purging, latest.purging)
