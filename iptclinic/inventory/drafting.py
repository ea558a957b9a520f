"""The first draft of a course's formulation, from its chosen focus and its key events and people.

The words come from the pure core (``ipt.formulation.draft_formulation``); this module only
decides which events and people are "key": the people the suggester cites as evidence for the
chosen areas or the therapist tagged with them, and the events cited or involving those people.
"""

from __future__ import annotations

from django.utils import timezone

from iptclinic.clients.models import PresentingProblem
from iptclinic.courses.models import Course
from iptclinic.ipt.focus import SourceKind, suggest
from iptclinic.ipt.formulation import draft_formulation

from .cases import build_case, load_rows
from .models import FocusDecision


def _illness(course: Course) -> str:
    referral = course.referral
    if referral.presenting_problem == PresentingProblem.OTHER:
        return referral.presenting_problem_other or "low mood"
    return PresentingProblem(referral.presenting_problem).label.lower()


def draft_for_course(course: Course, focus: FocusDecision | None) -> str:
    """The draft text, or an empty string when no focus has been chosen yet."""
    if focus is None:
        return ""
    rows = load_rows(course.pk, course.variant_enum)
    case = build_case(rows, timezone.localdate())
    chosen = focus.problem_areas
    cited = [a for a in suggest(case).areas if a.area in chosen]
    event_ids = {e.source_id for a in cited for e in a.evidence if e.source is SourceKind.EVENT}
    person_ids = {p for a in cited for p in a.people}
    person_ids |= {
        r.person_id for r in case.relationships if any(t.area in chosen for t in r.areas)
    }
    end = Course.objects.prefetch_related("appointments").get(pk=course.pk).timeline().expected_end
    return draft_formulation(
        preferred_name=course.referral.client.called,
        areas=chosen,
        key_events=[
            e for e in case.events if e.event_id in event_ids or person_ids.intersection(e.people)
        ],
        key_people=[r.label for r in case.relationships if r.person_id in person_ids],
        contracted_sessions=course.contracted_sessions,
        end_date_text=f"{end:%-d %B %Y}" if end else "the date we agree",
        presenting_problem=_illness(course),
        variant=course.variant_enum,
    )
