"""The closeness circle: the interpersonal inventory drawn as rings around the service user.

Source: ipt-method.md §2.2. The person is in the centre and each important person sits on a ring
by felt closeness, ring 1 being the closest (CONVENTION, [S11]); rings are ordinals 1..k with k
usually 3-4, the same person may be drawn "before it started" beside "now", and deceased people
and groups can be placed (PRODUCT). The drawing is a conversation aid, so it must print in black
and white: shapes and words carry every meaning, never colour alone.

Plain Python (no Django): called from views and from letters.
"""

from __future__ import annotations

import itertools
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
    shorten,
    text_width,
)

MAX_RINGS = 8
NOW = "Now"
BEFORE = "Before it started"

_FONT = 14
_TAG_FONT = 12
_MARK = 7  # marker radius
_DROP = _MARK + 6  # from a marker's centre to the top of its label, clear of the dashed ring
_LABEL_MAX = 124  # widest label before it is shortened with an ellipsis
_GAP = 8
_MIN_BAND = 54  # a marker plus two lines of label fit between two rings
_CENTRE_MAX = 80
_PANEL_GAP = 36
_TRIES = 24  # rotations tried per ring when spreading labels
_MAX_RADIUS = 2000  # beyond this a ring is drawn crowded rather than bigger still


@dataclass(frozen=True)
class CirclePerson:
    """One relationship as placed on the circle (see ipt-method.md §2.4 ``RelationshipEntry``)."""

    label: str
    ring_now: int | None
    ring_before: int | None
    area_labels: tuple[str, ...] = ()
    deceased: bool = False
    is_group: bool = False


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: _Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def grow(self, by: float) -> _Box:
        return _Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)


@dataclass(frozen=True)
class _Placed:
    person: CirclePerson
    ring: int
    x: float
    y: float
    name: str
    tags: str
    box: _Box


def closeness_circle_svg(
    people: Sequence[CirclePerson],
    *,
    centre_label: str = "You",
    rings: int = 4,
    svg_id: str = "circle",
    stacked: bool = False,
) -> str:
    """Draw the circle as inline SVG; two circles when any "before" ring is known.

    The two circles sit side by side, or one above the other when ``stacked`` (for a portrait
    letter, where side by side would make the words too small to read).
    """
    _check(people, rings)
    with_before = any(p.ring_before is not None for p in people)
    views: list[tuple[str | None, dict[int, list[CirclePerson]]]] = []
    if with_before:
        views.append((BEFORE, _by_ring(people, before=True)))
    views.append((NOW if with_before else None, _by_ring(people, before=False)))
    centre = shorten(centre_label, _CENTRE_MAX, _FONT) or "You"
    centre_r = max(22.0, text_width(centre, _FONT, bold=True) / 2 + 6)
    radii, spreads = _layout([placed for _, placed in views], centre_r, rings)

    panels = []
    for (title, _), spread in zip(views, spreads, strict=True):
        missing = [p for p in people if (p.ring_before if title == BEFORE else p.ring_now) is None]
        panels.append(_panel(title, spread, missing, centre, centre_r, radii))
    if stacked:
        total_width = max(max(w for _, w, _ in panels) + 20, 300.0)
        height = sum(h for _, _, h in panels) + _PANEL_GAP * (len(panels) - 1)
        offsets = [
            ((total_width - w) / 2, 10 + sum(h + _PANEL_GAP for _, _, h in panels[:i]))
            for i, (_, w, _) in enumerate(panels)
        ]
    else:
        total_width = max(sum(w for _, w, _ in panels) + _PANEL_GAP * (len(panels) - 1) + 20, 300.0)
        height = max(h for _, _, h in panels)
        offsets = [
            (10 + sum(w + _PANEL_GAP for _, w, _ in panels[:i]), 10.0) for i in range(len(panels))
        ]
    body: list[str] = [
        group([panel], transform=f"translate({x:.2f} {y:.2f})", class_="ipt-panel")
        for (panel, _, _), (x, y) in zip(panels, offsets, strict=True)
    ]
    legend, legend_height = _legend(people, total_width, 10 + height + 8)
    body.append(legend)
    return drawing(
        svg_id=svg_id,
        width=total_width,
        height=10 + height + 8 + legend_height + 6,
        title="Closeness circle" + (": before it started and now" if with_before else ""),
        desc=" ".join(closeness_circle_text(people, rings=rings).splitlines()),
        body=body,
        kind="circle",
        font_size=_FONT,
    )


