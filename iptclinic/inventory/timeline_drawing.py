"""The timeline: life and interpersonal events, earlier episodes and mood on one time axis.

Source: ipt-method.md §2.3. IPT links the onset of the current episode to interpersonal changes
around it and looks at earlier episodes and their contexts [S4][S5]; IPT-ED charts interpersonal
events beside eating-disorder symptoms over time (§3.5, [S13]). Drawing mood above the events on
the same axis makes that link visible (PRODUCT). Dates may be approximate (§2.4 stores a
precision), so a month or a year is drawn as a bracket over the whole period, never as a day.

Plain Python (no Django): called from views and from letters. Every meaning is carried by shape,
pattern or words, so the drawing prints in black and white.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from iptclinic.lib.svg import (
    INK,
    PAPER,
    Markup,
    drawing,
    element,
    group,
    hatch,
    points,
    shorten,
    text_width,
)

PRECISIONS = ("day", "month", "year")
ONSET_LABEL = "Low mood started"
NOTHING_YET = "Nothing has been recorded on the timeline yet."
# Wide enough for a grandparent's life and planned dates; beyond it a date is a typing slip.
EARLIEST = date(1850, 1, 1)
LATEST = date(2199, 12, 31)

_WIDTH = 720
_LEFT = 104  # room for the lane names
_RIGHT = 16
_FONT = 13
_SMALL = 11
_ROW = 18
_MOOD_HEIGHT = 130
_LABEL_MAX = 230
# Fixed English names: calendar.month_abbr would follow the server's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TimelineMark:
    """A life or interpersonal event; ``precision`` says how exactly ``when`` is known."""

    when: date
    precision: str  # "day" | "month" | "year"
    label: str
    kind: str
    people: tuple[str, ...] = ()
    is_onset: bool = False


@dataclass(frozen=True)
class MoodPoint:
    """The service user's mood rating at a time: 0 is the worst, 10 the best."""

    when: date
    rating: int


@dataclass(frozen=True)
class Episode:
    """An earlier episode (``end`` is None when its end is not known or it is still going on)."""

    start: date
    end: date | None
    label: str


@dataclass(frozen=True)
class SymptomNote:
    """An eating-disorder symptom note, for IPT-ED timelines (ipt-method.md §3.5)."""

    when: date
    text: str


def timeline_svg(
    *,
    marks: Sequence[TimelineMark],
    moods: Sequence[MoodPoint] = (),
    episodes: Sequence[Episode] = (),
    symptom_notes: Sequence[SymptomNote] = (),
    onset: date | None = None,
    svg_id: str = "timeline",
    onset_label: str = ONSET_LABEL,
) -> str:
    """Draw the timeline as inline SVG: mood on top, then the time axis, events and symptoms.

    The onset is ``onset`` or, failing that, the first mark flagged ``is_onset``.
    """
    _check(marks, moods, episodes, symptom_notes, onset)
    onset = _onset(marks, onset)
    text = timeline_text(
        marks=marks,
        moods=moods,
        episodes=episodes,
        symptom_notes=symptom_notes,
        onset=onset,
        onset_label=onset_label,
    )
    desc = " ".join(text.splitlines())
    if not (marks or moods or episodes or symptom_notes or onset):
        message = element("text", NOTHING_YET, x=_WIDTH / 2, y=44, text_anchor="middle")
        return drawing(
            svg_id=svg_id,
            width=_WIDTH,
            height=80,
            title="Timeline",
            desc=desc,
            body=[message],
            kind="timeline",
            font_size=_FONT,
        )
    axis = _Axis(_dates(marks, moods, episodes, symptom_notes, onset))
    hatch_id = f"{svg_id}-episode"
    header_items = [(axis.x(onset), onset_label, True)] if onset else []
    for e in episodes:
        middle = (axis.x(e.start) + axis.x(e.end or axis.end)) / 2
        header_items.append((middle, _episode_name(e), False))
    header = _rows(header_items)
    y: float = 10 + len(header.rows) * _ROW + 4
    lanes: list[str] = []
    top = y
    if moods:
        lanes.append(_mood_lane(moods, axis, y))
        y += _MOOD_HEIGHT + 8
    axis_y = y
    y += 4 + _ROW * (2 if axis.month_names() else 1) + 6
    if marks:
        lane, height = _event_lane("Events", marks, axis, y, symptom=False)
        lanes.append(lane)
        y += height + 10
    if symptom_notes:
        marks_for_notes = [TimelineMark(n.when, "day", n.text, "symptom") for n in symptom_notes]
        lane, height = _event_lane("Eating\nsymptoms", marks_for_notes, axis, y, symptom=True)
        lanes.append(lane)
        y += height + 10
    bottom = y
    legend, legend_height = _legend(
        hatch_id, bool(episodes), bool(onset), moods, marks, bool(symptom_notes), bottom + 6
    )
    height = bottom + 6 + legend_height
    body: list[str] = [
        element("defs", _episode_hatch(hatch_id)),
        *(_band(e, axis, top - 4, bottom, hatch_id) for e in episodes),
    ]
    if onset:
        body.append(_onset_line(onset, onset_label, axis, top - 4, bottom))
    body += [header.draw(10), *lanes, _axis_lines(axis, axis_y)]
    body.append(legend)
    return drawing(
        svg_id=svg_id,
        width=_WIDTH,
        height=height,
        title="Timeline of events and mood",
        desc=desc,
        body=body,
        kind="timeline",
        font_size=_FONT,
    )


