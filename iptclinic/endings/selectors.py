"""The progress review of a course, assembled from its records, and whether it may be closed.

ipt-method.md §1.4 (FIRM): the final sessions review progress on symptoms and on the focus. The
review is built from what the course already holds: first and last questionnaire scores of the
referral (decisions.md §15) with their charts, the goals and their ratings, and the focus areas.
Nothing here is stored, so the review always matches the records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from iptclinic.courses.models import Course
from iptclinic.inventory.cases import area_name
from iptclinic.inventory.selectors import focus_areas_by_course, goals_with_progress
from iptclinic.ipt.attendance import MISSED, Attendance
from iptclinic.ipt.instruments import INSTRUMENTS, Instrument
from iptclinic.ipt.outcomes import ScorePair, first_and_last
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.measures.models import QuestionnaireResponse
from iptclinic.measures.selectors import (
    InstrumentSeries,
    ReferralResult,
    ScoreRow,
    referral_results,
)


@dataclass(frozen=True)
class ScoreSummary:
    """One questionnaire over the referral: its first and last usable totals and the chart."""

    series: InstrumentSeries
    pair: ScorePair

    @property
    def instrument(self) -> Instrument:
        return self.series.instrument

    def band(self, total: int | None) -> str:
        return self.instrument.band_for(total).label if total is not None else ""

    @property
    def first_band(self) -> str:
        return self.band(self.pair.first)

    @property
    def last_band(self) -> str:
        return self.band(self.pair.last)

    @property
    def reliable_change(self) -> str:
        """'reliable improvement', 'reliable deterioration' or 'no reliable change' (measures §3);
        '' without two scores or without a reliable-change value for the questionnaire."""
        threshold = self.instrument.reliable_change
        if not self.pair.paired or threshold is None:
            return ""
        assert self.pair.first is not None and self.pair.last is not None
        change = self.pair.last - self.pair.first
        if abs(change) < threshold:
            return "no reliable change"
        return "reliable improvement" if change < 0 else "reliable deterioration"


@dataclass(frozen=True)
class GoalSummary:
    text: str
    area: str
    first: int | None
    latest: int | None


@dataclass(frozen=True)
class ProgressReview:
    course: Course
    contracted: int
    attended: int
    missed: int
    first_session: date | None
    last_session: date | None
    focus: list[tuple[ProblemArea, str]]
    scores: list[ScoreSummary]
    goals: list[GoalSummary]
    outcome: ReferralResult

    @property
    def has_scores(self) -> bool:
        return any(s.pair.first is not None for s in self.scores)


def progress_review(course: Course) -> ProgressReview:
    """Everything the ending review shows, in a fixed number of queries."""
    course = Course.objects.select_related("referral__client").get(pk=course.pk)
    referral = course.referral
    timeline = course.timeline()
    attended = [row for row in timeline.rows if row.number]
    siblings = list(Course.objects.filter(referral=referral).prefetch_related("appointments"))
    numbers = {
        row.appointment.pk: row.number
        for sibling in siblings
        for row in sibling.timeline().rows
        if row.number
    }
    outcome = referral_results([referral])[0]
    responses = QuestionnaireResponse.objects.filter(referral=referral).order_by(
        "completed_on", "recorded_at", "id"
    )
    by_code: dict[str, list[ScoreRow]] = defaultdict(list)
    for response in responses:
        session = numbers.get(response.appointment_id) if response.appointment_id else None
        by_code[response.instrument].append(ScoreRow(response, session))
    scores = [
        ScoreSummary(
            series=InstrumentSeries(form, by_code[code]),
            pair=first_and_last(
                [(row.response.completed_on, row.response.total) for row in by_code[code]],
                outcome.ended_on,
            ),
        )
        for code, form in INSTRUMENTS.items()
        if by_code[code]
    ]
    goals = [
        GoalSummary(
            text=progress.goal.text,
            area=area_name(progress.goal.area, course.variant_enum),
            first=progress.ratings[0][1] if progress.ratings else None,
            latest=progress.latest,
        )
        for progress in goals_with_progress(course, timeline)
    ]
    focus = [
        (area, area_name(area, course.variant_enum))
        for area in focus_areas_by_course([course.pk])[course.pk]
    ]
    return ProgressReview(
        course=course,
        contracted=course.contracted_sessions,
        attended=len(attended),
        missed=sum(1 for row in timeline.rows if Attendance(row.appointment.status) in MISSED),
        first_session=timezone.localdate(attended[0].appointment.starts_at) if attended else None,
        last_session=timezone.localdate(attended[-1].appointment.starts_at) if attended else None,
        focus=focus,
        scores=scores,
        goals=goals,
        outcome=outcome,
    )
