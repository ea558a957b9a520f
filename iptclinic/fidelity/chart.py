"""Adherence over a course as an SVG line chart: the therapist's ratings and the supervisor's.

Drawn the way the questionnaire charts are (``measures/chart.py``, ``lib/svg.py``): plain Python,
every visual property an SVG attribute, text escaped, named for screen readers, and nothing told
apart by colour alone: the therapist's line is solid with round markers, the supervisor's dashed
with square ones, and a legend says so. The table beside the chart has every figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from iptclinic.lib.svg import INK, Markup, drawing, element, group, shorten
from iptclinic.lib.svg import points as coords

_WIDTH = 600
_LEFT = 48
_RIGHT = _WIDTH - 20
_TOP = 34
_HEIGHT = 200
_FONT = 12
_SMALL = 11
_TITLE = "Adherence over the course"


@dataclass(frozen=True)
class AdherencePoint:
    """One session: its label, the therapist's score and the supervisor's (percent, or None)."""

    label: str
    own: int | None
    supervisor: int | None


def _y(percent: float) -> float:
    return _TOP + (1 - min(max(percent, 0), 100) / 100) * _HEIGHT


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


def _series(values: Sequence[tuple[float, int | None, str]], *, dashed: bool, who: str) -> Markup:
    parts: list[str] = []
    run: list[tuple[float, float]] = []
    runs: list[list[tuple[float, float]]] = []
    for x, value, _label in values:
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x, _y(value)))
    if run:
        runs.append(run)
    for line in runs:
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
    for x, value, label in values:
        if value is not None:
            parts.append(_marker(x, _y(value), dashed, f"{label}: {who} {value}%"))
    return group(parts, class_="ipt-series")


def adherence_chart_svg(*, points: Sequence[AdherencePoint], svg_id: str) -> str:
    """Draw the chart; it works for no points, one point and many."""
    for point in points:
        for value in (point.own, point.supervisor):
            if value is not None and not 0 <= value <= 100:
                raise ValueError(f"A score of {value}% for {point.label!r} is not 0 to 100.")
    xs = _xs(len(points))
    body: list[str] = [
        element("text", _TITLE, x=10, y=20, font_size=14, font_weight="bold"),
        element(
            "rect",
            x=_LEFT,
            y=_TOP,
            width=_RIGHT - _LEFT,
            height=_HEIGHT,
            fill="none",
            stroke=INK,
            class_="ipt-plot",
        ),
    ]
    for tick in (0, 25, 50, 75, 100):
        y = _y(tick)
        body.append(
            element("line", x1=_LEFT, y1=y, x2=_RIGHT, y2=y, stroke="#bbb", stroke_width=0.5)
        )
        body.append(
            element("text", f"{tick}%", x=_LEFT - 6, y=y + 4, text_anchor="end", font_size=_SMALL)
        )
    body.append(
        _series(
            [(x, p.own, p.label) for x, p in zip(xs, points, strict=True)],
            dashed=False,
            who="therapist",
        )
    )
    body.append(
        _series(
            [(x, p.supervisor, p.label) for x, p in zip(xs, points, strict=True)],
            dashed=True,
            who="supervisor",
        )
    )
    every = max(1, len(points) // 12)  # beyond a dozen labels every other one, and so on
    for i, (x, point) in enumerate(zip(xs, points, strict=True)):
        if i % every == 0:
            body.append(
                element(
                    "text",
                    shorten(point.label.replace("Session ", ""), 40, _SMALL),
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
                "No ratings yet.",
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
                _marker(_LEFT + 15, legend_y, False, "Therapist's own rating"),
                element("text", "Therapist's own rating", x=_LEFT + 38, y=legend_y + 4),
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
                _marker(_LEFT + 245, legend_y, True, "Supervisor's rating"),
                element("text", "Supervisor's rating", x=_LEFT + 268, y=legend_y + 4),
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
        font_size=_FONT,
    )


def _summary(points: Sequence[AdherencePoint]) -> str:
    if not points:
        return "No session has been rated yet."
    parts = []
    for p in points:
        own = f"therapist {p.own}%" if p.own is not None else "therapist not rated"
        sup = f"supervisor {p.supervisor}%" if p.supervisor is not None else "supervisor not rated"
        parts.append(f"{p.label}: {own}, {sup}")
    return "Adherence by session. " + "; ".join(parts) + "."
