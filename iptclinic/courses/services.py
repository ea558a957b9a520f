"""Every change to a course goes through one of these functions, which audits it.

Each function checks the rules that need the database, changes the records, writes the audit
event in the same transaction and returns the changed object (style.md §3). The errors carry a
plain-English message for the person at the screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.clients.models import Referral
from iptclinic.endings.completion import completion_problem
from iptclinic.history.services import bulk_update_kept, save_with_reason
from iptclinic.ipt.attendance import MISSED, Attendance, Attendee, needs_carer
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason, check_transition
from iptclinic.ipt.phases import ContractLengthError, validate_contract_length
from iptclinic.ipt.tasks import raises_the_ending
from iptclinic.ipt.variants import SlotLengthError, Variant, check_slot_minutes, variant_config
from iptclinic.lib.concurrency import EditConflict, save_if_unchanged
from iptclinic.lib.text import TextRefused, clean_text
from iptclinic.measures.models import RiskAlert
from iptclinic.measures.services import MeasureError, raise_risk_check_alert, review_alert
from iptclinic.reports.services import refresh_outcomes

from .models import (
    HELD_CONTRACT_SESSION,
    Addendum,
    Appointment,
    ContractChange,
    Course,
    SessionRecord,
)
from .schedule import week_after, weekly_slots
from .signing import risk_signals, signing_problems


class CourseRuleError(ValueError):
    """A change that the course's rules do not allow; the message says why and what to do."""


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _format_day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y}"


@transaction.atomic
def open_course(
    referral: Referral,
    *,
    actor: User,
    contracted_sessions: int,
    start_date: date,
    weekday: int,
    session_time: time,
    variant: Variant = Variant.LEAFLET,
    time_zone: str = "Europe/London",
    slot_minutes: int | None = None,
    meetings: Sequence[tuple[datetime, int]] | None = None,
) -> Course:
    """Open a course on a referral and book its appointments.

    The slot length (an hour unless the variant or ``slot_minutes`` says otherwise) and the weeks
    between sessions come from the variant row (issue 14). A variant that continues a course
    (maintenance IPT) is opened by ``continuation.start_maintenance`` instead. A group member's
    course (iptclinic/groups) gives its own ``meetings``: when each starts and how many minutes it
    lasts, one per contracted session.
    """
    config = variant_config(variant)
    if meetings is not None and len(meetings) != contracted_sessions:
        raise CourseRuleError("Each contracted session needs one meeting.")
    try:
        validate_contract_length(contracted_sessions, variant)
        if slot_minutes is not None:
            check_slot_minutes(slot_minutes, variant)
    except (ContractLengthError, SlotLengthError) as error:
        raise CourseRuleError(str(error)) from None
    check_referral_takes_a_course(referral, start_date)
    if config.continues_a_course:
        raise CourseRuleError(
            f"{config.name} continues a course that has ended. Start it from that course."
        )
    course = create_and_book(
        referral,
        actor=actor,
        contracted_sessions=contracted_sessions,
        start_date=start_date,
        weekday=weekday,
        session_time=session_time,
        variant=variant,
        time_zone=time_zone,
        slot_minutes=slot_minutes or config.slot_minutes,
        continues=None,
        meetings=meetings,
    )
    audit.record(
        actor=actor,
        action="course.open",
        client=referral.client,
        obj=course,
        detail={
            "contracted_sessions": contracted_sessions,
            "variant": str(variant),
            "slot_minutes": course.slot_minutes,
        },
    )
    return course


def check_referral_takes_a_course(referral: Referral, start_date: date) -> None:
    """A referral holds one open course at a time, and only while it is open (decisions.md §7)."""
    if not referral.is_open:
        raise CourseRuleError(
            "This referral is closed. Add a new referral before opening a course."
        )
    if referral.courses.filter(state__in=[CourseState.REFERRED, CourseState.ACTIVE]).exists():
        raise CourseRuleError(
            "This referral already has an open course. End it before opening another."
        )
    if start_date < referral.received_on:
        raise CourseRuleError("A course cannot start before the referral was received.")


