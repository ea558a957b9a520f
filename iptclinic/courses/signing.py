"""What stands between a session record and its signature, read the same way everywhere.

A record is signed only when its risk check is complete, a risk it found has the action taken
written down, and it does not say "no risk" beside a same-session questionnaire risk item above 0
(or left unanswered) or an open risk alert without a note saying why (``ipt/risk_check.py``;
decisions.md §17, §20). ``services.sign_session_record`` enforces this; the record page and the
confirmation page show the same problems, from these same functions, before anyone presses Sign.
"""

from __future__ import annotations

from dataclasses import dataclass

from iptclinic.ipt.risk_check import RiskItemAnswer, RiskLevel, YesNo, contradictions
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert

from .models import Appointment, SessionRecord

INCOMPLETE = "Complete every question of the risk check before signing the record."
NO_ACTION = "The risk check found a risk: record the action taken before signing."
RECONCILE = "Change the risk check, or write in \u201cWhy the risk check differs\u201d why it does."


@dataclass(frozen=True)
class RiskSignals:
    """What is known about risk at a session besides its own risk check."""

    risk_items: list[RiskItemAnswer]
    open_alerts: list[RiskAlert]

    @property
    def concerning_items(self) -> list[RiskItemAnswer]:
        """The risk items answered above 0 or left unanswered."""
        return [answer for answer in self.risk_items if answer.signals_risk]

    @property
    def any(self) -> bool:
        return bool(self.concerning_items or self.open_alerts)


def risk_signals(appointment: Appointment) -> RiskSignals:
    """This session's questionnaire risk items and the client's open alerts, in two queries."""
    risk_items = []
    for response in QuestionnaireResponse.objects.filter(appointment=appointment):
        form = response.instrument_data
        if form.risk_item is None:
            continue
        value = response.answer_values.get(form.risk_item)
        risk_items.append(RiskItemAnswer(form, value if isinstance(value, int) else None))
    open_alerts = list(
        RiskAlert.objects.open()
        .filter(client_id=appointment.course.referral.client_id)
        .order_by("raised_at", "id")
    )
    return RiskSignals(risk_items, open_alerts)


def risk_contradictions(record: SessionRecord, signals: RiskSignals) -> list[str]:
    """Where the record's saved risk check says "no risk" against what else is known."""
    return contradictions(
        signals.risk_items,
        alert_open=bool(signals.open_alerts),
        suicidal_thoughts=YesNo(record.suicidal_thoughts) if record.suicidal_thoughts else None,
        level=RiskLevel(record.risk_level) if record.risk_level else None,
    )


def signing_problems(record: SessionRecord, signals: RiskSignals) -> list[str]:
    """Everything to put right before the record can be signed; empty when it can be."""
    problems = []
    if not record.risk_check_complete:
        problems.append(INCOMPLETE)
    elif record.risk_positive and not record.risk_action.strip():
        problems.append(NO_ACTION)
    found = risk_contradictions(record, signals)
    if found and not record.risk_reconciliation.strip():
        problems.append(" ".join([*found, RECONCILE]))
    return problems
