"""Panels that other apps' pages include: a client's risk alerts and measures, a session's
questionnaires. Each runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

from typing import Any

from django import template

from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment

from ..access import can_record_questionnaire
from ..selectors import client_alerts, client_measures, session_measures

register = template.Library()


@register.inclusion_tag("measures/_alerts.html", takes_context=True)
def client_risk_alerts(context: template.Context, client: Client) -> dict[str, Any]:
    """Open risk alerts with the team's crisis contacts (decisions.md §17, §19)."""
    open_alerts, _ = client_alerts(client)
    return {"alerts": open_alerts, "team": client.team, "request": context.get("request")}


@register.inclusion_tag("measures/_client_summary.html", takes_context=True)
def client_measures_summary(context: template.Context, client: Client) -> dict[str, Any]:
    user = context["request"].user
    return {
        "client": client,
        "measures": client_measures(client),
        "can_record": can_record_questionnaire(user, client),
    }


@register.inclusion_tag("measures/_session_panel.html", takes_context=True)
def session_measures_panel(
    context: template.Context, appointment: Appointment, number: int, contracted: int
) -> dict[str, Any]:
    """This session's questionnaires: those due by the team's schedule, and any recorded."""
    client = appointment.course.referral.client
    user = context["request"].user
    return {
        "appointment": appointment,
        "measures": session_measures(appointment.pk, number, contracted, client.team),
        "can_record": can_record_questionnaire(user, client),
    }