def create_and_book(
    referral: Referral,
    *,
    actor: User,
    contracted_sessions: int,
    start_date: date,
    weekday: int,
    session_time: time,
    variant: Variant,
    time_zone: str,
    slot_minutes: int,
    continues: Course | None,
    meetings: Sequence[tuple[datetime, int]] | None = None,
) -> Course:
    """Create the course and book its appointments, checked by the caller, which also audits it
    (``open_course``, ``continuation.start_maintenance``): one event per change."""
    course = Course.objects.create(
        referral=referral,
        variant=variant,
        contracted_sessions=contracted_sessions,
        start_date=start_date,
        weekday=weekday,
        session_time=session_time,
        time_zone=time_zone,
        slot_minutes=slot_minutes,
        continues=continues,
    )
    if meetings is None:
        meetings = [
            (slot, slot_minutes)
            for slot in weekly_slots(
                start_date,
                weekday,
                session_time,
                contracted_sessions,
                time_zone,
                every_weeks=variant_config(variant).weeks_between_sessions,
            )
        ]
    bulk_create_with_history(
        [
            Appointment(course=course, starts_at=starts_at, duration_minutes=minutes)
            for starts_at, minutes in meetings
        ],
        Appointment,
        default_user=actor,
    )
    refresh_outcomes([referral.pk])
    return course


def _ensure_open(course: Course) -> None:
    if not course.is_open:
        raise CourseRuleError(
            f"This course ended on {course.ended_on:%-d %B %Y}. No more sessions can be recorded on it."
        )


@transaction.atomic
def set_attendance(appointment: Appointment, *, actor: User, status: Attendance) -> Appointment:
    """Record whether an appointment took place. Attending the first session starts the course."""
    course = Course.objects.select_for_update().get(pk=appointment.course_id)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _ensure_open(course)
    today = timezone.localdate()
    if (
        status in (Attendance.ATTENDED, Attendance.DID_NOT_ATTEND)
        and _local_date(appointment.starts_at) > today
    ):
        raise CourseRuleError(
            f"This appointment is on {_format_day(appointment.starts_at)}. "
            "Attendance can be recorded from that day."
        )
    if (
        appointment.status == Attendance.ATTENDED
        and status != Attendance.ATTENDED
        and hasattr(appointment, "record")
    ):
        raise CourseRuleError("This session has a record, so it stays marked as attended.")
    if hasattr(appointment, "replacement") and status != appointment.status:
        raise CourseRuleError(
            "This appointment has been rebooked; change the replacement appointment instead."
        )
    if (
        status == Attendance.ATTENDED
        and appointment.status != Attendance.ATTENDED
        and appointment.counts_toward_contract
    ):
        attended = course.appointments.filter(HELD_CONTRACT_SESSION).count()
        if attended >= course.contracted_sessions:
            raise CourseRuleError(
                f"All {course.contracted_sessions} contracted sessions have taken place. "
                "Renegotiate the contract to add sessions."
            )
    previous = appointment.status
    appointment.status = status
    appointment.status_changed_at = timezone.now()
    appointment.status_changed_by = actor
    appointment.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    if status == Attendance.ATTENDED and course.state == CourseState.REFERRED:
        check_transition(CourseState(course.state), CourseState.ACTIVE)
        course.state = CourseState.ACTIVE
        course.save(update_fields=["state"])
    refresh_outcomes([course.referral_id])
    audit.record(
        actor=actor,
        action="appointment.attendance",
        client=course.referral.client,
        obj=appointment,
        detail={"from": previous, "to": str(status)},
    )
    return appointment


