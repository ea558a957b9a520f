"""One questionnaire's scores over a course, drawn as an SVG line chart.

Issue 4 item 4: severity bands, the caseness line, and the reliable-change band around the first
score. The thresholds come from the instrument data (measures-and-standards.md §1; PHQ-9 caseness
>= 10 and reliable change 6, GAD-7 >= 8 and 4); this module only draws them. Reliable change uses
``>=`` on the absolute change (§2), so the band's edges are first ± reliable change and a score on
an edge has changed reliably; likewise a score on the caseness line is at caseness.

Plain Python (no Django): the same SVG goes into pages (beside a data table) and into letters.
Bands are told apart by grey shade and by their printed labels, the reliable-change band by a
hatch, and prorated scores by a hollow marker, so nothing depends on colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from iptclinic.lib.svg import (
    INK,
    PAPER,
    Markup,
    drawing,
    element,
    group,
    hatch,
    num,
    shorten,
    text_width,
)
from iptclinic.lib.svg import points as coords

_WIDTH = 600
_LEFT = 40
_PLOT_RIGHT = _WIDTH - 170  # the right margin names the bands and the caseness line
_TOP = 34
_PLOT_HEIGHT = 220
_FONT = 12
_SMALL = 11
_TITLE = 14
_SHADES = ("#ffffff", "#ececec", "#d9d9d9", "#c6c6c6", "#b3b3b3")
_MAX_VALUE_LABELS = 16  # beyond this the numbers crowd; the data table beside the chart has them


@dataclass(frozen=True)
class ChartPoint:
    """One administration: ``label`` names it (a session or a date); ``None`` means no total."""

    label: str
    score: int | None
    prorated: bool = False


@dataclass(frozen=True)
class ChartBand:
    """A severity band, inclusive at both ends (for example 10-14 "Moderate")."""

    low: int
    high: int
    label: str


def score_chart_svg(
    *,
    title: str,
    points: Sequence[ChartPoint],
    max_score: int,
    bands: Sequence[ChartBand],
    caseness: int | None,
    reliable_change: int | None,
    svg_id: str,
) -> str:
    """Draw the chart; it works for no points, one point and many."""
    if not title.strip():
        raise ValueError("A score chart needs a title, such as the questionnaire's name.")
    _check(points, max_score, bands, caseness, reliable_change)
    scale = _Scale(max_score)
    xs = _xs(len(points))
    valid = [
        (i, x, p) for i, (x, p) in enumerate(zip(xs, points, strict=True)) if p.score is not None
    ]
    first = valid[0][2].score if valid else None
    pattern_id = f"{svg_id}-rc"
    body: list[str] = [
        element("defs", hatch(pattern_id, angle=45, gap=6, width=1)),
        element(
            "text",
            shorten(title, _WIDTH - 20, _TITLE),
            x=10,
            y=20,
            font_size=_TITLE,
            font_weight="bold",
        ),
        _bands(bands, scale),
    ]
    if first is not None and reliable_change is not None:
        body.append(_rc_band(first, reliable_change, scale, pattern_id))
    if caseness is not None:
        body.append(_caseness_line(caseness, scale))
    body.append(
        element(
            "rect",
            x=_LEFT,
            y=_TOP,
            width=_PLOT_RIGHT - _LEFT,
            height=_PLOT_HEIGHT,
            fill="none",
            stroke=INK,
            class_="ipt-plot",
        )
    )
    body.append(_side_labels(bands, caseness, scale))
    body.append(_y_axis(scale))
    body.append(_line(valid, xs, points, scale))
    if not points:
        body.append(
            element(
                "text",
                "No scores yet.",
                x=(_LEFT + _PLOT_RIGHT) / 2,
                y=_TOP + _PLOT_HEIGHT / 2,
                text_anchor="middle",
                font_size=_TITLE,
            )
        )
    x_labels, x_height = _x_labels(points, xs)
    body.append(x_labels)
    legend_top = _TOP + _PLOT_HEIGHT + x_height + 10
    legend, legend_height = _legend(points, first, reliable_change, pattern_id, legend_top)
    body.append(legend)
    return drawing(
        svg_id=svg_id,
        width=_WIDTH,
        height=legend_top + legend_height,
        title=title,
        desc=_summary(title, points, bands, caseness, reliable_change),
        body=body,
        kind="chart",
        font_size=_FONT,
    )


def _check(
    points: Sequence[ChartPoint],
    max_score: int,
    bands: Sequence[ChartBand],
    caseness: int | None,
    reliable_change: int | None,
) -> None:
    if max_score < 1:
        raise ValueError(f"The highest possible score must be 1 or more, not {max_score}.")
    for band in bands:
        if not 0 <= band.low <= band.high <= max_score:
            raise ValueError(
                f"Band {band.label!r} ({band.low} to {band.high}) must lie within 0 to {max_score}"
                " and start at or below where it ends."
            )
    ordered = sorted(bands, key=lambda b: b.low)
    for below, above in zip(ordered, ordered[1:], strict=False):
        if above.low <= below.high:
            raise ValueError(f"Bands {below.label!r} and {above.label!r} overlap.")
    if caseness is not None and not 0 <= caseness <= max_score:
        raise ValueError(f"The caseness threshold {caseness} is outside 0 to {max_score}.")
    if reliable_change is not None and reliable_change < 1:
        raise ValueError(f"The reliable change value must be 1 or more, not {reliable_change}.")
    for point in points:
        if point.score is not None and not 0 <= point.score <= max_score:
            raise ValueError(
                f"The score {point.score} for {point.label!r} is outside 0 to {max_score}."
            )


class _Scale:
    def __init__(self, max_score: int) -> None:
        self.max = max_score

    def y(self, score: float) -> float:
        clamped = min(max(score, 0), self.max)
        return _TOP + (1 - clamped / self.max) * _PLOT_HEIGHT

    def ticks(self) -> list[int]:
        steps = (s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if self.max / s <= 8)
        step = next(steps, math.ceil(self.max / 8))
        ticks = list(range(0, self.max, step))
        if ticks and self.max - ticks[-1] < step * 0.4 and len(ticks) > 1:
            ticks.pop()
        return [*ticks, self.max]


def _xs(count: int) -> list[float]:
    pad = 24
    if count == 1:
        return [(_LEFT + _PLOT_RIGHT) / 2]
    step = (_PLOT_RIGHT - _LEFT - 2 * pad) / max(count - 1, 1)
    return [_LEFT + pad + i * step for i in range(count)]


def _band_name(band: ChartBand) -> str:
    return f"{' '.join(band.label.split())} ({band.low}–{band.high})"


def _bands(bands: Sequence[ChartBand], scale: _Scale) -> Markup:
    parts: list[str] = []
    for i, band in enumerate(sorted(bands, key=lambda b: b.low)):
        top = scale.y(band.high + 1)
        bottom = scale.y(band.low)
        parts.append(
            group(
                [
                    element("title", _band_name(band)),
                    element(
                        "rect",
                        x=_LEFT,
                        y=top,
                        width=_PLOT_RIGHT - _LEFT,
                        height=bottom - top,
                        fill=_SHADES[i % len(_SHADES)],
                        stroke="#888",
                        stroke_width=0.5,
                    ),
                ],
                class_="ipt-band",
            )
        )
    return group(parts)


def _rc_band(first: int, change: int, scale: _Scale, pattern_id: str) -> Markup:
    top, bottom = scale.y(first + change), scale.y(first - change)
    edges = [
        element(
            "line",
            x1=_LEFT,
            y1=y,
            x2=_PLOT_RIGHT,
            y2=y,
            stroke=INK,
            stroke_width=0.75,
            stroke_dasharray="1 2",
        )
        for y in (top, bottom)
    ]
    return group(
        [
            element(
                "title",
                f"Reliable change band: first score {first} ± {change} "
                f"({max(first - change, 0)} to {min(first + change, scale.max)})",
            ),
            element(
                "rect",
                x=_LEFT,
                y=top,
                width=_PLOT_RIGHT - _LEFT,
                height=bottom - top,
                fill=f"url(#{pattern_id})",
                fill_opacity=0.45,
                class_="ipt-rc-band",
            ),
            *edges,
        ],
        class_="ipt-rc",
    )


def _caseness_line(caseness: int, scale: _Scale) -> Markup:
    y = scale.y(caseness)
    return group(
        [
            element("title", f"Caseness: a score of {caseness} or more"),
            element(
                "line",
                x1=_LEFT,
                y1=y,
                x2=_PLOT_RIGHT + 4,
                y2=y,
                stroke=INK,
                stroke_width=2,
                stroke_dasharray="7 4",
                class_="ipt-caseness",
            ),
        ],
        class_="ipt-caseness-group",
    )


def _side_labels(bands: Sequence[ChartBand], caseness: int | None, scale: _Scale) -> Markup:
    """Band names and the caseness label in the right margin, pushed apart so none overlap.

    A name too long for the margin wraps onto a second line; only then is it shortened.
    """
    room = _WIDTH - _PLOT_RIGHT - 14
    wanted: list[tuple[float, list[str], bool]] = []
    for band in bands:
        middle = (scale.y(band.low) + scale.y(band.high + 1)) / 2
        wanted.append((middle, _fit(_band_name(band), room), False))
    if caseness is not None:
        wanted.append((scale.y(caseness), [f"Caseness (≥ {caseness})"], True))
    wanted.sort(key=lambda w: w[0])
    line = _SMALL + 3
    heights = [len(lines) * line for _, lines, _ in wanted]
    tops = [middle - h / 2 for (middle, _, _), h in zip(wanted, heights, strict=True)]
    for i in range(1, len(tops)):
        tops[i] = max(tops[i], tops[i - 1] + heights[i - 1])
    limit: float = _TOP + _PLOT_HEIGHT + 6
    for i in range(len(tops) - 1, -1, -1):
        tops[i] = min(tops[i], limit - heights[i])
        limit = tops[i]
    texts: list[str] = []
    for top, (_, lines, bold) in zip(tops, wanted, strict=True):
        for j, words in enumerate(lines):
            texts.append(
                element(
                    "text",
                    words,
                    x=_PLOT_RIGHT + 8,
                    y=top + j * line + _SMALL,
                    font_size=_SMALL,
                    font_weight="bold" if bold else None,
                )
            )
    return group(texts, class_="ipt-side-labels")


def _fit(text: str, room: float) -> list[str]:
    if text_width(text, _SMALL) <= room:
        return [text]
    words = text.split()
    first = ""
    while words and text_width(f"{first} {words[0]}".strip(), _SMALL) <= room:
        first = f"{first} {words.pop(0)}".strip()
    if not first:
        first = shorten(words.pop(0), room, _SMALL)
    return [first, shorten(" ".join(words), room, _SMALL)] if words else [first]


def _y_axis(scale: _Scale) -> Markup:
    parts: list[str] = []
    for tick in scale.ticks():
        y = scale.y(tick)
        parts.append(element("line", x1=_LEFT - 4, y1=y, x2=_LEFT, y2=y, stroke=INK))
        parts.append(
            element("text", str(tick), x=_LEFT - 6, y=y + 4, text_anchor="end", font_size=_SMALL)
        )
    return group(parts, class_="ipt-axis")


def _line(
    valid: Sequence[tuple[int, float, ChartPoint]],
    xs: Sequence[float],
    points_: Sequence[ChartPoint],
    scale: _Scale,
) -> Markup:
    """Solid line between neighbouring scores, dotted across a missing total, then markers."""
    parts: list[str] = []
    for (i, x0, a), (j, x1, b) in zip(valid, valid[1:], strict=False):
        assert a.score is not None and b.score is not None
        adjacent = j - i == 1
        parts.append(
            element(
                "line",
                x1=x0,
                y1=scale.y(a.score),
                x2=x1,
                y2=scale.y(b.score),
                stroke=INK,
                stroke_width=2 if adjacent else 1.25,
                stroke_dasharray=None if adjacent else "2 3",
                class_="ipt-score-line" if adjacent else "ipt-gap-line",
            )
        )
    show_values = len(points_) <= _MAX_VALUE_LABELS
    for x, point in zip(xs, points_, strict=True):
        parts.append(_marker(x, point, scale, show_values))
    return group(parts)


def _marker(x: float, point: ChartPoint, scale: _Scale, show_value: bool) -> Markup:
    label = " ".join(point.label.split())
    if point.score is None:
        below_labels = _TOP + _PLOT_HEIGHT + 2 * _SMALL + 12
        return group(
            [element("title", f"{label}: no total score"), _cross(x, below_labels)],
            class_="ipt-missing",
        )
    y = scale.y(point.score)
    note = " (prorated: some answers missing)" if point.prorated else ""
    parts: list[str] = [element("title", f"{label}: {point.score}{note}")]
    if point.prorated:
        parts.append(
            element(
                "polygon",
                points=coords([(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)]),
                fill=PAPER,
                stroke=INK,
                stroke_width=2,
                class_="ipt-prorated",
            )
        )
    else:
        parts.append(element("circle", cx=x, cy=y, r=4.5, fill=INK, stroke=PAPER, stroke_width=1))
    if show_value:
        above = y - 10 if point.score < scale.max * 0.9 else y + 20
        parts.append(
            element(
                "text",
                str(point.score),
                x=x,
                y=above,
                text_anchor="middle",
                font_size=_SMALL,
                font_weight="bold",
            )
        )
    return group(parts, class_="ipt-point")


def _cross(x: float, y: float) -> Markup:
    d = 4
    return element(
        "path",
        d=f"M{num(x - d)} {num(y - d)}L{num(x + d)} {num(y + d)}"
        f"M{num(x - d)} {num(y + d)}L{num(x + d)} {num(y - d)}",
        stroke=INK,
        stroke_width=1.5,
        fill="none",
    )


def _x_labels(points_: Sequence[ChartPoint], xs: Sequence[float]) -> tuple[Markup, float]:
    """Labels under the plot, skipping some evenly when they would run into each other."""
    if not points_:
        return Markup(""), 0.0
    names = [shorten(p.label, 90, _SMALL) for p in points_]
    widest = max(text_width(n, _SMALL) for n in names)
    spacing = xs[1] - xs[0] if len(xs) > 1 else math.inf
    every = max(1, math.ceil((widest + 6) / spacing))
    y = _TOP + _PLOT_HEIGHT + 4 + _SMALL
    parts: list[str] = []
    for i, (x, name) in enumerate(zip(xs, names, strict=True)):
        parts.append(element("line", x1=x, y1=_TOP + _PLOT_HEIGHT, x2=x, y2=y - _SMALL, stroke=INK))
        if i % every == 0:
            parts.append(
                element("text", name, x=x, y=y + 2, text_anchor="middle", font_size=_SMALL)
            )
    missing_row = 2 * _SMALL + 4 if any(p.score is None for p in points_) else 0
    return group(parts, class_="ipt-axis"), _SMALL + 8 + missing_row


def _legend(
    points_: Sequence[ChartPoint],
    first: int | None,
    change: int | None,
    pattern_id: str,
    top: float,
) -> tuple[Markup, float]:
    if not points_:
        return Markup(""), 0.0
    entries: list[tuple[Markup, str]] = [
        (element("circle", cx=9, cy=0, r=4.5, fill=INK), "score"),
    ]
    if any(p.prorated for p in points_):
        entries.append(
            (
                element(
                    "polygon",
                    points=coords([(9, -6), (15, 0), (9, 6), (3, 0)]),
                    fill=PAPER,
                    stroke=INK,
                    stroke_width=2,
                ),
                "prorated score (some answers missing)",
            )
        )
    if any(p.score is None for p in points_):
        entries.append((_cross(9, 0), "no total score"))
    if first is not None and change is not None:
        swatch = element(
            "rect",
            x=0,
            y=-7,
            width=18,
            height=14,
            fill=f"url(#{pattern_id})",
            stroke=INK,
            stroke_width=0.75,
            stroke_dasharray="1 2",
        )
        entries.append(
            (swatch, f"first score {first} ± {change}: a change of {change} or more is reliable")
        )
    parts: list[str] = []
    x, row = 10.0, 0
    for symbol, words in entries:
        needed = 24 + text_width(words, _SMALL) + 16
        if x + needed > _WIDTH - 10 and x > 10:
            x, row = 10.0, row + 1
        y = top + 8 + row * 20
        parts.append(group([symbol], transform=f"translate({x:.2f} {y:.2f})"))
        parts.append(element("text", words, x=x + 24, y=y + 4, font_size=_SMALL))
        x += needed
    return group(parts, class_="ipt-legend"), (row + 1) * 20 + 6


def _summary(
    title: str,
    points_: Sequence[ChartPoint],
    bands: Sequence[ChartBand],
    caseness: int | None,
    change: int | None,
) -> str:
    """The chart in a few words; the page's data table carries every score."""
    scored = [p for p in points_ if p.score is not None]
    words = [f"{' '.join(title.split())}."]
    if not points_:
        words.append("No scores yet.")
    else:
        words.append(f"{len(points_)} recorded, {len(scored)} with a total score.")
    if scored:
        first, last = scored[0], scored[-1]
        words.append(f"First score {first.score}{_in_band(first.score, bands)} ({first.label}).")
        if len(scored) > 1:
            words.append(f"Latest score {last.score}{_in_band(last.score, bands)} ({last.label}).")
    if caseness is not None:
        words.append(f"Caseness is a score of {caseness} or more.")
    if change is not None:
        words.append(f"A change of {change} or more is reliable.")
    return " ".join(words)


def _in_band(score: int | None, bands: Sequence[ChartBand]) -> str:
    band = next((b for b in bands if score is not None and b.low <= score <= b.high), None)
    return f", {band.label.lower()}" if band else ""
