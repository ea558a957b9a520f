"""Scoring one completed questionnaire: total, prorating, severity, caseness and risk.

One function, :func:`score`, serves every instrument; what differs between questionnaires lives
in their :class:`~iptclinic.ipt.instruments.Instrument` data.

Sources: ``domain/measures-and-standards.md`` §1.1–1.3 (missing-item rules, item 9) and §6 (data
quality); ``decisions.md`` §14 (prorating and rounding, PRODUCT) and §17 (risk, PRODUCT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum, StrEnum

from iptclinic.ipt.instruments import Band, Instrument


class NotApplicable(Enum):
    """The answer "not applicable", allowed only where an item says so (the WSAS work item)."""

    NOT_APPLICABLE = "not applicable"


NOT_APPLICABLE = NotApplicable.NOT_APPLICABLE

Answer = int | None | NotApplicable


class RiskSignal(StrEnum):
    """What the risk item says. Source: measures-and-standards.md §1.1, item 9 row (CONVENTION)
    and its system implications; decisions.md §17 (PRODUCT)."""

    POSITIVE = "positive"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Score:
    """The result of scoring one questionnaire.

    ``raw_sum`` adds the answered scored items; ``total`` is the score to use (prorated when
    ``prorated``), or None with ``no_total_reason`` saying why in plain English. ``missing`` lists
    scored items with no answer and ``not_applicable`` those answered "not applicable"; both count
    against the instrument's prorating allowance. ``risk`` never depends on whether a total exists.
    """

    instrument_code: str
    total: int | None
    prorated: bool
    raw_sum: int
    answered: int
    missing: tuple[int, ...]
    not_applicable: tuple[int, ...]
    band: Band | None
    at_caseness: bool | None
    risk: RiskSignal | None
    no_total_reason: str | None


def score(
    instrument: Instrument,
    answers: Mapping[int, Answer],
    *,
    allow_prorating: bool | None = None,
) -> Score:
    """Score ``answers`` (item number to value; None or absent means unanswered).

    Prorating (decisions.md §14, PRODUCT, on the NHS Data Dictionary rules of measures §1.1 and
    §1.3, FIRM): when some scored items are missing or "not applicable" but no more than the
    instrument's ``max_missing_for_prorating``, the total is the mean of the answered scored items
    times the number of scored items, rounded half up (7 items summing to 13 give 16.71, so 17).
    More gaps than that give no total.

    ``allow_prorating`` is the team setting: None follows the instrument (prorate only where the
    rule is verified); True also prorates an instrument whose rule is unverified (GAD-7, measures
    §1.2, UNVERIFIED); False never prorates, so any gap gives no total.

    The difficulty item is validated and otherwise ignored: it is never scored. The risk item is
    read from the answer itself, so a risk answer is never prorated away; a missing risk answer
    is a signal of its own.

    Raises ValueError naming the item for an unknown item number, a value outside the item's
    answers, or "not applicable" on an item that does not allow it.
    """
    _check_answers(instrument, answers)
    scored = instrument.scored_items
    values = {item.number: answers.get(item.number) for item in scored}
    answered = {number: value for number, value in values.items() if isinstance(value, int)}
    missing = tuple(number for number, value in values.items() if value is None)
    not_applicable = tuple(number for number, value in values.items() if value is NOT_APPLICABLE)
    raw_sum = sum(answered.values())
    gaps = len(missing) + len(not_applicable)

    total: int | None = raw_sum
    no_total_reason: str | None = None
    if gaps:
        allowed = instrument.prorating_verified if allow_prorating is None else allow_prorating
        no_total_reason = _no_total_reason(instrument, missing, not_applicable, allowed=allowed)
        total = None if no_total_reason else _prorate(raw_sum, len(answered), len(scored))

    return Score(
        instrument_code=instrument.code,
        total=total,
        prorated=bool(gaps) and total is not None,
        raw_sum=raw_sum,
        answered=len(answered),
        missing=missing,
        not_applicable=not_applicable,
        band=None if total is None else instrument.band_for(total),
        at_caseness=None if total is None else instrument.is_case(total),
        risk=_risk(instrument, answers),
        no_total_reason=no_total_reason,
    )


def _check_answers(instrument: Instrument, answers: Mapping[int, Answer]) -> None:
    name = instrument.short_name
    for number, value in answers.items():
        item = instrument.item(number)
        if value is None:
            continue
        if value is NOT_APPLICABLE:
            if not item.not_applicable_allowed:
                raise ValueError(f"{name} item {number} cannot be answered 'not applicable'.")
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            raise ValueError(
                f"{name} item {number}: {value!r} is not an allowed answer "
                f"(allowed: {item.allowed_text()})."
            )


def _prorate(raw_sum: int, answered: int, scored: int) -> int:
    """Mean of the answered items times the number of items, rounded half up (decisions §14).

    ``round()`` would round 4.5 to 4 (banker's rounding); the decision is half up, so Decimal.
    """
    exact = Decimal(raw_sum) * scored / answered
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _no_total_reason(
    instrument: Instrument,
    missing: tuple[int, ...],
    not_applicable: tuple[int, ...],
    *,
    allowed: bool,
) -> str | None:
    """Why these gaps leave no total, or None when the total may be prorated."""
    name = instrument.short_name
    gaps = len(missing) + len(not_applicable)
    limit = instrument.max_missing_for_prorating
    described = _describe_gaps(missing, not_applicable)
    if not allowed:
        if instrument.prorating_verified:
            return f"{described}. Prorating is switched off, so {name} has no total."
        return (
            f"{described}. There is no checked rule for missing {name} answers, so there is no "
            "total unless the team switches prorating on."
        )
    if gaps > limit:
        items = "item" if limit == 1 else "items"
        how = "unanswered"
        if any(item.not_applicable_allowed for item in instrument.scored_items):
            how += " or 'not applicable'"
        return (
            f"{described}. A {name} total can be worked out with at most {limit} {items} "
            f"{how}, so there is no total."
        )
    return None


def _describe_gaps(missing: tuple[int, ...], not_applicable: tuple[int, ...]) -> str:
    parts = []
    if missing:
        word = "Item" if len(missing) == 1 else "Items"
        verb = "is" if len(missing) == 1 else "are"
        parts.append(f"{word} {_list(missing)} {verb} unanswered")
    if not_applicable:
        word = "item" if len(not_applicable) == 1 else "items"
        answer = f"{word} {_list(not_applicable)} answered 'not applicable'"
        parts.append(answer[0].upper() + answer[1:] if not parts else answer)
    return " and ".join(parts)


def _list(numbers: tuple[int, ...]) -> str:
    text = [str(number) for number in numbers]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " and " + text[-1]


def _risk(instrument: Instrument, answers: Mapping[int, Answer]) -> RiskSignal | None:
    """POSITIVE for a risk answer above 0, UNANSWERED when it is missing, else None.

    Source: measures-and-standards.md §1.1 (item 9 > 0 is clinically significant regardless of
    the total, CONVENTION; flag "risk item unanswered", PRODUCT).
    """
    if instrument.risk_item is None:
        return None
    value = answers.get(instrument.risk_item)
    if value is None:
        return RiskSignal.UNANSWERED
    if isinstance(value, int) and value > 0:
        return RiskSignal.POSITIVE
    return None