@transaction.atomic
def rebook(
    appointment: Appointment, *, actor: User, starts_at: datetime | None = None
) -> Appointment:
    """Book a replacement for a missed appointment, linked to it so the history is kept.

    Without a time, the replacement goes one interval (a week; four for maintenance IPT) after the
    course's last live appointment,
    which moves the expected end of the course (decisions.md §4).
    """
    course = Course.objects.select_for_update().get(pk=appointment.course_id)
    appointment = Appointment.objects.get(pk=appointment.pk)
    _ensure_open(course)
    if Attendance(appointment.status) not in MISSED:
        raise CourseRuleError("Only a missed or cancelled appointment can be rebooked.")
    if Appointment.objects.filter(replaces=appointment).exists():
        raise CourseRuleError("This appointment has already been rebooked.")
    if starts_at is None:
        last = course.appointments.exclude(status__in=list(MISSED)).order_by("-starts_at").first()
        starts_at = week_after(
            (last or appointment).starts_at,
            course.time_zone,
            weeks=course.variant_config.weeks_between_sessions,
        )
    if starts_at <= appointment.starts_at:
        raise CourseRuleError("The new appointment must be after the one it replaces.")
    # The replacement keeps the length of the session it replaces (issue 14).
    replacement = Appointment.objects.create(
        course=course,
        starts_at=starts_at,
        replaces=appointment,
        duration_minutes=appointment.duration_minutes,
        attendee=appointment.attendee,
        carer=appointment.carer,
    )
    audit.record(
        actor=actor,
        action="appointment.rebook",
        client=course.referral.client,
        obj=replacement,
        detail={"replaces": appointment.pk},
    )
    return replacement


def _carer_for_session(course: Course, attendee: Attendee, carer_id: int | None) -> Any:
    """The carer who joins, checked: theirs, and agreed to by the young person (H-138)."""
    from iptclinic.clients.models import Carer

    if not needs_carer(attendee):
        return None
    client = course.referral.client
    if carer_id is None:
        raise CourseRuleError("Choose the parent or carer who joins this session.")
    carer = Carer.objects.filter(pk=carer_id, client=client).first()
    if carer is None:
        raise CourseRuleError("Choose one of the parents or carers recorded for this client.")
    if not carer.may_involve:
        raise CourseRuleError(
            f"{client.called} has not agreed that {carer.name} joins sessions. Record their "
            "consent on the parents and carers page first."
        )
    return carer


@transaction.atomic
def set_attendee(
    appointment: Appointment, *, actor: User, attendee: Attendee, carer_id: int | None = None
) -> Appointment:
    """Say who a planned appointment is with: the client, the client and a parent or carer, or
    the parent or carer alone. A parent or carer needs the young person's consent to join."""
    course = Course.objects.select_related("referral__client").get(pk=appointment.course_id)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _ensure_open(course)
    if not appointment.is_planned:
        raise CourseRuleError("Who attends can be changed only before the session.")
    carer = _carer_for_session(course, attendee, carer_id)
    previous = appointment.attendee
    appointment.attendee = attendee
    appointment.carer = carer
    save_with_reason(appointment, actor=actor)
    audit.record(
        actor=actor,
        action="appointment.attendee",
        client=course.referral.client,
        obj=appointment,
        detail={"from": previous, "to": str(attendee), "carer": carer.pk if carer else None},
    )
    return appointment


@transaction.atomic
def book_carer_session(
    course: Course, *, actor: User, starts_at: datetime, carer_id: int | None
) -> Appointment:
    """Book an extra session with a parent or carer alone: it uses none of the contract."""
    course = Course.objects.select_related("referral__client").select_for_update().get(pk=course.pk)
    _ensure_open(course)
    if starts_at < timezone.now():
        raise CourseRuleError("A new appointment cannot be in the past.")
    carer = _carer_for_session(course, Attendee.CARER, carer_id)
    appointment = Appointment(
        course=course,
        starts_at=starts_at,
        duration_minutes=course.slot_minutes,
        attendee=Attendee.CARER,
        carer=carer,
    )
    save_with_reason(appointment, actor=actor)
    audit.record(
        actor=actor,
        action="appointment.carer_session",
        client=course.referral.client,
        obj=appointment,
        detail={"carer": carer.pk},
    )
    return appointment