def timeline_text(
    *,
    marks: Sequence[TimelineMark],
    moods: Sequence[MoodPoint] = (),
    episodes: Sequence[Episode] = (),
    symptom_notes: Sequence[SymptomNote] = (),
    onset: date | None = None,
    onset_label: str = ONSET_LABEL,
) -> str:
    """The text alternative: everything on the timeline, one line each, in date order."""
    _check(marks, moods, episodes, symptom_notes, onset)
    onset = _onset(marks, onset)
    if not (marks or moods or episodes or symptom_notes or onset):
        return NOTHING_YET
    entries: list[tuple[date, int, str]] = []
    for e in episodes:
        until = f"to {_day(e.end)}" if e.end else "with no end date"
        entries.append((e.start, 0, f"From {_day(e.start)} {until}: {_episode_name(e)}."))
    if onset:
        entries.append((onset, 1, f"{_day(onset)}: {onset_label}."))
    for m in marks:
        entries.append((_span(m)[0], 2, f"{_describe(m)}."))
    for n in symptom_notes:
        entries.append((n.when, 3, f"{_day(n.when)}: eating symptoms: {_squash(n.text)}."))
    for p in moods:
        entries.append((p.when, 4, f"{_day(p.when)}: mood {p.rating} out of 10 (10 is best)."))
    entries.sort(key=lambda e: (e[0], e[1]))
    return "\n".join(["Timeline, in date order."] + [text for _, _, text in entries])


def _check(
    marks: Sequence[TimelineMark],
    moods: Sequence[MoodPoint],
    episodes: Sequence[Episode],
    notes: Sequence[SymptomNote],
    onset: date | None,
) -> None:
    given = [m.when for m in marks] + [p.when for p in moods] + [n.when for n in notes]
    given += [d for e in episodes for d in (e.start, e.end) if d is not None]
    for when in given + ([onset] if onset else []):
        if not EARLIEST <= when <= LATEST:
            raise ValueError(
                f"The date {_day(when)} is outside the years the timeline can show "
                f"({EARLIEST.year} to {LATEST.year}); please check it."
            )
    for m in marks:
        if m.precision not in PRECISIONS:
            raise ValueError(
                f"Event {m.label!r} has date precision {m.precision!r}; "
                "use 'day', 'month' or 'year'."
            )
    for p in moods:
        if not 0 <= p.rating <= 10:
            raise ValueError(
                f"The mood rating on {_day(p.when)} is {p.rating}; ratings go from 0 to 10."
            )
    for e in episodes:
        if e.end is not None and e.end < e.start:
            raise ValueError(
                f"Episode {e.label!r} ends ({_day(e.end)}) before it starts ({_day(e.start)})."
            )


def _onset(marks: Sequence[TimelineMark], onset: date | None) -> date | None:
    if onset is not None:
        return onset
    return next((m.when for m in marks if m.is_onset), None)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _when(mark: TimelineMark) -> str:
    if mark.precision == "year":
        return str(mark.when.year)
    if mark.precision == "month":
        return f"{_MONTHS[mark.when.month - 1]} {mark.when.year}"
    return _day(mark.when)


def _episode_name(episode: Episode) -> str:
    label = _squash(episode.label)
    return f"Earlier episode: {label}" if label else "Earlier episode"


def _span(mark: TimelineMark) -> tuple[date, date]:
    """The first day and the day after the last day that ``mark`` may refer to."""
    d = mark.when
    if mark.precision == "year":
        return date(d.year, 1, 1), date(d.year + 1, 1, 1)
    if mark.precision == "month":
        start = date(d.year, d.month, 1)
        return start, start + timedelta(days=calendar.monthrange(d.year, d.month)[1])
    return d, d + timedelta(days=1)


