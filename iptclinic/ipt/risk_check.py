"""The session risk check, read against what else is known about risk at that session.

Every session record holds a structured risk check (decisions.md §17). It must not say there is
no risk while the same session's questionnaire risk item (PHQ-9 item 9) was answered above 0 or
left unanswered, or while a risk alert for the client is still open and unreviewed: a signed
record that says "no thoughts of suicide" beside an item-9 answer of "Several days" is a record
nobody can rely on. :func:`contradictions` names each such difference in plain English; a record
is signed only once each is reconciled, by changing the risk check or by a note saying why it
differs (decisions.md §20).

Sources: measures-and-standards.md §1.1 (item 9 above 0 is clinically significant whatever the
total, CONVENTION; an unanswered item 9 means the risk is not known, PRODUCT); decisions.md §17
and §20 (PRODUCT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from iptclinic.ipt.instruments import Instrument


class YesNo(StrEnum):
    """An answer to one question of the risk check."""

    YES = "yes"
    NO = "no"


class RiskLevel(StrEnum):
    """The therapist's overall level of risk at the session."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


RISK_LEVEL_LABELS = {
    RiskLevel.NONE: "No apparent risk",
    RiskLevel.LOW: "Low",
    RiskLevel.MODERATE: "Moderate",
    RiskLevel.HIGH: "High",
}


@dataclass(frozen=True)
class RiskItemAnswer:
    """The answer to a questionnaire's risk item in this session; ``value`` None: unanswered."""

    instrument: Instrument
    value: int | None

    def __post_init__(self) -> None:
        if self.instrument.risk_item is None:
            raise ValueError(f"{self.instrument.short_name} has no risk item.")

    @property
    def signals_risk(self) -> bool:
        """Above 0, or left unanswered: the same rule that raises a risk alert (scoring.py)."""
        return self.value is None or self.value > 0

    def describe(self) -> str:
        form = self.instrument
        assert form.risk_item is not None  # checked when made
        item = form.item(form.risk_item)
        asked = f"In this session\u2019s {form.short_name}, item {item.number} (\u201c{item.text}\u201d)"
        if self.value is None:
            return f"{asked} was left unanswered, so the risk it asks about is not known"
        option = next((o for o in item.options if o.value == self.value), None)
        wording = f"\u201c{option.text}\u201d ({self.value})" if option else str(self.value)
        return f"{asked} was answered {wording}"


OPEN_ALERT = "A risk alert for this client is open: nobody has reviewed it yet"


def contradictions(
    risk_items: Iterable[RiskItemAnswer],
    *,
    alert_open: bool,
    suicidal_thoughts: YesNo | None,
    level: RiskLevel | None,
) -> list[str]:
    """Each risk signal that the risk check contradicts, as one plain-English sentence.

    A signal is a risk item answered above 0 or left unanswered, or an open risk alert. The risk
    check contradicts it when it records no thoughts of suicide, or an overall level of "No
    apparent risk". A question not yet answered contradicts nothing: an incomplete risk check is
    refused for signing on its own account.
    """
    denials = []
    if suicidal_thoughts == YesNo.NO:
        denials.append("the risk check records no thoughts of suicide")
    if level == RiskLevel.NONE:
        denials.append(
            f"the overall level of risk is \u201c{RISK_LEVEL_LABELS[RiskLevel.NONE]}\u201d"
        )
    if not denials:
        return []
    signals = [answer.describe() for answer in risk_items if answer.signals_risk]
    if alert_open:
        signals.append(OPEN_ALERT)
    denied = " and ".join(denials)
    return [f"{signal}, but {denied}." for signal in signals]
