"""Template tags for letters: easy-read pictograms placed inline."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from iptclinic.letters.formats.pictograms import pictogram_svg

register = template.Library()


@register.simple_tag
def pictogram(name: str) -> SafeString:
    """The pictogram ``name`` as inline SVG, sized by the letter stylesheet's ``.pictogram``.

    The sentence beside it says the same thing in words (decisions.md §27), so the drawing is
    hidden from screen readers and its English title is dropped: it must not be read out in a
    letter written in another language.
    """
    svg = pictogram_svg(name)
    start = svg.index("<title>")
    svg = svg[:start] + svg[svg.index("</title>") + len("</title>") :]
    svg = svg.replace(' role="img"', "", 1)
    svg = svg.replace("<svg ", '<svg class="pictogram" aria-hidden="true" focusable="false" ', 1)
    # The project's own files, checked by tests to hold no script, style or links.
    return mark_safe(svg)  # noqa: S308
