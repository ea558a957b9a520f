"""Every change to questionnaires, risk alerts and the team's measure settings, audited.

Each public function checks the rules that need the database, makes the change, writes exactly
one audit event in the same transaction and returns the changed object (style.md §3). Raising a
risk alert is part of the change that caused it, so it is named in that change's audit event
rather than audited on its own.

Risk rules (measures-and-standards.md §1.1, CONVENTION; decisions.md §17, §18, PRODUCT):

* a PHQ-9 risk item answered above 0, or left unanswered, raises an alert; prorating never hides
  it (the core reads the risk item from the answer itself);
* editing a questionnaire never closes an alert; an edit that changes the risk answer to a risky
  one raises a new alert;
* a structured risk check that turns positive in a session record raises the same alert;
* only a recorded review closes an alert; one not reviewed by the end of the working day it was
  raised on escalates to the supervisor and the duty clinician (an alert raised after the end of
  the working day escalates at once).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.attention.services import close_for_cause
from iptclinic.audit import services as audit
from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Appointment, SessionRecord
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.instruments import Instrument, instrument
from iptclinic.ipt.measure_schedule import Frequency
from iptclinic.ipt.safety_net import SafetyNetSettings, alert_key
from iptclinic.ipt.scoring import Answer, Score, score
from iptclinic.lib.concurrency import EditConflict, save_if_unchanged
from iptclinic.reports.services import refresh_outcomes

from .duty import can_be_on_duty
from .models import (
    AlertSource,
    DutyShift,
    PortalScores,
    QuestionnaireDraft,
    QuestionnaireResponse,
    QuestionnaireRevision,
    ResponseSource,
    RiskAlert,
    answer_text,
    answers_from_json,
    answers_to_json,
)

__all__ = [
    "EditConflict",
    "MeasureError",
    "edit_questionnaire",
    "escalation_time",
    "raise_risk_check_alert",
    "record_questionnaire",
    "save_draft_answer",
    "send_draft",
    "set_portal_scores",
    "start_draft",
    "review_alert",
    "add_duty_shift",
    "remove_duty_shift",
    "update_team_settings",
]


class MeasureError(ValueError):
    """A change the rules do not allow; the message says why and what to do."""


def escalation_time(raised_at: datetime, team: Team) -> datetime:
    """When an unreviewed alert is shown to the supervisor and duty clinician (decisions §18).

    The end of the working day it was raised on; an alert raised after that time, at a weekend
    or on a bank holiday escalates at once, because nobody on that day's rota will see it.
    """
    return team.working_week().end_of_this_working_day(raised_at)


def _score(team: Team, form: Instrument, answers: Mapping[int, Answer]) -> Score:
    # The team setting switches on prorating where the rule is unverified (GAD-7, decisions §14);
    # where it is verified (PHQ-9, WSAS) the instrument's own rule applies either way.
    try:
        return score(form, answers, allow_prorating=True if team.gad7_prorating else None)
    except ValueError as error:
        raise MeasureError(str(error)) from None


def _apply_score(response: QuestionnaireResponse, result: Score) -> None:
    response.total = result.total
    response.prorated = result.prorated
    response.severity = result.band.label if result.band else ""
    response.at_caseness = result.at_caseness
    response.no_total_reason = result.no_total_reason or ""
    response.risk = str(result.risk) if result.risk else ""


def _risk_summary(response: QuestionnaireResponse | QuestionnaireDraft) -> str:
    form = response.instrument_data
    assert form.risk_item is not None
    item = form.item(form.risk_item)
    if response.answer_values.get(item.number) is None:
        return (
            f"{form.short_name} item {item.number} (\u201c{item.text}\u201d) was left unanswered: "
            "the risk it asks about is not known."
        )
    wording = answer_text(form, item.number, response.answer_values)
    return f"{form.short_name} item {item.number} (\u201c{item.text}\u201d) answered \u201c{wording}\u201d."


def _raise(
    *,
    client: Client,
    actor: User,
    source: AlertSource,
    summary: str,
    questionnaire: QuestionnaireResponse | None = None,
    session_record: SessionRecord | None = None,
    draft: QuestionnaireDraft | None = None,
) -> RiskAlert:
    now = timezone.now()
    return RiskAlert.objects.create(
        client=client,
        source=source,
        summary=summary,
        questionnaire=questionnaire,
        session_record=session_record,
        draft=draft,
        raised_by=actor,
        raised_at=now,
        escalate_at=escalation_time(now, client.team),
    )


def _revision(response: QuestionnaireResponse, actor: User, reason: str) -> None:
    QuestionnaireRevision.objects.create(
        response=response,
        version=response.version,
        answers=response.answers,
        total=response.total,
        prorated=response.prorated,
        risk=response.risk,
        reason=reason,
        changed_by=actor,
    )


def _check_date(completed_on: date, referral: Referral) -> None:
    """Data-quality rules of measures-and-standards.md §6: not in the future, within the referral."""
    if completed_on > timezone.localdate():
        raise MeasureError("The date the questionnaire was completed cannot be in the future.")
    if completed_on < referral.received_on:
        raise MeasureError(
            f"The referral was received on {referral.received_on:%-d %B %Y}; a questionnaire for "
            "it cannot be dated earlier."
        )
    if referral.closed_on and completed_on > referral.closed_on:
        raise MeasureError(
            f"The referral closed on {referral.closed_on:%-d %B %Y}; a questionnaire for it cannot "
            "be dated later."
        )


@transaction.atomic
def record_questionnaire(
    client: Client,
    *,
    actor: User,
    instrument_code: str,
    answers: Mapping[int, Answer],
    appointment: Appointment | None = None,
    referral: Referral | None = None,
    completed_on: date | None = None,
    draft: QuestionnaireDraft | None = None,
) -> QuestionnaireResponse:
    """Record a questionnaire completed in a session (``appointment``) or outside one.

    In a session the date and referral come from the appointment, which must have been attended;
    outside a session both must be given. The core scores the answers; a risk answer raises an
    alert, named in this change's audit event.

    From the portal (``draft``, by :func:`send_draft`) the questionnaire belongs to the planned
    session it was answered before, is dated the day it is sent and marked as answered in the
    portal. Alerts already raised while the draft was answered are linked to it; a risk answer
    that has not yet raised one raises one now, so nothing the person answered is dropped.
    """
    try:
        form = instrument(instrument_code)
    except ValueError as error:
        raise MeasureError(str(error)) from None
    if appointment is not None:
        appointment = Appointment.objects.select_related("course__referral").get(pk=appointment.pk)
        referral = appointment.course.referral
        if referral.client_id != client.pk:
            raise MeasureError("This session belongs to someone else.")
        if draft is not None:
            if appointment.status != Attendance.PLANNED or appointment.starts_at <= timezone.now():
                raise MeasureError(
                    "This session has started or changed, so its questionnaire can no longer be "
                    "sent from here."
                )
            completed_on = timezone.localdate()
        elif appointment.status != Attendance.ATTENDED:
            raise MeasureError(
                "Mark the appointment as attended before recording its questionnaires."
            )
        else:
            completed_on = timezone.localdate(appointment.starts_at)
    if referral is None or completed_on is None:
        raise MeasureError("Choose the referral and the date the questionnaire was completed.")
    if referral.client_id != client.pk:
        raise MeasureError("That referral belongs to someone else.")
    _check_date(completed_on, referral)
    result = _score(client.team, form, answers)
    response = QuestionnaireResponse(
        client=client,
        referral=referral,
        appointment=appointment,
        instrument=form.code,
        completed_on=completed_on,
        answers=answers_to_json(answers),
        source=ResponseSource.PORTAL if draft is not None else ResponseSource.CLINIC,
        recorded_by=actor,
    )
    _apply_score(response, result)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise MeasureError(
            f"A {form.short_name} is already recorded for this session. Edit that one instead."
        ) from None
    _revision(response, actor, reason="")
    alert = None
    linked: list[int] = []
    if draft is not None:
        for raised in draft.alerts.all():
            raised.questionnaire = response
            raised.save(update_fields=["questionnaire"])  # each save is kept in its history
            linked.append(raised.pk)
    if response.risk and not (
        draft is not None and linked and draft.alerted_answer == _risk_key(form, answers)
    ):
        alert = _raise(
            client=client,
            actor=actor,
            source=AlertSource.QUESTIONNAIRE,
            summary=_risk_summary(response),
            questionnaire=response,
        )
    refresh_outcomes([referral.pk])
    audit.record(
        actor=actor,
        action="questionnaire.create",
        client=client,
        obj=response,
        detail={
            "instrument": form.code,
            **({"appointment": appointment.pk} if appointment else {}),
            **({"risk_alert": alert.pk} if alert else {}),
            **({"source": ResponseSource.PORTAL.value, "draft": draft.pk} if draft else {}),
            **({"linked_alerts": linked} if linked else {}),
        },
    )
    return response


# --- Questionnaires answered in the portal before a session (issue 11 item 3) -----------------


def _risk_key(form: Instrument, answers: Mapping[int, Answer]) -> str:
    """The risk answer as kept in ``QuestionnaireDraft.alerted_answer``: "-" for unanswered,
    the value when above 0, "" when it raises nothing (or the form has no risk item)."""
    if form.risk_item is None:
        return ""
    value = answers.get(form.risk_item)
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) and value > 0 else ""


@transaction.atomic
def start_draft(
    client: Client, *, actor: User, appointment: Appointment, instrument_code: str
) -> QuestionnaireDraft:
    """The person's draft of one questionnaire before one planned session: found or begun.

    The caller has checked that the questionnaire is due (``ipt.portal_questionnaires``); this
    checks what the database must: the session is the client's, planned and not yet started.
    """
    try:
        form = instrument(instrument_code)
    except ValueError as error:
        raise MeasureError(str(error)) from None
    if appointment.course.referral.client_id != client.pk:
        raise MeasureError("This session belongs to someone else.")
    if appointment.status != Attendance.PLANNED or appointment.starts_at <= timezone.now():
        raise MeasureError("This session has started or changed: its questionnaires are closed.")
    draft, created = QuestionnaireDraft.objects.get_or_create(
        appointment=appointment, instrument=form.code, defaults={"client": client}
    )
    if created:
        audit.record(
            actor=actor,
            action="questionnaire_draft.start",
            client=client,
            obj=draft,
            detail={"instrument": form.code, "appointment": appointment.pk},
        )
    return draft


@transaction.atomic
def save_draft_answer(
    draft: QuestionnaireDraft, *, actor: User, number: int, value: Answer
) -> tuple[QuestionnaireDraft, RiskAlert | None]:
    """Keep one answer (``None``: seen and left blank) and raise a risk alert at once if it is a
    risk answer not already alerted from this draft (H-089, H-090).

    The alert is the clinic's own (``_raise``: owner, escalation and messages follow from it);
    changing a risk answer to another risk answer raises a new one, as an edit in clinic does.
    """
    draft = QuestionnaireDraft.objects.select_for_update().select_related("client").get(pk=draft.pk)
    if draft.is_sent:
        raise MeasureError("This questionnaire has been sent already.")
    form = draft.instrument_data
    try:
        form.item(number)
        _check_value(form, number, value)
    except ValueError as error:
        raise MeasureError(str(error)) from None
    answers = {**draft.answer_values, number: value}
    draft.answers = answers_to_json(answers)
    alert = None
    key = _risk_key(form, answers) if number == form.risk_item else ""
    if key and key != draft.alerted_answer:
        draft.alerted_answer = key
        alert = _raise(
            client=draft.client,
            actor=actor,
            source=AlertSource.QUESTIONNAIRE,
            summary=f"{_risk_summary(draft)} (answered in the portal before a session, not yet "
            "sent)",
            draft=draft,
        )
    draft.save(update_fields=["answers", "alerted_answer", "updated_at"])
    audit.record(
        actor=actor,
        action="questionnaire_draft.answer",
        client=draft.client,
        obj=draft,
        detail={"item": number, **({"risk_alert": alert.pk} if alert else {})},
    )
    return draft, alert


def _check_value(form: Instrument, number: int, value: Answer) -> None:
    """The core's own check of one answer (it raises ValueError naming the item)."""
    score(form, {number: value}, allow_prorating=False)


