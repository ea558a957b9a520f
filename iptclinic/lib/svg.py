"""A tiny SVG builder for drawings that must work in three places.

The same markup is inlined in HTML pages under a strict Content-Security-Policy (no ``style``
attributes, no ``<style>`` elements, no scripts), embedded in WeasyPrint letters (which ignore the
page's CSS inside inline SVG) and read by screen readers. So every visual property is an SVG
presentation attribute; CSS classes are only hooks for screen extras in ``static/css/drawings.css``.

Text is escaped unless it is already :class:`Markup` built here, so a label such as
``<Tom & Jerry>`` can never break the drawing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#000"
PAPER = "#fff"

# Character widths in em, rounded up from DejaVu Sans (the font named above and embedded in
# letters); other sans fonts are no wider. Overestimating keeps labels apart at the cost of a
# little white space. Bold is about a tenth wider.
_NARROW = frozenset(" .,;:'!|iljI")
_MEDIUM = frozenset('()[]-/frt"')
_WIDE = frozenset("mwMW…")
_BOLD = 1.1
_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Characters XML 1.0 forbids even when escaped; a pasted label must not make the page invalid.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Markup(str):
    """SVG markup that is already escaped and can be nested as it is."""


Attr = str | int | float | None


def clean(text: str) -> str:
    """``text`` without the control characters that XML cannot carry."""
    return _NOT_XML.sub("", text)


def num(value: float) -> str:
    """Format a coordinate compactly: at most two decimals, no trailing zeros, no ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def element(tag: str, /, *children: str, **attrs: Attr) -> Markup:
    """Build ``<tag attrs>children</tag>``; plain strings among ``children`` are escaped.

    Attribute names use ``_`` for ``-`` (``stroke_width``) and a trailing ``_`` for Python
    keywords (``class_``); ``None`` values are left out. A ``style`` attribute is refused because
    the Content-Security-Policy would block it.
    """
    parts = [tag]
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if name == "style":
            raise ValueError("SVG drawings may not use a style attribute (blocked by the CSP).")
        if isinstance(value, bool):
            raise TypeError(f"Attribute {name!r} needs a string or number, not a boolean.")
        text = num(value) if isinstance(value, int | float) else clean(value)
        parts.append(f'{name}="{escape(text, _ATTR_ENTITIES)}"')
    opening = " ".join(parts)
    if not children:
        return Markup(f"<{opening}/>")
    body = "".join(c if isinstance(c, Markup) else escape(clean(c)) for c in children)
    return Markup(f"<{opening}>{body}</{tag}>")


def group(children: Iterable[str], **attrs: Attr) -> Markup:
    """A ``<g>`` around already-built children (an empty group is left out)."""
    items = list(children)
    return element("g", *items, **attrs) if items else Markup("")


def points(coords: Iterable[tuple[float, float]]) -> str:
    """The ``points`` attribute of a polyline or polygon."""
    return " ".join(f"{num(x)},{num(y)}" for x, y in coords)


def _em(char: str) -> float:
    if char in _NARROW:
        return 0.33
    if char in _MEDIUM:
        return 0.43
    if char in _WIDE:
        return 1.0
    return 0.76 if char.isupper() else 0.64


def text_width(text: str, font_size: float, *, bold: bool = False) -> float:
    """A generous estimate of the rendered width of ``text``, used to keep labels apart."""
    return sum(_em(c) for c in text) * font_size * (_BOLD if bold else 1)


def shorten(text: str, max_width: float, font_size: float) -> str:
    """``text`` cut with an ellipsis to fit ``max_width``; callers put the full text in a title."""
    text = " ".join(text.split())
    if text_width(text, font_size) <= max_width:
        return text
    room = max_width - text_width("…", font_size)
    cut = 1
    while cut < len(text) and text_width(text[: cut + 1], font_size) <= room:
        cut += 1
    return text[:cut].rstrip() + "…"


def check_id(svg_id: str) -> None:
    """Refuse an id that is not a valid XML name, since every inner id is derived from it."""
    if not _ID.fullmatch(svg_id):
        raise ValueError(
            f"svg_id {svg_id!r} must start with a letter and use only letters, digits, - and _."
        )


def hatch(pattern_id: str, *, angle: int = 45, gap: float = 6, width: float = 1) -> Markup:
    """A pattern of parallel lines: a fill that survives black-and-white printing."""
    return element(
        "pattern",
        element("line", x1=0, y1=0, x2=0, y2=gap, stroke=INK, stroke_width=width),
        id=pattern_id,
        width=gap,
        height=gap,
        patternUnits="userSpaceOnUse",
        patternTransform=f"rotate({angle})",
    )


def drawing(
    *,
    svg_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: Iterable[str],
    kind: str,
    font_size: float,
) -> Markup:
    """The outer ``<svg>``: scalable (viewBox, no pixel size) and named for screen readers."""
    check_id(svg_id)
    return element(
        "svg",
        element("title", title, id=f"{svg_id}-title"),
        element("desc", desc, id=f"{svg_id}-desc"),
        # Paper behind everything, so black ink stays readable on a dark page.
        element("rect", x=0, y=0, width=width, height=height, fill=PAPER, class_="ipt-paper"),
        *body,
        xmlns=SVG_NS,
        id=svg_id,
        class_=f"ipt-drawing ipt-{kind}",
        role="img",
        aria_labelledby=f"{svg_id}-title {svg_id}-desc",
        viewBox=f"0 0 {num(width)} {num(height)}",
        font_family=FONT_FAMILY,
        font_size=font_size,
        fill=INK,
    )