def _dates(
    marks: Sequence[TimelineMark],
    moods: Sequence[MoodPoint],
    episodes: Sequence[Episode],
    notes: Sequence[SymptomNote],
    onset: date | None,
) -> list[date]:
    found = [d for m in marks for d in _span(m)]
    found += [p.when for p in moods] + [n.when for n in notes]
    found += [d for e in episodes for d in (e.start, e.end) if d is not None]
    return found + ([onset] if onset else [])


class _Axis:
    """Whole calendar years from the first date to the last, mapped onto the drawing's width."""

    def __init__(self, dates: Iterable[date]) -> None:
        found = list(dates)
        self.start = date(min(found).year, 1, 1)
        last = max(found)
        self.end = date(last.year + (0 if last == date(last.year, 1, 1) else 1), 1, 1)
        if self.end <= self.start:
            self.end = date(self.start.year + 1, 1, 1)
        self.left = float(_LEFT)
        self.right = float(_WIDTH - _RIGHT)

    def x(self, d: date) -> float:
        span = (self.end - self.start).days
        return self.left + (d - self.start).days / span * (self.right - self.left)

    def month_names(self) -> bool:
        """Whether a month is wide enough on the drawing to carry its short name."""
        months = (self.end.year - self.start.year) * 12
        return (self.right - self.left) / months >= text_width("Mar", _SMALL) + 8

    def years(self) -> range:
        return range(self.start.year, self.end.year)


class _Rows:
    """Labels spread over as many rows as needed so that none overlaps another."""

    def __init__(self) -> None:
        self.rows: list[float] = []  # the right edge of the last label in each row
        self.items: list[tuple[int, float, str, bool]] = []

    def add(self, x: float, text: str, bold: bool) -> tuple[int, float]:
        width = text_width(text, _FONT, bold=bold)
        x = min(max(x, _LEFT + width / 2), _WIDTH - _RIGHT - width / 2)
        left = x - width / 2
        for row, edge in enumerate(self.rows):
            if left > edge + 8:
                self.rows[row] = x + width / 2
                break
        else:
            row = len(self.rows)
            self.rows.append(x + width / 2)
        self.items.append((row, x, text, bold))
        return row, x

    def draw(self, top: float) -> Markup:
        return group(
            _label(text, x, top + row * _ROW, bold=bold) for row, x, text, bold in self.items
        )


def _label(text: str, x: float, top: float, *, bold: bool) -> Markup:
    """Centred text on a white backing, so lines passing behind it never cross the words."""
    width = text_width(text, _FONT, bold=bold)
    return group(
        [
            element(
                "rect",
                x=x - width / 2 - 2,
                y=top,
                width=width + 4,
                height=_ROW,
                fill=PAPER,
                class_="ipt-label",
            ),
            element(
                "text",
                text,
                x=x,
                y=top + _FONT,
                text_anchor="middle",
                font_weight="bold" if bold else None,
            ),
        ]
    )


def _rows(items: Sequence[tuple[float, str, bool]]) -> _Rows:
    rows = _Rows()
    for x, text, bold in sorted(items, key=lambda item: item[0]):
        rows.add(x, shorten(text, _LABEL_MAX * 1.5, _FONT), bold)
    return rows


def _episode_hatch(pattern_id: str) -> Markup:
    return hatch(pattern_id, angle=45, gap=7, width=1.5)


def _band(episode: Episode, axis: _Axis, top: float, bottom: float, hatch_id: str) -> Markup:
    x0 = axis.x(episode.start)
    x1 = max(axis.x(episode.end or axis.end), x0 + 2)
    return group(
        [
            element("title", _episode_name(episode)),
            element(
                "rect",
                x=x0,
                y=top,
                width=x1 - x0,
                height=bottom - top,
                fill=f"url(#{hatch_id})",
                fill_opacity=0.35,
                stroke="#555",
                stroke_dasharray="4 3",
            ),
        ],
        class_="ipt-episode",
    )


