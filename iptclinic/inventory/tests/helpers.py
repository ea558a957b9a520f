"""Shared set-up for the inventory tests: a course at the end of its initial phase, and audits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.courses.models import Appointment, Course
from iptclinic.inventory import services
from iptclinic.inventory.models import Relationship
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.test import attend_next


@contextmanager
def one_audit_event(action: str) -> Iterator[None]:
    """The block writes exactly one audit event, with this action."""
    before = AuditEvent.objects.count()
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    yield
    added = list(AuditEvent.objects.filter(id__gt=latest).values_list("action", flat=True))
    assert AuditEvent.objects.count() - before == 1, added
    assert added == [action]


def day_of(appointment: Appointment) -> date:
    return timezone.localdate(appointment.starts_at)


def initial_phase_done(course: Course, therapist: User) -> list[Appointment]:
    """Sessions 1–3 attended: the end of the initial phase of a leaflet course."""
    return attend_next(course, therapist, 3)


def person(course: Course, therapist: User, **data: Any) -> Relationship:
    return services.add_relationship(
        course,
        actor=therapist,
        data={"label": "Sam", "relationship_type": "partner", **data},
    )


def dispute_case(course: Course, therapist: User) -> Relationship:
    """A partner with unmet expectations and open conflict: a role dispute."""
    return person(
        course,
        therapist,
        label="Sam",
        expectations_met=False,
        conflict="open",
        closeness_now=2,
        closeness_before=1,
        contact_frequency="daily",
    )


def agree(
    course: Course,
    therapist: User,
    on: date,
    goals: dict[ProblemArea, list[str]] | None = None,
    areas: tuple[ProblemArea, ...] = (ProblemArea.ROLE_DISPUTE,),
) -> None:
    """Focus chosen, formulation shared and the treatment agreement recorded on ``on``."""
    if not course.relationships.exists():
        dispute_case(course, therapist)
    services.choose_focus(
        course,
        actor=therapist,
        areas=list(areas),
        reason="The rows with Sam began as the low mood did.",
        dispute_stage=DisputeStage.IMPASSE if ProblemArea.ROLE_DISPUTE in areas else None,
    )
    services.save_formulation(
        course, actor=therapist, text="Our understanding.", expected_version=0
    )
    services.share_formulation(course, actor=therapist, shared_on=on)
    services.record_treatment_agreement(
        course,
        actor=therapist,
        agreed_on=on,
        contracted_sessions=course.contracted_sessions,
        goals=goals or {area: [f"A goal for {area.value}"] for area in areas},
    )


def weeks_ago(n: int) -> date:
    return timezone.localdate() - timedelta(weeks=n)
