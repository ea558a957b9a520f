"""Writing the ending record. One function, audited in the same transaction (style.md §3)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.courses.models import Course
from iptclinic.courses.services import CourseRuleError
from iptclinic.ipt.ending import EndingKind
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.lib.concurrency import EditConflict, save_if_unchanged

from .models import EndingRecord

RECORD_FIELDS = [
    "kind",
    "feelings_about_ending",
    "past_losses",
    "progress_review",
    "what_helped",
    "warning_signs",
    "relapse_plan",
    "share_plan",
    "share_with_name",
    "share_with_relationship",
    "share_consent_on",
    "future_goals",
    "gp_consent",
    "disposition",
    "alternative_plan",
    "early_summary",
]


def _check_course_allows(course: Course, kind: EndingKind) -> None:
    state = CourseState(course.state)
    if state is CourseState.COMPLETED:
        raise CourseRuleError(
            f"This course was completed on {course.ended_on:%-d %B %Y}; its ending record is "
            "closed with it and can no longer be changed."
        )
    if state is CourseState.ENDED_EARLY and kind is EndingKind.FULL:
        raise CourseRuleError(
            "This course ended early, so it has the shorter record of an early ending."
        )


@transaction.atomic
def save_ending_record(
    course: Course,
    *,
    actor: User,
    data: dict[str, Any],
    expected_version: int | None,
    reason: str | None = None,
) -> EndingRecord:
    """Create or update the ending record of ``course``; a record may be saved unfinished.

    A full ending is written while the course is open and closes with it (ipt-method.md §1.4);
    the shorter record of an early ending can also be written after the course ended early.
    A stale copy is refused (``EditConflict``), never merged.
    """
    course = Course.objects.select_for_update().select_related("referral__client").get(pk=course.pk)
    kind = EndingKind(data.get("kind", EndingKind.FULL))
    _check_course_allows(course, kind)
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"Not fields of the ending record: {', '.join(sorted(unknown))}")
    now = timezone.now()
    record = EndingRecord.objects.filter(course=course).first()
    if record is None:
        if expected_version not in (None, 0):
            raise CourseRuleError("This ending record no longer exists. Reload the page.")
        try:
            with transaction.atomic():
                record = EndingRecord.objects.create(
                    course=course, created_by=actor, updated_by=actor, updated_at=now, **data
                )
        except IntegrityError:
            # Two people started the record at once; the later one is told, with their typing kept.
            raise EditConflict("ending record") from None
        action = "ending_record.create"
    else:
        for name, value in data.items():
            setattr(record, name, value)
        record.updated_by = actor
        record.updated_at = now
        save_if_unchanged(
            record,
            expected_version,
            [*data, "updated_by", "updated_at"],
            "ending record",
            actor=actor,
            reason=reason,
        )
        action = "ending_record.update"
    audit.record(
        actor=actor,
        action=action,
        client=course.referral.client,
        obj=record,
        detail={"fields": sorted(data), "complete": record.is_complete},
    )
    return record