def _mood_lane(moods: Sequence[MoodPoint], axis: _Axis, top: float) -> Markup:
    def y(rating: float) -> float:
        return top + (10 - rating) / 10 * _MOOD_HEIGHT

    parts: list[str] = [
        element("text", "Mood", x=8, y=top + _MOOD_HEIGHT / 2 + 4, font_weight="bold")
    ]
    for rating, words in ((10, "10 best"), (5, "5"), (0, "0 worst")):
        parts.append(
            element(
                "line",
                x1=axis.left,
                y1=y(rating),
                x2=axis.right,
                y2=y(rating),
                stroke="#999",
                stroke_dasharray="2 3",
            )
        )
        parts.append(
            element(
                "text", words, x=axis.left - 4, y=y(rating) + 4, text_anchor="end", font_size=_SMALL
            )
        )
    ordered = sorted(moods, key=lambda p: p.when)
    coords = [(axis.x(p.when), y(p.rating)) for p in ordered]
    if len(coords) > 1:
        parts.append(
            element(
                "polyline",
                points=points(coords),
                fill="none",
                stroke=INK,
                stroke_width=2,
                stroke_linejoin="round",
                class_="ipt-mood-line",
            )
        )
    for p, (cx, cy) in zip(ordered, coords, strict=True):
        parts.append(
            group(
                [
                    element("title", f"{_day(p.when)}: mood {p.rating} out of 10"),
                    element("circle", cx=cx, cy=cy, r=3.5, fill=INK, stroke=PAPER),
                ],
                class_="ipt-mood",
            )
        )
    return group(parts, class_="ipt-mood-lane")


def _axis_lines(axis: _Axis, y: float) -> Markup:
    """Year ticks with the year under each; month names too when a year is wide enough."""
    parts: list[str] = [
        element("line", x1=axis.left, y1=y, x2=axis.right, y2=y, stroke=INK, stroke_width=1.5)
    ]
    years = list(axis.years())
    year_width = (axis.right - axis.left) / len(years)
    every = 1
    while year_width * every < text_width("2000", _FONT, bold=True) + 10:
        every += 1
    named_months = axis.month_names()
    year_y = y + 6 + _FONT + (_ROW if named_months else 0)
    for year in years:
        x = axis.x(date(year, 1, 1))
        parts.append(element("line", x1=x, y1=y - 4, x2=x, y2=year_y - _FONT, stroke=INK))
        for month in range(2, 13) if len(years) <= 3 else ():
            mx = axis.x(date(year, month, 1))
            parts.append(element("line", x1=mx, y1=y, x2=mx, y2=y + 4, stroke="#555"))
        for month in range(1, 13) if named_months else ():
            mid = (axis.x(date(year, month, 1)) + axis.x(date(year, month, 1) + timedelta(28))) / 2
            parts.append(
                element(
                    "text",
                    _MONTHS[month - 1],
                    x=mid,
                    y=y + 4 + _FONT,
                    text_anchor="middle",
                    font_size=_SMALL,
                )
            )
        if (year - years[0]) % every == 0:
            label_x = x + year_width / 2 if every == 1 else x
            parts.append(
                element(
                    "text",
                    str(year),
                    x=label_x,
                    y=year_y,
                    text_anchor="middle",
                    font_weight="bold" if named_months else None,
                )
            )
    end_y = year_y - _FONT
    parts.append(element("line", x1=axis.right, y1=y - 4, x2=axis.right, y2=end_y, stroke=INK))
    return group(parts, class_="ipt-axis")


def _event_lane(
    name: str, marks: Sequence[TimelineMark], axis: _Axis, top: float, *, symptom: bool
) -> tuple[Markup, float]:
    """Markers on a line at ``top`` and their labels in rows below, joined by thin leaders."""
    rows = _Rows()
    line_y = top + 6
    label_top = line_y + 10
    drawn: list[str] = [
        element("text", line, x=8, y=line_y + 4 + i * _ROW, font_weight="bold")
        for i, line in enumerate(name.splitlines())
    ]
    drawn.append(element("line", x1=axis.left, y1=line_y, x2=axis.right, y2=line_y, stroke="#999"))
    events: list[tuple[int, Markup]] = []
    for mark in sorted(marks, key=lambda m: _span(m)[0]):
        start, end = _span(mark)
        x0, x1 = axis.x(start), axis.x(end)
        centre = (x0 + x1) / 2 if mark.precision != "day" else x0
        words = shorten(mark.label, _LABEL_MAX, _FONT)
        row, label_x = rows.add(centre, words, mark.is_onset)
        label_y = label_top + row * _ROW
        parts: list[str] = [
            element("title", _describe(mark, symptom)),
            element(
                "line",
                x1=centre,
                y1=line_y,
                x2=label_x,
                y2=label_y,
                stroke="#777",
                stroke_width=0.75,
            ),
        ]
        if mark.precision == "day":
            parts.append(_point_marker(centre, line_y, symptom))
        else:
            parts.append(
                element(
                    "path",
                    d=f"M{x0:.2f} {line_y - 5:.2f}V{line_y:.2f}H{x1:.2f}V{line_y - 5:.2f}",
                    fill="none",
                    stroke=INK,
                    stroke_width=2,
                    class_="ipt-range",
                )
            )
        parts.append(_label(words, label_x, label_y, bold=mark.is_onset))
        events.append((row, group(parts, class_="ipt-symptom" if symptom else "ipt-event")))
    # Nearer rows are drawn last so their white backing hides the leaders of rows further down.
    drawn.extend(g for _, g in sorted(events, key=lambda e: -e[0]))
    height = 16 + max(len(rows.rows), 1) * _ROW
    return group(drawn, class_="ipt-event-lane"), height


