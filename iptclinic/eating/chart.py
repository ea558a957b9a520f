"""The eating log as an SVG line chart: binge episodes and purging episodes by session.

Drawn the way the adherence and questionnaire charts are (``fidelity/chart.py``,
``lib/svg.py``): plain Python, every visual property an SVG attribute, text escaped, named for
screen readers, and nothing told apart by colour alone: binges are a solid line with round
markers, purging (vomiting, laxatives and water tablets together) a dashed line with square
ones, and a legend says so. The table beside the chart has every figure, weight included;
weight is not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from iptclinic.lib.svg import INK, Markup, drawing, element, group
from iptclinic.lib.svg import points as coords

_WIDTH = 600
_LEFT = 48
_RIGHT = _WIDTH - 20
_TOP = 34
_HEIGHT = 200
_SMALL = 11
_TITLE = "Binge and purging episodes since the session before"


@dataclass(frozen=True)
class EatingPoint:
    """One session: its number and the episodes since the session before."""

    session: int
    binges: int
    purging: int


def _top(points: Sequence[EatingPoint]) -> int:
    """The axis maximum: at least 5, rounded up to a multiple of 5."""
    highest = max((max(p.binges, p.purging) for p in points), default=0)
    return max(5, 5 * math.ceil(highest / 5))


def _xs(count: int) -> list[float]:
    pad = 24
    if count == 1:
        return [(_LEFT + _RIGHT) / 2]
    step = (_RIGHT - _LEFT - 2 * pad) / max(count - 1, 1)
    return [_LEFT + pad + i * step for i in range(count)]


def _marker(x: float, y: float, square: bool, title: str) -> Markup:
    shape = (
        element(
            "rect", x=x - 4, y=y - 4, width=8, height=8, fill="#fff", stroke=INK, stroke_width=2
        )
        if square
        else element("circle", cx=x, cy=y, r=4.5, fill=INK)
    )
    return group([element("title", title), shape])


def eating_chart_svg(*, points: Sequence[EatingPoint], svg_id: str) -> str:
    """Draw the chart; it works for no points, one point and many."""
    top = _top(points)

    def y(value: int) -> float:
        return _TOP + (1 - value / top) * _HEIGHT

    xs = _xs(len(points))
    body: list[str] = [
        element("text", _TITLE, x=10, y=20, font_size=14, font_weight="bold"),
        element(
            "rect", x=_LEFT, y=_TOP, width=_RIGHT - _LEFT, height=_HEIGHT, fill="none", stroke=INK
        ),
    ]
    for tick in range(0, top + 1, top // 5):
        body.append(
            element(
                "line", x1=_LEFT, y1=y(tick), x2=_RIGHT, y2=y(tick), stroke="#bbb", stroke_width=0.5
            )
        )
        body.append(
            element(
                "text", str(tick), x=_LEFT - 6, y=y(tick) + 4, text_anchor="end", font_size=_SMALL
            )
        )
    for dashed, name, values in (
        (False, "binges", [p.binges for p in points]),
        (True, "purging", [p.purging for p in points]),
    ):
        line = [(x, y(v)) for x, v in zip(xs, values, strict=True)]
        parts: list[str] = []
        if len(line) > 1:
            parts.append(
                element(
                    "polyline",
                    points=coords(line),
                    fill="none",
                    stroke=INK,
                    stroke_width=2,
                    stroke_dasharray="6 4" if dashed else None,
                )
            )
        parts.extend(
            _marker(x, yy, dashed, f"Session {p.session}: {v} {name}")
            for (x, yy), p, v in zip(line, points, values, strict=True)
        )
        body.append(group(parts, class_="ipt-series"))
    every = max(1, len(points) // 12)
    for i, (x, point) in enumerate(zip(xs, points, strict=True)):
        if i % every == 0:
            body.append(
                element(
                    "text",
                    str(point.session),
                    x=x,
                    y=_TOP + _HEIGHT + 16,
                    text_anchor="middle",
                    font_size=_SMALL,
                )
            )
    body.append(
        element(
            "text",
            "Session",
            x=(_LEFT + _RIGHT) / 2,
            y=_TOP + _HEIGHT + 32,
            text_anchor="middle",
            font_size=_SMALL,
        )
    )
    if not points:
        body.append(
            element(
                "text",
                "Nothing recorded yet.",
                x=(_LEFT + _RIGHT) / 2,
                y=_TOP + _HEIGHT / 2,
                text_anchor="middle",
                font_size=14,
            )
        )
    legend_y = _TOP + _HEIGHT + 52
    body.append(
        group(
            [
                element(
                    "line",
                    x1=_LEFT,
                    y1=legend_y,
                    x2=_LEFT + 30,
                    y2=legend_y,
                    stroke=INK,
                    stroke_width=2,
                ),
                _marker(_LEFT + 15, legend_y, False, "Binge episodes"),
                element("text", "Binge episodes", x=_LEFT + 38, y=legend_y + 4),
                element(
                    "line",
                    x1=_LEFT + 230,
                    y1=legend_y,
                    x2=_LEFT + 260,
                    y2=legend_y,
                    stroke=INK,
                    stroke_width=2,
                    stroke_dasharray="6 4",
                ),
                _marker(_LEFT + 245, legend_y, True, "Purging episodes"),
                element("text", "Purging episodes", x=_LEFT + 268, y=legend_y + 4),
            ],
            class_="ipt-legend",
        )
    )
    return drawing(
        svg_id=svg_id,
        width=_WIDTH,
        height=legend_y + 16,
        title=_TITLE,
        desc=_summary(points),
        body=body,
        kind="chart",
        font_size=12,
    )


def _summary(points: Sequence[EatingPoint]) -> str:
    if not points:
        return "Nothing has been recorded in the eating log yet."
    parts = [f"session {p.session}: {p.binges} binges, {p.purging} purging" for p in points]
    return "Episodes since the session before. " + "; ".join(parts) + "."
