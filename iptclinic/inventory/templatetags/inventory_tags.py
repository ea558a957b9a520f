"""Template helpers for the inventory pages and the inventory sections of other apps' pages."""

from __future__ import annotations

from django import template

from iptclinic.ipt.variants import Variant

from ..cases import area_name as _area_name

register = template.Library()


@register.filter
def area_name(area: str, variant: str) -> str:
    """A problem area as the course's variant names it: ``{{ tag.area|area_name:course.variant }}``."""
    return _area_name(area, Variant(variant))
