"""Two lines over a course's sessions as an SVG chart: the shape of the adherence chart and of
the eating log chart.

Drawn with ``lib/svg.py``: plain Python, every visual property an SVG attribute, text escaped,
named for screen readers, and nothing told apart by colour alone: the first line is solid with
round markers, the second dashed with square ones, and a legend says so. A value of ``None``
leaves a gap in its line. The page shows every figure in a table beside the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iptclinic.lib.svg import INK, Markup, drawing, element, group
from iptclinic.lib.svg import points as coords

_WIDTH = 600
_LEFT = 48
_RIGHT = _WIDTH - 20
_TOP = 34
_HEIGHT = 200
_FONT = 12
_SMALL = 11


@dataclass(frozen=True)
class Line:
    """One line: its legend, a value per session (``None`` for none) and each marker's name."""

    legend: str
    values: Sequence[float | None]
    titles: Sequence[str]


@dataclass(frozen=True)
class Axis:
    """The value axis: its ticks from 0 upwards (the last is the top) and how a tick reads."""

    ticks: Sequence[int]
    tick_text: Callable[[int], str] = str

    @property
    def top(self) -> int:
        return self.ticks[-1]


def session_chart_svg(
    *,
    svg_id: str,
    title: str,
    description: str,
    session_labels: Sequence[str],
    axis: Axis,
    solid: Line,
    dashed: Line,
    empty_text: str,
) -> str:
    """Draw the chart; it works for no sessions, one and many."""
    for line in (solid, dashed):
        if not len(line.values) == len(line.titles) == len(session_labels):
            raise ValueError(f"The line {line.legend!r} needs one value and name per session.")

    def y(value: float) -> float:
        return _TOP + (1 - min(max(value, 0), axis.top) / axis.top) * _HEIGHT

    xs = _xs(len(session_labels))
    body: list[str] = [
        element("text", title, x=10, y=20, font_size=14, font_weight="bold"),
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
    for tick in axis.ticks:
        body.append(
            element(
                "line", x1=_LEFT, y1=y(tick), x2=_RIGHT, y2=y(tick), stroke="#bbb", stroke_width=0.5
            )
        )
        body.append(
            element(
                "text",
                axis.tick_text(tick),
                x=_LEFT - 6,
                y=y(tick) + 4,
                text_anchor="end",
                font_size=_SMALL,
            )
        )
    body.append(_series(xs, solid, y, square=False))
    body.append(_series(xs, dashed, y, square=True))
    every = max(1, len(session_labels) // 12)  # beyond a dozen labels every other one, and so on
    for i, (x, label) in enumerate(zip(xs, session_labels, strict=True)):
        if i % every == 0:
            body.append(
                element(
                    "text",
                    label,
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
    if not session_labels:
        body.append(
            element(
                "text",
                empty_text,
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
                *_legend(solid.legend, _LEFT, legend_y, square=False),
                *_legend(dashed.legend, _LEFT + 230, legend_y, square=True),
            ],
            class_="ipt-legend",
        )
    )
    return drawing(
        svg_id=svg_id,
        width=_WIDTH,
        height=legend_y + 16,
        title=title,
        desc=description,
        body=body,
        kind="chart",
        font_size=_FONT,
    )


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


def _series(
    xs: Sequence[float], line: Line, y: Callable[[float], float], *, square: bool
) -> Markup:
    """The line in unbroken runs (a session without a value breaks it) and a marker per value."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in zip(xs, line.values, strict=True):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, y(value)))
    parts: list[str] = [
        element(
            "polyline",
            points=coords(run),
            fill="none",
            stroke=INK,
            stroke_width=2,
            stroke_dasharray="6 4" if square else None,
        )
        for run in runs
        if len(run) > 1
    ]
    parts.extend(
        _marker(x, y(value), square, title)
        for x, value, title in zip(xs, line.values, line.titles, strict=True)
        if value is not None
    )
    return group(parts, class_="ipt-series")


def _legend(text: str, x: float, y: float, *, square: bool) -> list[str]:
    return [
        element(
            "line",
            x1=x,
            y1=y,
            x2=x + 30,
            y2=y,
            stroke=INK,
            stroke_width=2,
            stroke_dasharray="6 4" if square else None,
        ),
        _marker(x + 15, y, square, text),
        element("text", text, x=x + 38, y=y + 4),
    ]