def _point_marker(x: float, y: float, symptom: bool) -> Markup:
    if symptom:
        return element(
            "polygon",
            points=points([(x, y - 6), (x + 5, y + 3), (x - 5, y + 3)]),
            fill=PAPER,
            stroke=INK,
            stroke_width=1.5,
            class_="ipt-marker",
        )
    return element("circle", cx=x, cy=y, r=4, fill=INK, class_="ipt-marker")


def _describe(mark: TimelineMark, symptom: bool = False) -> str:
    """One line about ``mark``, shared by its tooltip and the text alternative."""
    if symptom:
        return f"{_when(mark)}: eating symptoms: {_squash(mark.label)}"
    extra = [mark.kind] if mark.kind.strip() else []
    if mark.people:
        extra.append("with " + ", ".join(mark.people))
    if mark.is_onset:
        extra.append("marked as the start")
    detail = f" ({'; '.join(extra)})" if extra else ""
    return f"{_when(mark)}: {_squash(mark.label)}{detail}"


def _onset_line(when: date, label: str, axis: _Axis, top: float, bottom: float) -> Markup:
    x = axis.x(when)
    return group(
        [
            element("title", f"{label}: {_day(when)}"),
            element(
                "line",
                x1=x,
                y1=top,
                x2=x,
                y2=bottom,
                stroke=INK,
                stroke_width=2.5,
                class_="ipt-onset",
            ),
        ],
        class_="ipt-onset-group",
    )


def _legend(
    hatch_id: str,
    episodes: bool,
    onset: bool,
    moods: Sequence[MoodPoint],
    marks: Sequence[TimelineMark],
    symptoms: bool,
    top: float,
) -> tuple[Markup, float]:
    """A key for the symbols in use, in rows that fit the drawing's width."""
    y0 = top + 10
    entries: list[tuple[list[Markup], str]] = []

    if moods:
        entries.append(
            (
                [
                    element("line", x1=0, y1=0, x2=18, y2=0, stroke=INK, stroke_width=2),
                    element("circle", cx=9, cy=0, r=3.5, fill=INK),
                ],
                "mood rating",
            )
        )
    if any(m.precision == "day" for m in marks):
        entries.append(([element("circle", cx=9, cy=0, r=4, fill=INK)], "event on a known day"))
    if any(m.precision != "day" for m in marks):
        entries.append(
            (
                [element("path", d="M0 -5V0H18V-5", fill="none", stroke=INK, stroke_width=2)],
                "event in a month or year",
            )
        )
    if symptoms:
        entries.append(([_point_marker(9, 0, True)], "eating symptom note"))
    if onset:
        entries.append(
            (
                [element("line", x1=9, y1=-7, x2=9, y2=7, stroke=INK, stroke_width=2.5)],
                "start of this episode",
            )
        )
    if episodes:
        entries.append(
            (
                [
                    element(
                        "rect",
                        x=0,
                        y=-7,
                        width=18,
                        height=14,
                        fill=f"url(#{hatch_id})",
                        fill_opacity=0.35,
                        stroke="#555",
                        stroke_dasharray="4 3",
                    )
                ],
                "earlier episode",
            )
        )
    parts: list[str] = [element("text", "Key:", x=8, y=y0 + 4, font_weight="bold")]
    x, row = float(_LEFT), 0
    for symbol, words in entries:
        needed = 24 + text_width(words, _FONT) + 16
        if x + needed > _WIDTH - _RIGHT:
            x, row = float(_LEFT), row + 1
        y = y0 + row * 20
        parts.append(group(symbol, transform=f"translate({x:.2f} {y:.2f})"))
        parts.append(element("text", words, x=x + 24, y=y + 4))
        x += needed
    return group(parts, class_="ipt-legend"), (row + 1) * 20 + 8