def closeness_circle_text(people: Sequence[CirclePerson], *, rings: int = 4) -> str:
    """The text alternative: ring by ring now, then before it started, then who moved."""
    _check(people, rings)
    lines = [f"Closeness circle: {rings} rings; ring 1 is the closest."]
    with_before = any(p.ring_before is not None for p in people)
    sections = [(NOW, False), (BEFORE, True)] if with_before else [(NOW, False)]
    for title, before in sections:
        if with_before:
            lines.append(f"{title}:")
        placed = _by_ring(people, before=before)
        for ring in range(1, rings + 1):
            names = "; ".join(_describe(p) for p in placed.get(ring, []))
            lines.append(f"Ring {ring}: {names or 'nobody'}.")
        missing = [p for p in people if (p.ring_before if before else p.ring_now) is None]
        if missing:
            lines.append("Not placed: " + "; ".join(_describe(p) for p in missing) + ".")
    if not people:
        lines.append("Nobody has been placed on the circle yet.")
    changes = [_change(p) for p in people if p.ring_now is not None and p.ring_before is not None]
    if changes:
        lines.append("Since it started: " + "; ".join(changes) + ".")
    return "\n".join(lines)


def _check(people: Sequence[CirclePerson], rings: int) -> None:
    if not 1 <= rings <= MAX_RINGS:
        raise ValueError(f"The circle needs between 1 and {MAX_RINGS} rings, not {rings}.")
    for person in people:
        if not person.label.strip():
            raise ValueError("Every person on the closeness circle needs a name or label.")
        for when, ring in (("now", person.ring_now), ("before it started", person.ring_before)):
            if ring is not None and not 1 <= ring <= rings:
                raise ValueError(
                    f"{person.label!r} is on ring {ring} {when}, "
                    f"but the circle has rings 1 to {rings}."
                )


def _by_ring(people: Sequence[CirclePerson], *, before: bool) -> dict[int, list[CirclePerson]]:
    rings: dict[int, list[CirclePerson]] = {}
    for person in people:
        ring = person.ring_before if before else person.ring_now
        if ring is not None:
            rings.setdefault(ring, []).append(person)
    return rings


def _describe(person: CirclePerson) -> str:
    notes = []
    if person.is_group:
        notes.append("a group")
    if person.deceased:
        notes.append("died")
    if person.area_labels:
        notes.append("linked to " + ", ".join(person.area_labels))
    label = " ".join(person.label.split())
    return f"{label} ({'; '.join(notes)})" if notes else label


def _change(person: CirclePerson) -> str:
    assert person.ring_now is not None and person.ring_before is not None
    label = " ".join(person.label.split())
    if person.ring_now == person.ring_before:
        return f"{label} stayed on ring {person.ring_now}"
    way = "closer" if person.ring_now < person.ring_before else "further away"
    return f"{label} moved {way} (ring {person.ring_before} to ring {person.ring_now})"


def _layout(
    views: Sequence[dict[int, list[CirclePerson]]], centre_r: float, rings: int
) -> tuple[list[float], list[list[_Placed]]]:
    """Ring radii shared by every circle (so before and now compare), and each person's place.

    Working outwards, a ring starts one band outside the ring within it (so a closer ring is
    always nearer the centre) and grows until, turned the right way, its labels touch neither
    one another nor anything inside it. Crowded rings make a bigger drawing, never a muddle.
    """
    radii: list[float] = []
    taken = [[_Box(-centre_r, -centre_r, centre_r, centre_r)] for _ in views]
    placed: list[list[_Placed]] = [[] for _ in views]
    radius = centre_r + _MIN_BAND / 2
    for ring in range(1, rings + 1):
        radius = max([radius] + [_least_radius(v.get(ring, [])) for v in views])
        while True:
            best = [
                _turn(v.get(ring, []), ring, radius, t) for v, t in zip(views, taken, strict=True)
            ]
            if all(clash == 0 for clash, _ in best) or radius > _MAX_RADIUS:
                break
            radius += 6
        for i, (_, people) in enumerate(best):
            taken[i].extend(p.box for p in people)
            placed[i].extend(people)
        radii.append(radius)
        radius += _MIN_BAND
    return radii, placed


