"""NHS Talking Therapies outcomes for one referral, and the rates over many.

A referral's outcome comes from its first and last PHQ-9 and GAD-7 totals, the number of attended
treatment sessions and whether it has ended. Thresholds (caseness, reliable change) are read from
the instruments' data, never written here.

Sources: ``domain/measures-and-standards.md`` §2 (definitions, formulas and worked examples P1-P15),
§3 (reliable change), §6 (outcome needs two scores; nothing after the referral ended);
``decisions.md`` §7 (the referral is the unit), §15 (first and last score, attended session) and
§16 (unpaired cases are counted but left out of rates), PRODUCT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from iptclinic.ipt.instruments import GAD7, PHQ9, Instrument

MIN_TREATMENT_SESSIONS = 2
"""A finished course needs at least this many attended treatment sessions (measures §2, FIRM)."""


class Change(StrEnum):
    """The change class of a finished referral with paired scores (measures §2)."""

    RELIABLE_IMPROVEMENT = "reliable improvement"
    RELIABLE_DETERIORATION = "reliable deterioration"
    NO_RELIABLE_CHANGE = "no reliable change"


class Status(StrEnum):
    """Which outcome counts a referral can enter."""

    NOT_FINISHED = "not finished"
    FINISHED_NO_PAIRED_SCORES = "finished, no paired scores"
    FINISHED = "finished"


@dataclass(frozen=True)
class ScorePair:
    """The first and last total of one measure in a referral (None: not recorded)."""

    first: int | None
    last: int | None

    @property
    def paired(self) -> bool:
        return self.first is not None and self.last is not None


@dataclass(frozen=True)
class ReferralOutcome:
    """The classification of one referral, with the reasons in plain English.

    Fields that do not apply are None: every outcome field for a referral that is not finished or
    has no paired scores; ``recovered`` and ``reliable_recovery`` when the referral was not at
    caseness at the start (such referrals leave the recovery denominator, measures §2).
    """

    finished: bool
    paired: bool
    at_caseness_at_start: bool | None
    recovered: bool | None
    change: Change | None
    reliable_recovery: bool | None
    reasons: tuple[str, ...]

    @property
    def status(self) -> Status:
        if not self.finished:
            return Status.NOT_FINISHED
        if not self.paired:
            return Status.FINISHED_NO_PAIRED_SCORES
        return Status.FINISHED

    @property
    def summary(self) -> str:
        """A few words for a list: "recovered, reliable improvement, reliable recovery"."""
        if self.status is not Status.FINISHED or self.change is None:
            return str(self.status)
        if not self.at_caseness_at_start:
            return f"not at caseness at start, {self.change}"
        parts = ["recovered" if self.recovered else "not recovered", str(self.change)]
        if self.reliable_recovery:
            parts.append("reliable recovery")
        return ", ".join(parts)


def classify(
    *,
    phq9: ScorePair,
    gad7: ScorePair,
    attended_treatment_sessions: int,
    ended: bool,
) -> ReferralOutcome:
    """Classify a referral measured by PHQ-9 and GAD-7 (measures §2, the default measures).

    See :func:`classify_measures` for the rules.
    """
    return classify_measures(
        ((PHQ9, phq9), (GAD7, gad7)),
        attended_treatment_sessions=attended_treatment_sessions,
        ended=ended,
    )


def classify_measures(
    measures: Sequence[tuple[Instrument, ScorePair]],
    *,
    attended_treatment_sessions: int,
    ended: bool,
) -> ReferralOutcome:
    """Classify a referral by NHS Talking Therapies rules on any set of outcome measures.

    Rules (measures-and-standards.md §2; boundary conventions there):

    * Finished: the referral ended and had at least 2 attended treatment sessions (FIRM).
    * Paired: every measure has a first and a last score; a finished referral without them is
      "finished, no paired scores", counted but left out of rates (decisions §16, PRODUCT).
    * At caseness at start: any first score at or above its caseness threshold (FIRM).
    * Recovered: at caseness at start and every last score below its threshold (FIRM).
    * Reliable improvement: some measure fell by at least its reliable-change value and none
      rose by that much; reliable deterioration the reverse; both or neither is no reliable change
      (CONVENTION: secondary sources, the Manual's wording not retrieved).
    * Reliable recovery: recovered and reliable improvement (FIRM).

    Raises ValueError for a negative session count, a score outside an instrument's range, or a
    measure without caseness and reliable-change values.
    """
    if isinstance(attended_treatment_sessions, bool) or not isinstance(
        attended_treatment_sessions, int
    ):
        raise ValueError("The number of attended treatment sessions must be a whole number.")
    if attended_treatment_sessions < 0:
        raise ValueError("The number of attended treatment sessions cannot be negative.")
    if not measures:
        raise ValueError("An outcome needs at least one measure.")
    for instrument, pair in measures:
        _check_measure(instrument, pair)
    paired = all(pair.paired for _, pair in measures)

    finished = ended and attended_treatment_sessions >= MIN_TREATMENT_SESSIONS
    if not finished:
        return ReferralOutcome(
            finished=False,
            paired=paired,
            at_caseness_at_start=None,
            recovered=None,
            change=None,
            reliable_recovery=None,
            reasons=(_not_finished_reason(attended_treatment_sessions, ended=ended),),
        )
    if not paired:
        return ReferralOutcome(
            finished=True,
            paired=False,
            at_caseness_at_start=None,
            recovered=None,
            change=None,
            reliable_recovery=None,
            reasons=(_unpaired_reason(measures),),
        )

    scores = [_Measured.of(instrument, pair) for instrument, pair in measures]
    at_caseness = any(measure.case_at_start for measure in scores)
    recovered = not any(measure.case_at_end for measure in scores) if at_caseness else None
    change = _change_class(scores)
    reliable_recovery = (
        bool(recovered) and change is Change.RELIABLE_IMPROVEMENT if at_caseness else None
    )
    reasons = (
        _caseness_reason(scores, at_caseness=at_caseness),
        *(measure.change_reason() for measure in scores),
        _change_reason(scores, change),
        *_recovery_reasons(scores, recovered=recovered, change=change),
    )
    return ReferralOutcome(
        finished=True,
        paired=True,
        at_caseness_at_start=at_caseness,
        recovered=recovered,
        change=change,
        reliable_recovery=reliable_recovery,
        reasons=reasons,
    )


def _check_measure(instrument: Instrument, pair: ScorePair) -> None:
    if instrument.caseness_threshold is None or instrument.reliable_change is None:
        raise ValueError(
            f"{instrument.short_name} has no caseness threshold or reliable-change value, so it "
            "cannot be an outcome measure."
        )
    for score in (pair.first, pair.last):
        if score is not None:
            instrument.check_total(score)


@dataclass(frozen=True)
class _Measured:
    """One measure's paired scores with the thresholds applied."""

    name: str
    first: int
    last: int
    threshold: int
    reliable_change: int

    @classmethod
    def of(cls, instrument: Instrument, pair: ScorePair) -> _Measured:
        assert pair.first is not None and pair.last is not None
        assert instrument.caseness_threshold is not None
        assert instrument.reliable_change is not None
        return cls(
            instrument.short_name,
            pair.first,
            pair.last,
            instrument.caseness_threshold,
            instrument.reliable_change,
        )

    @property
    def case_at_start(self) -> bool:
        return self.first >= self.threshold

    @property
    def case_at_end(self) -> bool:
        return self.last >= self.threshold

    @property
    def improved(self) -> bool:
        return self.first - self.last >= self.reliable_change

    @property
    def deteriorated(self) -> bool:
        return self.last - self.first >= self.reliable_change

    def change_reason(self) -> str:
        delta = self.last - self.first
        if delta == 0:
            moved = f"{self.name} stayed at {self.first}"
        else:
            direction = "down" if delta < 0 else "up"
            moved = f"{self.name} went from {self.first} to {self.last}, {direction} {abs(delta)}"
        if self.improved:
            return f"{moved}: a reliable improvement ({self.reliable_change} or more)."
        if self.deteriorated:
            return f"{moved}: a reliable deterioration ({self.reliable_change} or more)."
        return f"{moved}: not a reliable change (that needs {self.reliable_change})."


def _change_class(scores: Sequence[_Measured]) -> Change:
    improved = any(measure.improved for measure in scores)
    deteriorated = any(measure.deteriorated for measure in scores)
    if improved and not deteriorated:
        return Change.RELIABLE_IMPROVEMENT
    if deteriorated and not improved:
        return Change.RELIABLE_DETERIORATION
    return Change.NO_RELIABLE_CHANGE


def _not_finished_reason(attended: int, *, ended: bool) -> str:
    if not ended:
        return "The referral has not ended. Left out of every outcome."
    sessions = "session" if attended == 1 else "sessions"
    return (
        f"{attended} attended treatment {sessions}; a finished course needs at least "
        f"{MIN_TREATMENT_SESSIONS}. Left out of every outcome."
    )


def _unpaired_reason(measures: Sequence[tuple[Instrument, ScorePair]]) -> str:
    gaps = []
    for instrument, pair in measures:
        lacking = [
            label for label, score in (("first", pair.first), ("last", pair.last)) if score is None
        ]
        if lacking:
            gaps.append(f"{instrument.short_name} has no {' or '.join(lacking)} score")
    return f"{'; '.join(gaps)}. Counted, but left out of the rates."


def _caseness_reason(scores: Sequence[_Measured], *, at_caseness: bool) -> str:
    details = "; ".join(
        f"{measure.name} {measure.first} is "
        + (
            f"a case ({measure.threshold} or more)"
            if measure.case_at_start
            else f"below {measure.threshold}"
        )
        for measure in scores
    )
    if at_caseness:
        return f"At caseness at start: {details}."
    return (
        f"Not at caseness at start: {details}. Left out of the recovery and reliable recovery "
        "rates."
    )


def _change_reason(scores: Sequence[_Measured], change: Change) -> str:
    if change is Change.RELIABLE_IMPROVEMENT:
        return "Reliable improvement: at least one measure improved reliably and none got worse."
    if change is Change.RELIABLE_DETERIORATION:
        return "Reliable deterioration: at least one measure got reliably worse and none improved."
    better = [measure.name for measure in scores if measure.improved]
    worse = [measure.name for measure in scores if measure.deteriorated]
    if better and worse:
        return (
            f"No reliable change: {' and '.join(better)} improved reliably but "
            f"{' and '.join(worse)} got reliably worse."
        )
    return "No reliable change: no measure changed reliably."


def _recovery_reasons(
    scores: Sequence[_Measured], *, recovered: bool | None, change: Change
) -> tuple[str, ...]:
    if recovered is None:
        return ()
    if not recovered:
        still = "; ".join(
            f"{measure.name} {measure.last} is still a case ({measure.threshold} or more)"
            for measure in scores
            if measure.case_at_end
        )
        return (f"Not recovered: at the end {still}.",)
    below = "; ".join(
        f"{measure.name} {measure.last} is below {measure.threshold}" for measure in scores
    )
    if change is Change.RELIABLE_IMPROVEMENT:
        return (
            f"Recovered: at the end {below}.",
            "Reliable recovery: recovered and reliably improved.",
        )
    return (
        f"Recovered: at the end {below}.",
        "Not reliable recovery: recovered, but without reliable improvement.",
    )


def first_and_last(scores: Sequence[tuple[date, int | None]], ended_on: date | None) -> ScorePair:
    """The first and last usable total of one measure in a referral (decisions.md §15, PRODUCT).

    A score with no total (too many items missing, decisions §14) is never used. Scores dated
    after ``ended_on`` lie outside the referral and are ignored (measures §6); with ``ended_on``
    None the referral is open and the last score is the latest so far. First = the earliest
    usable score, last = the latest. An outcome needs two scores (measures §6), so with a single
    usable score ``last`` is None and the referral has no paired scores. Scores on the same date
    keep their given order: the first listed can be first, the last listed can be last.
    """
    usable = [
        (when, total)
        for when, total in scores
        if total is not None and (ended_on is None or when <= ended_on)
    ]
    if not usable:
        return ScorePair(first=None, last=None)
    ordered = sorted(usable, key=lambda scored: scored[0])
    if len(ordered) == 1:
        return ScorePair(first=ordered[0][1], last=None)
    return ScorePair(first=ordered[0][1], last=ordered[-1][1])


@dataclass(frozen=True)
class Rate:
    """A published rate with its workings: ``numerator``/``denominator`` as ``percent``.

    ``percent`` has one decimal place, rounded half up, and is None when the denominator is 0.
    ``formula`` says in words what is divided by what; ``caveat``, in plain words, says when the
    sources do not confirm the denominator (measures §2: UNVERIFIED, or from a secondary source).
    """

    numerator: int
    denominator: int
    percent: Decimal | None
    label: str
    formula: str
    caveat: str = ""

    @classmethod
    def of(
        cls, numerator: int, denominator: int, *, label: str, formula: str, caveat: str = ""
    ) -> Rate:
        if not 0 <= numerator <= denominator:
            raise ValueError(f"{label}: {numerator}/{denominator} is not a rate.")
        percent = None
        if denominator:
            percent = (Decimal(numerator) * 100 / denominator).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        return cls(numerator, denominator, percent, label, formula, caveat)

    def __str__(self) -> str:
        shown = "no rate (nothing to divide by)" if self.percent is None else f"{self.percent}%"
        return f"{self.label}: {self.numerator}/{self.denominator} = {shown}"


@dataclass(frozen=True)
class OutcomeRates:
    """Counts and rates over many referrals.

    ``finished`` counts every finished referral; ``finished_no_paired_scores`` those of them left
    out of the rates (decisions §16), so the rates divide by ``finished_paired``.
    ``not_at_caseness`` counts finished, paired referrals not at caseness at start.
    """

    referrals: int
    not_finished: int
    finished: int
    finished_no_paired_scores: int
    finished_paired: int
    not_at_caseness: int
    no_reliable_change: int
    recovery: Rate
    reliable_improvement: Rate
    reliable_deterioration: Rate
    reliable_recovery: Rate

    @property
    def rates(self) -> tuple[Rate, ...]:
        return (
            self.recovery,
            self.reliable_improvement,
            self.reliable_deterioration,
            self.reliable_recovery,
        )


_PAIRED = "finished with paired scores"
_ELIGIBLE = f"({_PAIRED} - not at caseness at start)"


@dataclass(frozen=True)
class OutcomeCounts:
    """How many referrals fell in each outcome count: everything a rate is made from.

    Counts add up (``a + b`` is the counts of both groups), so they can be counted anywhere (here
    from outcomes, or by the database over stored outcomes) and merged before the rates are
    worked out once by :func:`rates_of`.
    """

    referrals: int = 0
    not_finished: int = 0
    finished_no_paired_scores: int = 0
    finished_paired: int = 0
    not_at_caseness: int = 0
    recovered: int = 0
    reliable_improvement: int = 0
    reliable_deterioration: int = 0
    no_reliable_change: int = 0
    reliable_recovery: int = 0

    def __add__(self, other: OutcomeCounts) -> OutcomeCounts:
        return OutcomeCounts(
            *(getattr(self, name) + getattr(other, name) for name in _COUNT_FIELDS)
        )


_COUNT_FIELDS = tuple(OutcomeCounts.__dataclass_fields__)


def count(outcomes: Iterable[ReferralOutcome]) -> OutcomeCounts:
    """The counts of many outcomes (the rules of :func:`rates_of` say how they are used)."""
    done = list(outcomes)
    paired = [o for o in done if o.status is Status.FINISHED]

    def changed(change: Change) -> int:
        return sum(1 for o in paired if o.change is change)

    return OutcomeCounts(
        referrals=len(done),
        not_finished=sum(1 for o in done if o.status is Status.NOT_FINISHED),
        finished_no_paired_scores=sum(
            1 for o in done if o.status is Status.FINISHED_NO_PAIRED_SCORES
        ),
        finished_paired=len(paired),
        not_at_caseness=sum(1 for o in paired if not o.at_caseness_at_start),
        recovered=sum(1 for o in paired if o.at_caseness_at_start and o.recovered),
        reliable_improvement=changed(Change.RELIABLE_IMPROVEMENT),
        reliable_deterioration=changed(Change.RELIABLE_DETERIORATION),
        no_reliable_change=changed(Change.NO_RELIABLE_CHANGE),
        reliable_recovery=sum(1 for o in paired if o.at_caseness_at_start and o.reliable_recovery),
    )


def aggregate(outcomes: Iterable[ReferralOutcome]) -> OutcomeRates:
    """Counts and rates of many outcomes: :func:`rates_of` of :func:`count`."""
    return rates_of(count(outcomes))


def rates_of(counts: OutcomeCounts) -> OutcomeRates:
    """Counts and rates by the published formulas (measures-and-standards.md §2).

    * Recovery = recovered / (finished - not at caseness) (FIRM).
    * Reliable improvement = RI / finished, including those not at caseness (FIRM).
    * Reliable deterioration = RD / finished (denominator UNVERIFIED).
    * Reliable recovery = RR / (finished - not at caseness) (denominator CONVENTION).

    "Finished" here means finished with paired scores: finished referrals without them are
    counted but left out of every rate (decisions §16, PRODUCT).
    """
    paired = counts.finished_paired
    eligible = paired - counts.not_at_caseness
    return OutcomeRates(
        referrals=counts.referrals,
        not_finished=counts.not_finished,
        finished=paired + counts.finished_no_paired_scores,
        finished_no_paired_scores=counts.finished_no_paired_scores,
        finished_paired=paired,
        not_at_caseness=counts.not_at_caseness,
        no_reliable_change=counts.no_reliable_change,
        recovery=Rate.of(
            counts.recovered,
            eligible,
            label="Recovery rate",
            formula=f"recovered / {_ELIGIBLE}",
        ),
        reliable_improvement=Rate.of(
            counts.reliable_improvement,
            paired,
            label="Reliable improvement rate",
            formula=f"reliable improvement / {_PAIRED}",
        ),
        reliable_deterioration=Rate.of(
            counts.reliable_deterioration,
            paired,
            label="Reliable deterioration rate",
            formula=f"reliable deterioration / {_PAIRED}",
            caveat="the published sources do not confirm this denominator",
        ),
        reliable_recovery=Rate.of(
            counts.reliable_recovery,
            eligible,
            label="Reliable recovery rate",
            formula=f"reliable recovery / {_ELIGIBLE}",
            caveat="this denominator comes from secondary sources only",
        ),
    )