@transaction.atomic
def change_contract(
    course: Course, *, actor: User, contracted_sessions: int, reason: str
) -> Course:
    """Change the number of sessions: freely while provisional, by renegotiation after the agreement."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    _ensure_open(course)
    try:
        validate_contract_length(contracted_sessions, course.variant_enum)
    except ContractLengthError as error:
        raise CourseRuleError(str(error)) from None
    attended = course.appointments.filter(HELD_CONTRACT_SESSION).count()
    if contracted_sessions < attended:
        raise CourseRuleError(
            f"{attended} sessions have already taken place; the contract cannot be shorter."
        )
    renegotiation = not course.contract_is_provisional
    if renegotiation and not reason.strip():
        raise CourseRuleError(
            "The contract was agreed with the client, so a change is a renegotiation: record the reason."
        )
    previous = course.contracted_sessions
    if contracted_sessions == previous:
        return course
    live = list(
        course.appointments.exclude(status__in=list(MISSED))
        .exclude(attendee=Attendee.CARER)
        .order_by("starts_at")
    )
    if contracted_sessions > previous:
        last = (
            course.appointments.order_by("-starts_at").values_list("starts_at", flat=True).first()
        )
        new_slots = []
        for _ in range(contracted_sessions - len(live)):
            last = week_after(
                last or timezone.now(),
                course.time_zone,
                weeks=course.variant_config.weeks_between_sessions,
            )
            new_slots.append(
                Appointment(course=course, starts_at=last, duration_minutes=course.slot_minutes)
            )
        bulk_create_with_history(new_slots, Appointment, default_user=actor)
    else:
        planned = [a for a in live if a.status == Attendance.PLANNED]
        surplus = len(live) - contracted_sessions
        for extra in planned[-surplus:] if surplus > 0 else []:
            extra.delete()
    course.contracted_sessions = contracted_sessions
    course.save(update_fields=["contracted_sessions"])
    change = ContractChange.objects.create(
        course=course,
        from_sessions=previous,
        to_sessions=contracted_sessions,
        renegotiation=renegotiation,
        reason=reason.strip(),
        changed_by=actor,
    )
    audit.record(
        actor=actor,
        action="course.renegotiate" if renegotiation else "course.change_contract",
        client=course.referral.client,
        obj=change,
        detail={"from": previous, "to": contracted_sessions},
    )
    return course


@transaction.atomic
def agree_contract(
    course: Course, *, actor: User, agreed_on: date, detail: dict[str, Any] | None = None
) -> Course:
    """Record the treatment agreement: from now on the contract changes only by renegotiation.

    ``detail`` lets a caller that records more of the agreement (the focus and goals, in
    ``inventory.services``) put it in this same, single audit event.
    """
    _ensure_open(course)
    if agreed_on > timezone.localdate():
        raise CourseRuleError("The agreement date cannot be in the future.")
    if agreed_on < course.start_date:
        raise CourseRuleError("The agreement date cannot be before the course started.")
    course.contract_agreed_on = agreed_on
    course.save(update_fields=["contract_agreed_on"])
    audit.record(
        actor=actor,
        action="course.agree_contract",
        client=course.referral.client,
        obj=course,
        detail=detail,
    )
    return course


RECORD_FIELDS = [
    "agenda",
    "notes",
    "tasks_done",
    "suicidal_thoughts",
    "suicidal_plans",
    "suicidal_intent",
    "self_harm",
    "harm_to_others",
    "safeguarding_concern",
    "risk_level",
    "risk_action",
    "risk_reconciliation",
]


@transaction.atomic
def save_session_record(
    appointment: Appointment, *, actor: User, data: dict[str, Any], expected_version: int | None
) -> SessionRecord:
    """Create or update the record of an attended session; refuse a stale or signed copy.

    A draft may say anything, a risk check that contradicts the session's questionnaires
    included: only signing asks for that to be reconciled (``signing.py``).
    """
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"Not fields of the session record: {', '.join(sorted(unknown))}")
    appointment = Appointment.objects.select_related("course__referral__client").get(
        pk=appointment.pk
    )
    if appointment.status != Attendance.ATTENDED:
        raise CourseRuleError("Mark the appointment as attended before writing its session record.")
    record = SessionRecord.objects.filter(appointment=appointment).first()
    client = appointment.course.referral.client
    was_positive = record is not None and record.risk_positive  # measures: risk alert (issue 4)
    if record is None:
        if expected_version not in (None, 0):
            raise CourseRuleError("This session record no longer exists. Reload the page.")
        try:
            with transaction.atomic():
                record = SessionRecord(appointment=appointment, created_by=actor, **data)
                save_with_reason(record, actor=actor, force_insert=True)
        except IntegrityError:
            # Two people started the first record of this session at once; the later one loses.
            raise EditConflict("session record") from None
        action = "session_record.create"
    else:
        if record.is_signed:
            raise CourseRuleError(
                "This record is signed and cannot be changed. Add an addendum instead."
            )
        for name, value in data.items():
            setattr(record, name, value)
        # auto_now only fires on save(); the conditional UPDATE must set the time itself.
        record.updated_at = timezone.now()
        save_if_unchanged(
            record, expected_version, [*data, "updated_at"], "session record", actor=actor
        )
        action = "session_record.update"
    # The ending counts as raised from the first record that ticks the reminder or any ending
    # task: in the ending phase the reminder is no longer offered (decisions.md §2, R10).
    if raises_the_ending(data.get("tasks_done") or ()):
        course = appointment.course
        if course.ending_raised_on is None:
            course.ending_raised_on = _local_date(appointment.starts_at)
            course.save(update_fields=["ending_raised_on"])
    # measures (issue 4): a risk check turning positive raises the same alert as PHQ-9 item 9
    # (decisions.md §17); this event names it.
    alert = (
        raise_risk_check_alert(record, actor=actor)
        if record.risk_positive and not was_positive
        else None
    )
    audit.record(
        actor=actor,
        action=action,
        client=client,
        obj=record,
        detail={"fields": sorted(data), **({"risk_alert": alert.pk} if alert else {})},
    )
    return record


@transaction.atomic
def sign_session_record(
    record: SessionRecord, *, actor: User, expected_version: int | None
) -> SessionRecord:
    """Sign the version the signer read: complete, and reconciled with what else is known of risk."""
    record = SessionRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_signed:
        raise CourseRuleError("This record is already signed.")
    if expected_version is not None and record.version != expected_version:
        raise CourseRuleError(
            "Someone else changed this record after you opened it. Read the latest version before signing."
        )
    problems = signing_problems(record, risk_signals(record.appointment))
    if problems:
        raise CourseRuleError(" ".join(problems))
    record.signed_at = timezone.now()
    record.signed_by = actor
    record.version += 1
    record.save(update_fields=["signed_at", "signed_by", "version"])
    audit.record(
        actor=actor,
        action="session_record.sign",
        client=record.appointment.course.referral.client,
        obj=record,
    )
    return record


@transaction.atomic
def add_addendum(record: SessionRecord, *, actor: User, text: str) -> Addendum:
    if not record.is_signed:
        raise CourseRuleError(
            "Edit the record itself: addenda are for records that are already signed."
        )
    # The addendum comes straight from the request, not through a form, so it is checked here.
    try:
        text = clean_text(text)
    except TextRefused as refused:
        raise CourseRuleError(str(refused)) from None
    if not text.strip():
        raise CourseRuleError("Write the correction or addition before saving the addendum.")
    addendum = Addendum.objects.create(record=record, text=text.strip(), author=actor)
    audit.record(
        actor=actor,
        action="session_record.addendum",
        client=record.appointment.course.referral.client,
        obj=addendum,
    )
    return addendum


def _review_open_alerts(
    course: Course, actor: User, reviews: Mapping[int, tuple[str, str]]
) -> None:
    client = course.referral.client
    for alert in RiskAlert.objects.open().filter(client=client).order_by("raised_at", "id"):
        assessment, action = reviews.get(alert.pk, ("", ""))
        if not (assessment.strip() and action.strip()):
            raise CourseRuleError(
                f"{client.called} has a risk alert raised "
                f"{timezone.localtime(alert.raised_at):%-d %B at %H:%M} that nobody has reviewed. "
                "Record what was assessed and the action taken for it before the course ends."
            )
        try:
            review_alert(alert, actor=actor, assessment=assessment, action=action)
        except MeasureError as error:
            raise CourseRuleError(str(error)) from None


@transaction.atomic
def end_course(
    course: Course,
    *,
    actor: User,
    target: CourseState,
    ended_on: date,
    reason: EarlyEndReason | None = None,
    note: str = "",
    alert_reviews: Mapping[int, tuple[str, str]] | None = None,
) -> Course:
    """End a course as completed, or early with a reason. Future appointments are cancelled.

    An open risk alert of the client must be reviewed in the same step (``alert_reviews`` maps
    each alert's id to what was assessed and the action taken): a course never ends with a risk
    nobody has looked at (issue 8).
    """
    course = Course.objects.select_for_update().get(pk=course.pk)
    try:
        check_transition(CourseState(course.state), target)
    except ValueError as error:
        raise CourseRuleError(str(error)) from None
    if ended_on > timezone.localdate():
        raise CourseRuleError("The end date cannot be in the future.")
    if ended_on < course.start_date:
        raise CourseRuleError("The end date cannot be before the course started.")
    attended = course.appointments.filter(HELD_CONTRACT_SESSION)
    last_attended = (
        course.appointments.filter(status=Attendance.ATTENDED).order_by("-starts_at").first()
    )
    if last_attended and ended_on < _local_date(last_attended.starts_at):
        raise CourseRuleError("The end date cannot be before the last attended session.")
    if target == CourseState.COMPLETED and attended.count() < course.contracted_sessions:
        raise CourseRuleError(
            f"Only {attended.count()} of {course.contracted_sessions} sessions have taken place. "
            "End the course early with a reason, or renegotiate the contract first."
        )
    if target == CourseState.COMPLETED:
        # ipt-method.md R19, R20: a course closes as completed only with its ending record.
        problem = completion_problem(course)
        if problem:
            raise CourseRuleError(problem)
    if target == CourseState.ENDED_EARLY:
        if reason is None:
            raise CourseRuleError("Choose why the course ended early.")
        if reason == EarlyEndReason.OTHER and not note.strip():
            raise CourseRuleError("Say why the course ended early.")
    # An appointment that has started by the end must have its attendance recorded: cancelling it
    # here would record a cancellation nobody made. One still ahead (later today included) is
    # cancelled by the service, so the answer does not depend on the hour the course is ended.
    now = timezone.now()
    unrecorded = [
        a.starts_at
        for a in course.appointments.filter(status=Attendance.PLANNED, starts_at__lte=now).order_by(
            "starts_at"
        )
        if _local_date(a.starts_at) <= ended_on
    ]
    if unrecorded:
        days = ", ".join(f"{timezone.localtime(moment):%-d %b}" for moment in unrecorded)
        raise CourseRuleError(
            f"Record the attendance of the appointments up to the end date first ({days})."
        )
    _review_open_alerts(course, actor, alert_reviews or {})
    cancelled = list(course.appointments.filter(status=Attendance.PLANNED))
    for appointment in cancelled:
        appointment.status = Attendance.CANCELLED_BY_SERVICE
        appointment.status_changed_at = now
        appointment.status_changed_by = actor
    bulk_update_kept(
        cancelled, Appointment, ["status", "status_changed_at", "status_changed_by"], actor=actor
    )
    course.state = target
    course.ended_on = ended_on
    course.early_end_reason = reason or ""
    course.end_note = note.strip()
    course.save(update_fields=["state", "ended_on", "early_end_reason", "end_note"])
    refresh_outcomes([course.referral_id])
    audit.record(
        actor=actor,
        action="course.end",
        client=course.referral.client,
        obj=course,
        detail={"state": str(target), "reason": str(reason or "")},
    )
    return course