@transaction.atomic
def send_draft(draft: QuestionnaireDraft, *, actor: User) -> QuestionnaireResponse:
    """Send a portal questionnaire: it becomes its session's questionnaire, scored and alerted
    exactly as one entered in clinic (``record_questionnaire``)."""
    draft = (
        QuestionnaireDraft.objects.select_for_update()
        .select_related("client__team", "appointment")
        .get(pk=draft.pk)
    )
    if draft.is_sent:
        raise MeasureError("This questionnaire has been sent already.")
    form = draft.instrument_data
    answers = {item.number: draft.answer_values.get(item.number) for item in form.items}
    response = record_questionnaire(
        draft.client,
        actor=actor,
        instrument_code=form.code,
        answers=answers,
        appointment=draft.appointment,
        draft=draft,
    )
    draft.response = response
    draft.save(update_fields=["response", "updated_at"])
    return response


@transaction.atomic
def set_portal_scores(client: Client, *, actor: User, shown: bool) -> PortalScores:
    """The therapist's switch: whether the client sees their own scores in the portal."""
    setting, _ = PortalScores.objects.update_or_create(
        client=client, defaults={"shown": shown, "changed_by": actor}
    )
    audit.record(
        actor=actor, action="portal_scores.set", client=client, obj=setting, detail={"shown": shown}
    )
    return setting


