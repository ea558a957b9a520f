"""Read-side queries about focus and goals for pages and reports that cover many courses."""

from __future__ import annotations

from collections.abc import Iterable

from iptclinic.ipt.problem_areas import ProblemArea

from .models import FocusDecision


def focus_areas_by_course(course_ids: Iterable[int]) -> dict[int, list[ProblemArea]]:
    """The focus currently chosen for each course, in one query.

    Every id asked for is a key; a course with no focus chosen yet maps to an empty list. A focus
    chosen in the initial phase and not yet agreed counts: the caller decides whether agreement
    matters (``TreatmentAgreement``).
    """
    ids = list(course_ids)
    found: dict[int, list[ProblemArea]] = {course_id: [] for course_id in ids}
    rows = FocusDecision.objects.filter(course_id__in=ids, superseded_at__isnull=True).values_list(
        "course_id", "areas"
    )
    for course_id, areas in rows:
        found[course_id] = [ProblemArea(area) for area in areas]
    return found
