"""Completed questionnaires with their history, and the risk alerts they raise.

Scores are worked out by the pure core (``iptclinic.ipt.scoring.score``) and stored beside the
answers, so lists and reports read them without rescoring; every save rescores (services.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptclinic.history.records import kept_history
from iptclinic.ipt.instruments import INSTRUMENTS, Instrument
from iptclinic.ipt.scoring import NOT_APPLICABLE, Answer, RiskSignal

NOT_APPLICABLE_STORED = "na"
"""How a "not applicable" answer is kept in the answers JSON."""


def answers_from_json(stored: Mapping[str, object]) -> dict[int, Answer]:
    """Item number to the core's answer value, from the JSON kept in the database."""
    answers: dict[int, Answer] = {}
    for number, value in stored.items():
        if value == NOT_APPLICABLE_STORED:
            answers[int(number)] = NOT_APPLICABLE
        elif isinstance(value, int):
            answers[int(number)] = value
        else:
            answers[int(number)] = None
    return answers


def answers_to_json(answers: Mapping[int, Answer]) -> dict[str, int | str | None]:
    return {
        str(number): NOT_APPLICABLE_STORED if value is NOT_APPLICABLE else value
        for number, value in sorted(answers.items())
    }


class ResponseSource(models.TextChoices):
    """Where the answers were given: in clinic (entered by the clinician) or in the portal."""

    CLINIC = "clinic", "Entered in clinic"
    PORTAL = "portal", "Answered in the portal"


class QuestionnaireResponse(models.Model):
    """One completed questionnaire: in a session (``appointment`` set) or outside one."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="questionnaires"
    )
    referral = models.ForeignKey(
        "clients.Referral", on_delete=models.PROTECT, related_name="questionnaires"
    )
    appointment = models.ForeignKey(
        "courses.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
    )
    instrument = models.CharField(
        max_length=20, choices=[(code, i.short_name) for code, i in INSTRUMENTS.items()]
    )
    completed_on = models.DateField()
    answers = models.JSONField(default=dict)
    source = models.CharField(
        max_length=10, choices=ResponseSource.choices, default=ResponseSource.CLINIC
    )

    total = models.PositiveSmallIntegerField(null=True, blank=True)
    prorated = models.BooleanField(default=False)
    severity = models.CharField(max_length=80, blank=True)
    at_caseness = models.BooleanField(null=True, blank=True)
    no_total_reason = models.CharField(max_length=300, blank=True)
    risk = models.CharField(
        max_length=12, blank=True, choices=[(s.value, s.value) for s in RiskSignal]
    )

    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["completed_on", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "instrument"],
                condition=Q(appointment__isnull=False),
                name="one_of_each_questionnaire_per_session",
            )
        ]
        indexes = [models.Index(fields=["client", "instrument", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.instrument_data.short_name} of {self.completed_on:%d %b %Y}"

    @property
    def instrument_data(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def answer_values(self) -> dict[int, Answer]:
        return answers_from_json(self.answers)

    def answer_rows(self) -> list[tuple[int, str, str]]:
        """(number, item wording, answer wording) for display, in form order."""
        values = self.answer_values
        return [
            (item.number, item.text, answer_text(self.instrument_data, item.number, values))
            for item in self.instrument_data.items
        ]


def answer_text(instrument: Instrument, number: int, answers: Mapping[int, Answer]) -> str:
    """An answer in the instrument's words ("Several days"), or "not answered"."""
    item = instrument.item(number)
    value = answers.get(number)
    if value is None:
        return "Not answered"
    if value is NOT_APPLICABLE:
        return "Not applicable"
    option = next(o for o in item.options if o.value == value)
    return f"{option.text} ({value})" if option.text else str(value)


class QuestionnaireRevision(models.Model):
    """Every saved version of a questionnaire, the first included: nothing is overwritten."""

    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    prorated = models.BooleanField(default=False)
    risk = models.CharField(max_length=12, blank=True)
    reason = models.TextField("reason for the change", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "version"], name="one_revision_per_questionnaire_version"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of {self.response}"

    def answer_summary(self) -> str:
        values = answers_from_json(self.answers)
        return ", ".join(
            f"{n}: {'n/a' if v is NOT_APPLICABLE else '–' if v is None else v}"
            for n, v in sorted(values.items())
        )


