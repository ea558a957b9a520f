"""The eating log as an SVG line chart: binge episodes and purging episodes by session.

Drawn by ``lib/session_chart.py``, as the adherence chart is: binges are the solid line with
round markers, purging (vomiting, laxatives and water tablets together) the dashed line with
square ones. The table beside the chart has every figure, weight included; weight is not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from iptclinic.lib.session_chart import Axis, Line, session_chart_svg

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


def eating_chart_svg(*, points: Sequence[EatingPoint], svg_id: str) -> str:
    """Draw the chart; it works for no points, one point and many."""
    top = _top(points)
    return session_chart_svg(
        svg_id=svg_id,
        title=_TITLE,
        description=_summary(points),
        session_labels=[str(p.session) for p in points],
        axis=Axis(ticks=range(0, top + 1, top // 5)),
        solid=Line(
            legend="Binge episodes",
            values=[p.binges for p in points],
            titles=[f"Session {p.session}: {p.binges} binges" for p in points],
        ),
        dashed=Line(
            legend="Purging episodes",
            values=[p.purging for p in points],
            titles=[f"Session {p.session}: {p.purging} purging" for p in points],
        ),
        empty_text="Nothing recorded yet.",
    )


def _summary(points: Sequence[EatingPoint]) -> str:
    if not points:
        return "Nothing has been recorded in the eating log yet."
    parts = [f"session {p.session}: {p.binges} binges, {p.purging} purging" for p in points]
    return "Episodes since the session before. " + "; ".join(parts) + "."
