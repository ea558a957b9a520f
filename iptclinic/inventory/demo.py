"""Invented initial-phase work for the demo data: an inventory, a timeline, a focus and an agreement.

Called by ``load_demo`` for demo courses whose treatment agreement was reached in session 3, so
that their middle phase starts as it would in practice. Everything goes through the services, so
the demo is audited like real use. All people and events are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from iptclinic.accounts.models import User
from iptclinic.courses.models import Course
from iptclinic.ipt.case import ApproxDate, DatePrecision
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea

from . import services
from .drafting import draft_for_course


@dataclass(frozen=True)
class _Story:
    people: tuple[dict[str, object], ...]
    events: tuple[
        tuple[int, str, str, int, tuple[int, ...]], ...
    ]  # weeks before onset, kind, text, mood, people
    area: ProblemArea
    stage: DisputeStage | None
    reason: str
    goals: tuple[str, ...]


_STORIES = (
    _Story(
        people=(
            {
                "label": "Sam",
                "relationship_type": "partner",
                "closeness_now": 2,
                "closeness_before": 1,
                "contact_frequency": "daily",
                "can_confide": False,
                "expectations_met": False,
                "conflict": "covert",
                "talking_stopped": True,
                "importance": 5,
            },
            {
                "label": "Mum",
                "relationship_type": "parent",
                "closeness_now": 1,
                "contact_frequency": "weekly",
                "can_confide": True,
                "expectations_met": True,
                "conflict": "none",
            },
            {
                "label": "Jo",
                "relationship_type": "friend",
                "closeness_now": 3,
                "closeness_before": 2,
                "contact_frequency": "monthly",
                "can_confide": True,
            },
            {
                "label": "Book group",
                "relationship_type": "group_or_community",
                "closeness_now": 4,
                "closeness_before": 3,
            },
        ),
        events=(
            (5, "conflict", "Stopped talking to Sam about money", 3, (0,)),
            (60, "new_job", "Started at the garden centre", 7, ()),
        ),
        area=ProblemArea.ROLE_DISPUTE,
        stage=DisputeStage.IMPASSE,
        reason="The silences with Sam began a few weeks before the low mood, and matter most to her.",
        goals=("Raise the money worries with Sam", "Say what she needs without a row"),
    ),
    _Story(
        people=(
            {
                "label": "Alex",
                "relationship_type": "partner",
                "closeness_now": 1,
                "contact_frequency": "daily",
                "can_confide": True,
                "expectations_met": True,
                "conflict": "none",
            },
            {
                "label": "Former team",
                "relationship_type": "group_or_community",
                "closeness_now": 4,
                "closeness_before": 2,
            },
            {
                "label": "Dee",
                "relationship_type": "sibling",
                "closeness_now": 2,
                "contact_frequency": "weekly",
            },
        ),
        events=(
            (3, "job_loss", "Made redundant from the warehouse", 3, (1,)),
            (1, "financial_change", "Moved to a smaller flat", 2, (0,)),
        ),
        area=ProblemArea.ROLE_TRANSITION,
        stage=None,
        reason="The low mood followed the redundancy; he misses the team and the routine.",
        goals=("Find a new weekly routine with other people", "Talk about what the job meant"),
    ),
    _Story(
        people=(
            {
                "label": "Gran",
                "relationship_type": "other_family",
                "status": "deceased",
                "closeness_now": 1,
                "closeness_before": 1,
                "mourning_avoided": True,
                "avoids_talking_about_death": True,
                "importance": 5,
            },
            {
                "label": "Dad",
                "relationship_type": "parent",
                "closeness_now": 2,
                "contact_frequency": "weekly",
            },
            {
                "label": "Chris",
                "relationship_type": "friend",
                "closeness_now": 3,
                "closeness_before": 2,
                "contact_frequency": "rarely",
            },
        ),
        events=((4, "death", "Gran died after a fall", 2, (0,)),),
        area=ProblemArea.GRIEF,
        stage=None,
        reason="Gran died a month before the low mood began, and the grieving has not been able to happen.",
        goals=("Talk about Gran and the time before she died", "See Chris again"),
    ),
)


def add_demo_initial_phase(course: Course, *, therapist: User, agreed_on: date) -> None:
    """Inventory, timeline, focus, shared formulation and agreement, the agreement on ``agreed_on``."""
    story = _STORIES[course.pk % len(_STORIES)]
    onset = course.start_date - timedelta(weeks=8)
    people = [
        services.add_relationship(
            course,
            actor=therapist,
            data={
                **person,
                "died_on": onset - timedelta(weeks=4)
                if person.get("status") == "deceased"
                else None,
                "died_precision": "month",
            },
        )
        for person in story.people
    ]
    for weeks, kind, text, mood, involved in story.events:
        services.add_event(
            course,
            actor=therapist,
            data={
                "happened_on": onset - timedelta(weeks=weeks),
                "precision": "month",
                "kind": kind,
                "description": text,
                "mood_rating": mood,
            },
            people=[people[i] for i in involved],
        )
    services.save_episode_facts(
        course,
        actor=therapist,
        onset=ApproxDate(onset, DatePrecision.MONTH),
        chronic_course=False,
        patterns="Keeps the peace rather than say what she needs.",
        expected_version=0,
    )
    focus = services.choose_focus(
        course, actor=therapist, areas=[story.area], reason=story.reason, dispute_stage=story.stage
    )
    services.save_formulation(
        course, actor=therapist, text=draft_for_course(course, focus), expected_version=0
    )
    services.share_formulation(course, actor=therapist, shared_on=agreed_on)
    services.record_treatment_agreement(
        course,
        actor=therapist,
        agreed_on=agreed_on,
        contracted_sessions=course.contracted_sessions,
        goals={story.area: list(story.goals)},
    )
