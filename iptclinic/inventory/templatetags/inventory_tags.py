"""Template helpers for the inventory pages and the inventory sections of other apps' pages."""

from __future__ import annotations

from typing import Any

from django import template

from iptclinic.ipt.variants import Variant

from .. import sharing
from ..cases import area_name as _area_name

register = template.Library()


@register.filter
def area_name(area: str, variant: str) -> str:
    """A problem area as the course's variant names it: ``{{ tag.area|area_name:course.variant }}``."""
    return _area_name(area, Variant(variant))


@register.inclusion_tag("inventory/_focus_work.html")
def focus_work_section(work: dict[str, Any]) -> dict[str, Any]:
    """The middle-phase part of a session record, from ``selectors.focus_work_context``: fields
    inside the record's own form while it can be edited, else what was recorded."""
    return work


@register.inclusion_tag("inventory/_course_summary.html", takes_context=True)
def initial_phase_summary(context: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """A client's page: the inventory, focus, agreement and goals with progress of one course,
    from ``selectors.initial_phase_summaries`` (loaded for all the client's courses at once)."""
    return {
        **summary,
        "can_edit": context.get("can_edit", False),
        "client": context.get("client"),
    }


@register.inclusion_tag("inventory/_client_ratings.html")
def client_goal_ratings(appointment: Any) -> dict[str, Any]:
    """The client's own goal ratings given in the portal before this session (issue 11, item 4):
    shown as theirs, apart from the therapist's progress ratings."""
    return {"client_ratings": sharing.client_ratings(appointment)}
