"""Maintenance IPT: a course that continues an ended course of the same referral (issue 14).

Its own module because it joins two apps' services: the course is booked by
``courses.services`` and the inventory and focus carried forward by ``inventory.services``, which
itself imports ``courses.services``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.endings.models import EndingRecord
from iptclinic.inventory.services import carry_focus_forward, copy_inventory
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.ending import Disposition
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.phases import ContractLengthError, validate_contract_length
from iptclinic.ipt.variants import Variant, variant_config
from iptclinic.reports.services import refresh_outcomes

from . import services
from .models import Course

MAINTENANCE = Variant.IPT_M


def maintenance_problem(course: Course, *, maintenance_agreed: bool | None = None) -> str:
    """Why maintenance IPT cannot start after ``course``, or "" when it can.

    It follows an ended course whose ending record says maintenance was agreed (ipt-method.md
    R21: a new contract), in a referral that is still open and has no other open course
    (decisions.md §7), and continues a course only once. ``maintenance_agreed`` lets a page that
    read the ending records in one query pass the answer in.
    """
    if course.is_open:
        return "The course has not ended yet."
    if maintenance_agreed is None:
        maintenance_agreed = EndingRecord.objects.filter(
            course=course, disposition=Disposition.MAINTENANCE
        ).exists()
    if not maintenance_agreed:
        return "The ending record does not say that maintenance IPT was agreed."
    if not course.referral.is_open:
        return "The referral is closed."
    if Course.objects.filter(continues=course).exists():
        return "Another course already continues this one."
    if course.referral.courses.filter(
        state__in=[CourseState.REFERRED, CourseState.ACTIVE]
    ).exists():
        return "The referral already has an open course."
    return ""


def with_maintenance_agreed(courses: QuerySet[Course]) -> QuerySet[Course]:
    """``courses`` with ``maintenance_agreed``: whether its ending record says maintenance, read in
    the same query as the courses (so a page's query count does not grow)."""
    return courses.annotate(
        maintenance_agreed=Exists(
            EndingRecord.objects.filter(course=OuterRef("pk"), disposition=Disposition.MAINTENANCE)
        )
    )


def maintenance_offers(courses: Iterable[Course]) -> set[int]:
    """Ids of the ended courses whose page offers "Start maintenance IPT".

    ``courses`` are all of one client's courses, from :func:`with_maintenance_agreed` with their
    referral loaded: no further query, however many there are.
    """
    courses = list(courses)
    continued = {c.continues_id for c in courses if c.continues_id}
    busy = {c.referral_id for c in courses if c.is_open}
    return {
        c.pk
        for c in courses
        if not c.is_open
        and getattr(c, "maintenance_agreed", False)
        and c.pk not in continued
        and c.referral_id not in busy
        and c.referral.is_open
    }


@dataclass(frozen=True)
class MaintenanceStart:
    """What the "Start maintenance IPT" form is prefilled with."""

    contracted_sessions: int
    start_date: date
    weekday: int
    session_time: time


def suggested_start(course: Course) -> MaintenanceStart:
    """Monthly from about a month after the last session, on its weekday and at its time."""
    config = variant_config(MAINTENANCE)
    last = course.appointments.filter(status=Attendance.ATTENDED).order_by("-starts_at").first()
    if last is None:
        after = course.ended_on or timezone.localdate()
        at = course.session_time
    else:
        local = timezone.localtime(last.starts_at)
        after, at = local.date(), local.time().replace(second=0, microsecond=0)
    start = max(after + timedelta(weeks=config.weeks_between_sessions), timezone.localdate())
    return MaintenanceStart(
        contracted_sessions=config.default_sessions,
        start_date=start,
        weekday=after.weekday(),
        session_time=at,
    )


@transaction.atomic
def start_maintenance(
    previous: Course,
    *,
    actor: User,
    contracted_sessions: int,
    start_date: date,
    weekday: int,
    session_time: time,
) -> Course:
    """Open maintenance IPT in the same referral after an ended course (issue 14).

    Booked every four weeks from the variant row; the inventory and timeline are copied forward
    (decisions.md §7) and the focus carried forward, to be agreed again or changed at the first
    session (ipt-method.md §1.5, R21). One audit event names the whole change.
    """
    previous = (
        Course.objects.select_for_update().select_related("referral__client").get(pk=previous.pk)
    )
    problem = maintenance_problem(previous)
    if problem:
        raise services.CourseRuleError(f"Maintenance IPT cannot start: {problem}")
    try:
        validate_contract_length(contracted_sessions, MAINTENANCE)
    except ContractLengthError as error:
        raise services.CourseRuleError(str(error)) from None
    if previous.ended_on is not None and start_date <= previous.ended_on:
        raise services.CourseRuleError(
            f"The course it continues ended on {previous.ended_on:%-d %B %Y}. "
            "Start maintenance IPT after that."
        )
    referral = previous.referral
    services.check_referral_takes_a_course(referral, start_date)
    course = services.create_and_book(
        referral,
        actor=actor,
        contracted_sessions=contracted_sessions,
        start_date=start_date,
        weekday=weekday,
        session_time=session_time,
        variant=MAINTENANCE,
        time_zone=previous.time_zone,
        slot_minutes=variant_config(MAINTENANCE).slot_minutes,
        continues=previous,
    )
    relationships = copy_inventory(previous, course)
    focus = carry_focus_forward(previous, course, actor=actor)
    refresh_outcomes([referral.pk])
    audit.record(
        actor=actor,
        action="course.start_maintenance",
        client=referral.client,
        obj=course,
        detail={
            "continues": previous.pk,
            "contracted_sessions": contracted_sessions,
            "relationships": relationships,
            "focus": list(focus.areas) if focus else [],
        },
    )
    return course
