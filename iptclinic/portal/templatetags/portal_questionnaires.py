"""The home page's questionnaires section, without touching the home view (issue 11 item 3)."""

from __future__ import annotations

from django import template

from iptclinic.clients.models import Client
from iptclinic.measures.selectors import DueQuestionnaire, portal_due, portal_scores_shown

register = template.Library()


@register.simple_tag
def questionnaires_due(client: Client) -> list[DueQuestionnaire]:
    return portal_due(client)


@register.simple_tag
def scores_shown(client: Client) -> bool:
    return portal_scores_shown(client)
