"""Adherence over a course as an SVG line chart: the therapist's ratings and the supervisor's.

Drawn by ``lib/session_chart.py``, as the eating log chart is: the therapist's line is solid with
round markers, the supervisor's dashed with square ones, and a legend says so. The table beside
the chart has every figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from iptclinic.lib.session_chart import Axis, Line, session_chart_svg
from iptclinic.lib.svg import shorten

_SMALL = 11
_TITLE = "Adherence over the course"


@dataclass(frozen=True)
class AdherencePoint:
    """One session: its label, the therapist's score and the supervisor's (percent, or None)."""

    label: str
    own: int | None
    supervisor: int | None


def adherence_chart_svg(*, points: Sequence[AdherencePoint], svg_id: str) -> str:
    """Draw the chart; it works for no points, one point and many."""
    for point in points:
        for value in (point.own, point.supervisor):
            if value is not None and not 0 <= value <= 100:
                raise ValueError(f"A score of {value}% for {point.label!r} is not 0 to 100.")
    return session_chart_svg(
        svg_id=svg_id,
        title=_TITLE,
        description=_summary(points),
        session_labels=[shorten(p.label.replace("Session ", ""), 40, _SMALL) for p in points],
        axis=Axis(ticks=(0, 25, 50, 75, 100), tick_text=lambda tick: f"{tick}%"),
        solid=Line(
            legend="Therapist's own rating",
            values=[p.own for p in points],
            titles=[f"{p.label}: therapist {p.own}%" for p in points],
        ),
        dashed=Line(
            legend="Supervisor's rating",
            values=[p.supervisor for p in points],
            titles=[f"{p.label}: supervisor {p.supervisor}%" for p in points],
        ),
        empty_text="No ratings yet.",
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