@transaction.atomic
def edit_questionnaire(
    response: QuestionnaireResponse,
    *,
    actor: User,
    answers: Mapping[int, Answer],
    reason: str,
    expected_version: int | None,
) -> QuestionnaireResponse:
    """Change the answers of a questionnaire, keeping every earlier version; the score is redone.

    No alert is ever closed here. If the risk answer changes to a risky one (above 0 or
    unanswered, and different from before), a new alert is raised.
    """
    if not reason.strip():
        raise MeasureError("Say why the answers are being changed.")
    response = QuestionnaireResponse.objects.select_related("client__team").get(pk=response.pk)
    form = response.instrument_data
    before = response.answer_values
    result = _score(response.client.team, form, answers)
    response.answers = answers_to_json(answers)
    _apply_score(response, result)
    fields = [
        "answers",
        "total",
        "prorated",
        "severity",
        "at_caseness",
        "no_total_reason",
        "risk",
        "updated_at",
    ]
    save_if_unchanged(
        response,
        response.version if expected_version is None else expected_version,
        fields,
        "questionnaire",
    )
    _revision(response, actor, reason=reason.strip())
    refresh_outcomes([response.referral_id])
    alert = None
    if form.risk_item is not None and response.risk:
        after = answers_from_json(response.answers)
        if after.get(form.risk_item) != before.get(form.risk_item):
            alert = _raise(
                client=response.client,
                actor=actor,
                source=AlertSource.QUESTIONNAIRE,
                summary=f"{_risk_summary(response)} (changed when the answers were edited)",
                questionnaire=response,
            )
    audit.record(
        actor=actor,
        action="questionnaire.update",
        client=response.client,
        obj=response,
        detail={
            "instrument": form.code,
            "version": response.version,
            **({"risk_alert": alert.pk} if alert else {}),
        },
    )
    return response