def _least_radius(members: Sequence[CirclePerson]) -> float:
    """Below this radius neighbours are closer than the widest label, so none can fit."""
    if len(members) < 2:
        return 0.0
    widest = max(text_width(name, _FONT) for name, _ in map(_label_lines, members))
    return (widest + _GAP) / (2 * math.sin(math.pi / len(members)))


def _turn(
    members: Sequence[CirclePerson], ring: int, radius: float, taken: Sequence[_Box]
) -> tuple[float, list[_Placed]]:
    """Spread ``members`` evenly on the ring, turned to clash least with what is placed."""
    if not members:
        return 0.0, []
    step = 2 * math.pi / len(members)
    best: list[_Placed] = []
    best_clash = math.inf
    for attempt in range(_TRIES):
        start = -math.pi / 2 + step * attempt / _TRIES
        trial = [_place(m, ring, start + i * step, radius) for i, m in enumerate(members)]
        boxes = [t.box.grow(_GAP / 2) for t in trial]
        clash = sum(a.overlap(b) for a in boxes for b in taken) + sum(
            a.overlap(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]
        )
        if clash < best_clash:
            best, best_clash = trial, clash
        if clash == 0:
            break
    return best_clash, best


def _label_lines(person: CirclePerson) -> tuple[str, str]:
    died = " (died)" if person.deceased else ""
    name = shorten(person.label, _LABEL_MAX - text_width(died, _FONT), _FONT) + died
    tags = shorten(", ".join(person.area_labels), _LABEL_MAX, _TAG_FONT)
    return name, tags


def _place(member: CirclePerson, ring: int, angle: float, radius: float) -> _Placed:
    x, y = radius * math.cos(angle), radius * math.sin(angle)
    name, tags = _label_lines(member)
    width = max(text_width(name, _FONT), text_width(tags, _TAG_FONT), 2 * _MARK)
    bottom = y + _DROP + _FONT + (_TAG_FONT + 3 if tags else 0)
    box = _Box(x - width / 2, y - _DROP, x + width / 2, bottom)
    return _Placed(member, ring, x, y, name, tags, box)


def _marker(person: CirclePerson, x: float, y: float) -> list[Markup]:
    fill = PAPER if person.deceased else INK
    if person.is_group:
        shape = element(
            "rect",
            x=x - _MARK,
            y=y - _MARK,
            width=2 * _MARK,
            height=2 * _MARK,
            fill=fill,
            stroke=INK,
            stroke_width=1.5,
            class_="ipt-marker",
        )
    else:
        shape = element(
            "circle",
            cx=x,
            cy=y,
            r=_MARK,
            fill=fill,
            stroke=INK,
            stroke_width=1.5,
            class_="ipt-marker",
        )
    parts = [shape]
    if person.deceased:
        d = _MARK * 0.7
        for dy in (d, -d):
            parts.append(
                element(
                    "line", x1=x - d, y1=y - dy, x2=x + d, y2=y + dy, stroke=INK, stroke_width=1.5
                )
            )
    if person.area_labels:
        parts.append(
            element(
                "circle",
                cx=x,
                cy=y,
                r=_MARK + 4,
                fill="none",
                stroke=INK,
                stroke_width=1,
                stroke_dasharray="3 2",
                class_="ipt-tag-ring",
            )
        )
    return parts


def _person(p: _Placed, view: str | None) -> Markup:
    where = f"ring {p.ring}" + (f", {view.lower()}" if view else "")
    title = f"{_describe(p.person)}: {where}"
    baseline = p.y + _DROP + _FONT * 0.8
    label_width = p.box.x1 - p.box.x0
    parts = [
        element("title", title),
        element(
            "rect",
            x=p.box.x0 - 1,
            y=p.y + _DROP - 1,
            width=label_width + 2,
            height=p.box.y1 - (p.y + _DROP - 1),
            fill=PAPER,
            rx=2,
            class_="ipt-label",
        ),
        *_marker(p.person, p.x, p.y),
        element("text", p.name, x=p.x, y=baseline, text_anchor="middle", font_size=_FONT),
    ]
    if p.tags:
        parts.append(
            element(
                "text",
                p.tags,
                x=p.x,
                y=baseline + _TAG_FONT + 3,
                text_anchor="middle",
                font_size=_TAG_FONT,
                font_style="italic",
            )
        )
    return group(parts, class_="ipt-person")