class QuestionnaireDraft(models.Model):
    """A questionnaire a service user is answering in the portal before a session.

    Answers are kept as the person goes, so leaving and coming back loses nothing. A key present
    with ``None`` is an item the person saw and left blank. Sending turns the draft into the
    session's :class:`QuestionnaireResponse` (``response``) through the same service as in clinic.
    ``alerted_answer`` is the risk answer (``"-"`` for unanswered) that last raised an alert from
    this draft, so saving the same answer again does not raise a second one.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="questionnaire_drafts"
    )
    appointment = models.ForeignKey(
        "courses.Appointment", on_delete=models.PROTECT, related_name="questionnaire_drafts"
    )
    instrument = models.CharField(
        max_length=20, choices=[(code, i.short_name) for code, i in INSTRUMENTS.items()]
    )
    answers = models.JSONField(default=dict)
    alerted_answer = models.CharField(max_length=4, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    response = models.OneToOneField(
        QuestionnaireResponse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_draft",
    )

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "instrument"], name="one_portal_draft_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_data.short_name} started {self.started_at:%d %b %Y}"

    @property
    def instrument_data(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def answer_values(self) -> dict[int, Answer]:
        return answers_from_json(self.answers)

    @property
    def is_sent(self) -> bool:
        return self.response_id is not None


class PortalScores(models.Model):
    """Whether a client sees their own scores in the portal; shown unless the therapist says not.

    No row means shown (the default of issue 11); the therapist's switch writes one.
    """

    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="portal_scores"
    )
    shown = models.BooleanField(default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "portal scores"

    def __str__(self) -> str:
        return "Scores shown in the portal" if self.shown else "Scores hidden in the portal"


class AlertSource(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "Questionnaire risk item"
    RISK_CHECK = "risk_check", "Session risk check"


class RiskAlertQuerySet(models.QuerySet["RiskAlert"]):
    def open(self) -> RiskAlertQuerySet:
        return self.filter(reviewed_at__isnull=True)

    def escalated(self, now: datetime | None = None) -> RiskAlertQuerySet:
        """Open alerts not reviewed by the end of the working day (decisions.md §18)."""
        return self.open().filter(escalate_at__lte=now or timezone.now())


class RiskAlert(models.Model):
    """A risk signal that a clinician must review; it stays open until a review is recorded.

    Raised by a PHQ-9 risk item answered above 0 or left unanswered, or by a positive structured
    risk check in a session record (decisions.md §17). Nothing but a review closes it.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="risk_alerts"
    )
    source = models.CharField(max_length=20, choices=AlertSource.choices)
    summary = models.CharField(max_length=400)
    questionnaire = models.ForeignKey(
        QuestionnaireResponse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
    )
    session_record = models.ForeignKey(
        "courses.SessionRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_alerts",
    )
    draft = models.ForeignKey(
        QuestionnaireDraft,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="The portal questionnaire whose risk answer raised the alert while it was answered.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    escalate_at = models.DateTimeField(
        help_text="End of the working day it was raised on: from then the supervisor and the "
        "duty clinician see it too."
    )

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    assessment = models.TextField("what was assessed", blank=True)
    action = models.TextField("action taken", blank=True)

    objects = RiskAlertQuerySet.as_manager()

    history = kept_history()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["client", "reviewed_at"]),
            # The caseload and duty lists look for the few open alerts among a million reviewed.
            models.Index(
                fields=["client", "escalate_at"],
                condition=Q(reviewed_at__isnull=True),
                name="risk_alert_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(questionnaire__isnull=False)
                | Q(session_record__isnull=False)
                | Q(draft__isnull=False),
                name="risk_alert_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return f"Risk alert of {timezone.localtime(self.raised_at):%d %b %Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.reviewed_at is None

    @property
    def is_escalated(self) -> bool:
        return self.is_open and self.escalate_at <= timezone.now()


class DutyShift(models.Model):
    """A dated turn on the duty rota: this clinician is on duty from one day to another.

    On a day with no shift the team's standing duty clinician is on duty (decisions §18); a day
    with neither is a gap the service lead is told about, because an unreviewed alert would
    otherwise escalate to nobody.
    """

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="duty_shifts")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_shifts"
    )
    starts_on = models.DateField("from")
    ends_on = models.DateField("to (inclusive)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["team", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="duty_shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Duty {self.starts_on:%d %b} to {self.ends_on:%d %b %Y}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