def raise_risk_check_alert(record: SessionRecord, *, actor: User) -> RiskAlert:
    """Raise the alert for a session risk check that has turned positive (decisions.md §17).

    Called inside ``courses.services.save_session_record``, whose audit event names the alert.
    """
    client = record.appointment.course.referral.client
    found = [label for name, label, answer in record.risk_answers if answer == "yes"]
    level = record.get_risk_level_display() if record.risk_level else ""
    summary = "Session risk check: " + "; ".join(
        [*found, *([f"overall level {level.lower()}"] if level else [])]
    )
    return _raise(
        client=client,
        actor=actor,
        source=AlertSource.RISK_CHECK,
        summary=summary[:400],
        session_record=record,
    )


@transaction.atomic
def review_alert(alert: RiskAlert, *, actor: User, assessment: str, action: str) -> RiskAlert:
    """Record the clinician's review, which closes the alert: what was assessed and what was done."""
    alert = RiskAlert.objects.select_for_update().select_related("client").get(pk=alert.pk)
    if not alert.is_open:
        raise MeasureError(
            f"This alert was already reviewed by {alert.reviewed_by.display_name} at "
            f"{timezone.localtime(alert.reviewed_at):%H:%M on %-d %B %Y}."
        )
    missing = [
        words
        for words, text in (("what you assessed", assessment), ("the action taken", action))
        if not text.strip()
    ]
    if missing:
        raise MeasureError(f"Record {' and '.join(missing)} before closing the alert.")
    alert.assessment = assessment.strip()
    alert.action = action.strip()
    alert.reviewed_by = actor
    alert.reviewed_at = timezone.now()
    alert.save(update_fields=["assessment", "action", "reviewed_by", "reviewed_at"])
    # The safety net (issue 8): the review is the recorded action that ends every item about it.
    closed = close_for_cause(
        alert_key(alert.pk),
        actor=actor,
        resolution=f"The alert was reviewed by {actor.display_name}.",
    )
    audit.record(
        actor=actor,
        action="risk_alert.review",
        client=alert.client,
        obj=alert,
        detail={"escalated": alert.escalate_at <= alert.reviewed_at, "items_closed": closed},
    )
    return alert


