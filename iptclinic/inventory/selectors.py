"""Read-side queries about focus and goals for pages and reports that cover many courses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from iptclinic.courses.models import Appointment, Course, CourseTimeline
from iptclinic.ipt.phases import Phase
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.strategies import TECHNIQUES, TECHNIQUES_BY_CODE, strategies_for

from .cases import area_name
from .forms import FocusWorkForm
from .models import (
    FocusDecision,
    Formulation,
    Goal,
    GoalRating,
    LifeEvent,
    MiddlePhaseOverride,
    Relationship,
    SessionFocusWork,
    TreatmentAgreement,
)


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


@dataclass(frozen=True)
class GoalProgress:
    """A current goal with its ratings in session order (0 = not started, 10 = reached)."""

    goal: Goal
    ratings: list[tuple[int, int]]  # (session number, rating)

    @property
    def latest(self) -> int | None:
        return self.ratings[-1][1] if self.ratings else None


def goals_with_progress(course: Course, timeline: CourseTimeline) -> list[GoalProgress]:
    """The current goals of a course and every rating given, in two queries.

    ``timeline`` (already built by the page) numbers the sessions the ratings were given in.
    """
    return _progress(_current_goals([course.pk]), timeline)


def _current_goals(course_ids: list[int]) -> list[Goal]:
    return list(
        Goal.objects.filter(course_id__in=course_ids, retired_at__isnull=True).prefetch_related(
            "ratings"
        )
    )


def _progress(goals: Iterable[Goal], timeline: CourseTimeline) -> list[GoalProgress]:
    numbers = {r.appointment.pk: r.number for r in timeline.rows}
    return [
        GoalProgress(
            goal=goal,
            ratings=sorted(
                (numbers.get(r.appointment_id) or 0, r.rating) for r in goal.ratings.all()
            ),
        )
        for goal in goals
    ]


def focus_work_context(
    appointment: Appointment, *, phase: Phase | None, editable: bool, data: Any = None
) -> dict[str, Any] | None:
    """What the session record shows for middle-phase work, or None outside the middle phase.

    The strategies of the chosen areas and of the dispute's stage (ipt-method.md §3.1–3.4), the
    techniques to tick (§4) and a progress rating for each current goal. The form is part of the
    session record's own form (its fields prefixed "focus-"), saved by the same button.
    """
    if phase is not Phase.MIDDLE:
        return None
    course = appointment.course
    focus = FocusDecision.objects.filter(course=course, superseded_at__isnull=True).first()
    stage = DisputeStage(focus.dispute_stage) if focus and focus.dispute_stage else None
    guides = strategies_for(focus.problem_areas, stage, course.variant_enum) if focus else ()
    recommended = {code for guide in guides for code in guide.techniques}
    work = SessionFocusWork.objects.filter(appointment=appointment).first()
    goals = list(Goal.objects.filter(course=course, retired_at__isnull=True))
    given = {r.goal_id: r.rating for r in GoalRating.objects.filter(appointment=appointment)}
    form = FocusWorkForm(
        data,
        prefix="focus",
        techniques=technique_choices(recommended),
        goals=goals,
        initial={
            "version": work.version if work else 0,
            "techniques": work.techniques if work else [],
            **{f"goal_{goal_id}": rating for goal_id, rating in given.items()},
        },
    )
    return {
        "appointment": appointment,
        "course": course,
        "focus": focus,
        "guides": [(area_name(g.area, course.variant_enum), g) for g in guides],
        "form": form,
        "work": work,
        "used": [TECHNIQUES_BY_CODE[c].name for c in (work.techniques if work else [])],
        "ratings": [(goal, given.get(goal.pk)) for goal in goals],
        "editable": editable,
    }


def technique_choices(recommended: set[str]) -> list[tuple[str, str]]:
    """Every technique of §4, the ones the chosen areas' strategies name first."""
    ordered = sorted(TECHNIQUES, key=lambda t: t.code not in recommended)
    return [
        (t.code, f"{t.name} (suggested for this focus)" if t.code in recommended else t.name)
        for t in ordered
    ]


def initial_phase_summaries(
    courses: list[tuple[Course, CourseTimeline]],
) -> dict[int, dict[str, Any]]:
    """What a client's page shows about each course's inventory, focus, agreement and goals, by
    course id: seven queries for the page, however many courses the client has had."""
    ids = [course.pk for course, _ in courses]

    def counts(model: type[Relationship] | type[LifeEvent]) -> dict[int, int]:
        rows = model.objects.filter(course_id__in=ids).order_by().values("course_id")
        return dict(rows.annotate(n=Count("id")).values_list("course_id", "n"))

    def by_course(rows: Iterable[Any]) -> dict[int, Any]:
        found: dict[int, Any] = {}
        for row in rows:  # in the model's order: the first row of a course is the one shown
            found.setdefault(row.course_id, row)
        return found

    people, events = counts(Relationship), counts(LifeEvent)
    focus = by_course(FocusDecision.objects.filter(course_id__in=ids, superseded_at__isnull=True))
    formulations = by_course(Formulation.objects.filter(course_id__in=ids))
    agreements = by_course(TreatmentAgreement.objects.filter(course_id__in=ids))
    overrides = by_course(MiddlePhaseOverride.objects.filter(course_id__in=ids))
    goals: dict[int, list[Goal]] = {course_id: [] for course_id in ids}
    for goal in _current_goals(ids):
        goals[goal.course_id].append(goal)
    return {
        course.pk: {
            "course": course,
            "people": people.get(course.pk, 0),
            "events": events.get(course.pk, 0),
            "focus": focus.get(course.pk),
            "formulation": formulations.get(course.pk),
            "agreement": agreements.get(course.pk),
            "override": overrides.get(course.pk),
            "goals": _progress(goals[course.pk], timeline),
        }
        for course, timeline in courses
    }