def _panel(
    title: str | None,
    spread: Sequence[_Placed],
    missing: Sequence[CirclePerson],
    centre: str,
    centre_r: float,
    radii: Sequence[float],
) -> tuple[Markup, float, float]:
    """One circle, drawn around (0, 0) and then shifted so its top-left corner is (0, 0)."""
    edges = [(a + b) / 2 for a, b in itertools.pairwise(radii)] + [radii[-1] + _MIN_BAND / 2]
    outer = edges[-1]
    x0 = min([-outer] + [p.box.x0 for p in spread]) - 4
    x1 = max([outer] + [p.box.x1 for p in spread]) + 4
    y1 = max([outer] + [p.box.y1 for p in spread]) + 4
    y0 = -outer - 4 - (_FONT + 10 if title else 0)
    parts: list[str] = []
    if title:
        parts.append(
            element("text", title, x=0, y=y0 + _FONT + 2, text_anchor="middle", font_weight="bold")
        )
    for edge in reversed(edges):
        parts.append(
            element(
                "circle",
                cx=0,
                cy=0,
                r=edge,
                fill="none",
                stroke="#666",
                stroke_width=1,
                class_="ipt-ring",
            )
        )
    parts.append(element("circle", cx=0, cy=0, r=centre_r, fill=PAPER, stroke=INK, stroke_width=2))
    parts.append(
        element("text", centre, x=0, y=_FONT * 0.35, text_anchor="middle", font_weight="bold")
    )
    parts.extend(_person(p, title) for p in spread)
    width = x1 - x0
    notes = _wrap(_missing_note(missing, bool(spread)), width)
    if notes:
        lines = [
            element("text", line, x=x0, y=y1 + (i + 1) * (_FONT + 4), font_size=_FONT)
            for i, line in enumerate(notes)
        ]
        full = "; ".join(_describe(p) for p in missing)
        parts.append(group([element("title", f"Not placed: {full}"), *lines] if missing else lines))
    height = y1 - y0 + len(notes) * (_FONT + 4) + 4
    inner = group(parts, transform=f"translate({-x0:.2f} {-y0:.2f})")
    return inner, width, height


def _missing_note(missing: Sequence[CirclePerson], anyone_placed: bool) -> str:
    if not anyone_placed and not missing:
        return "Nobody placed yet."
    if not missing:
        return ""
    names = ", ".join(" ".join(p.label.split()) for p in missing)
    return ("Nobody placed yet. " if not anyone_placed else "") + f"Not placed: {names}."


def _wrap(text: str, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        word = shorten(word, width, _FONT)
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, _FONT) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _legend(people: Sequence[CirclePerson], width: float, top: float) -> tuple[Markup, float]:
    """A key for the shapes in use, laid out in rows that fit the drawing's width."""
    entries = []
    if not people or not all(p.is_group for p in people):
        entries.append((CirclePerson("", 1, None), "a person"))
    if any(p.is_group for p in people):
        entries.append((CirclePerson("", 1, None, is_group=True), "a group"))
    if any(p.deceased for p in people):
        entries.append((CirclePerson("", 1, None, deceased=True), "died"))
    if any(p.area_labels for p in people):
        entries.append(
            (CirclePerson("", 1, None, area_labels=("-",)), "linked to a problem area (in italics)")
        )
    x, row = 10.0, 0
    cells: list[str] = []
    intro = "Key: inner rings are closer."
    cells.append(element("text", intro, x=x, y=top + 14, font_size=_FONT))
    x += text_width(intro, _FONT) + 14
    for sample, words in entries:
        needed = 2 * _MARK + 14 + text_width(words, _FONT) + 18
        if x + needed > width - 4:
            row += 1
            x = 10.0
        y = top + 10 + row * 22
        cells.extend(_marker(sample, x + _MARK + 4, y))
        cells.append(element("text", words, x=x + 2 * _MARK + 14, y=y + 4, font_size=_FONT))
        x += needed
    return group(cells, class_="ipt-legend"), (row + 1) * 22 + 4