@transaction.atomic
def update_team_settings(
    team: Team,
    *,
    actor: User,
    duty_clinician: User | None,
    working_day_ends: time,
    gad7_prorating: bool,
    schedule: Mapping[str, Frequency],
    working_day_starts: time | None = None,
    bank_holidays: str | None = None,
    safety_net: SafetyNetSettings | None = None,
) -> Team:
    """Change the team's duty cover, working day, safety-net thresholds and measure settings.

    Service leads only. A standing duty clinician is required (issue 8): an alert not reviewed by
    the end of the working day must always reach someone.
    """
    if not actor.is_service_lead or actor.team_id != team.pk:
        raise MeasureError("Only the team's service lead can change these settings.")
    if duty_clinician is None:
        raise MeasureError(
            "Choose the duty clinician: a risk alert not reviewed by the end of the working day "
            "goes to them."
        )
    if not can_be_on_duty(duty_clinician, team):
        raise MeasureError("The duty clinician must be a therapist or supervisor of this team.")
    starts = working_day_starts or team.working_day_starts
    if starts >= working_day_ends:
        raise MeasureError("The working day must start before it ends.")
    team = Team.objects.select_for_update().get(pk=team.pk)
    values: dict[str, Any] = {
        "duty_clinician_id": duty_clinician.pk,
        "working_day_ends": working_day_ends,
        "working_day_starts": starts,
        "bank_holidays": team.bank_holidays if bank_holidays is None else bank_holidays,
        "gad7_prorating": gad7_prorating,
        "measure_schedule": {code: str(frequency) for code, frequency in schedule.items()},
        "safety_net": (safety_net or team.safety_net_settings).to_json(),
    }
    changed = sorted(name for name, value in values.items() if getattr(team, name) != value)
    for name, value in values.items():
        setattr(team, name, value)
    team.save(update_fields=[name.removesuffix("_id") for name in values])
    audit.record(actor=actor, action="team.settings", obj=team, detail={"fields": changed})
    return team


def _check_lead(actor: User, team: Team) -> None:
    if not actor.is_service_lead or actor.team_id != team.pk:
        raise MeasureError("Only the team's service lead can change the duty rota.")


@transaction.atomic
def add_duty_shift(
    team: Team, *, actor: User, clinician: User | None, starts_on: date, ends_on: date
) -> DutyShift:
    """Put someone on the duty rota for a run of days (one person per day: no overlaps)."""
    _check_lead(actor, team)
    if not can_be_on_duty(clinician, team):
        raise MeasureError("Choose a therapist or supervisor of this team for the duty rota.")
    if ends_on < starts_on:
        raise MeasureError("The last day on duty cannot be before the first.")
    if ends_on < timezone.localdate():
        raise MeasureError("That turn is already over. The rota is for today and later.")
    if (ends_on - starts_on).days > 366:
        raise MeasureError("Put someone on the rota for a year at most at a time.")
    clash = (
        DutyShift.objects.select_for_update()
        .filter(team=team, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .select_related("clinician")
        .first()
    )
    if clash is not None:
        raise MeasureError(
            f"{clash.clinician.display_name} is on duty from {clash.starts_on:%-d %B} to "
            f"{clash.ends_on:%-d %B %Y}. Remove that turn first, or choose other days."
        )
    shift = DutyShift.objects.create(
        team=team, clinician=clinician, starts_on=starts_on, ends_on=ends_on, created_by=actor
    )
    audit.record(
        actor=actor,
        action="duty_rota.add",
        obj=shift,
        detail={"clinician_id": clinician.pk, "from": str(starts_on), "to": str(ends_on)},
    )
    return shift


@transaction.atomic
def remove_duty_shift(shift: DutyShift, *, actor: User) -> None:
    """Take a turn off the rota; a turn already under way ends yesterday instead, so the record
    of who was on duty stays true."""
    _check_lead(actor, shift.team)
    today = timezone.localdate()
    if shift.ends_on < today:
        raise MeasureError("That turn is over; it stays on the record.")
    detail = {"shift_id": shift.pk, "clinician_id": shift.clinician_id}
    if shift.starts_on < today:
        shift.ends_on = today - timedelta(days=1)
        shift.save(update_fields=["ends_on"])
        audit.record(actor=actor, action="duty_rota.shorten", obj=shift, detail=detail)
        return
    team = shift.team
    shift.delete()
    audit.record(actor=actor, action="duty_rota.remove", obj=team, detail=detail)
