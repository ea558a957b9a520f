"""A course of IPT and its appointments and session records.

Numbers and phases are not stored: they are derived from attendance by the pure core
(``iptclinic.ipt``), so they can never disagree with the appointments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone

from iptclinic.history.records import kept_history
from iptclinic.ipt import risk_check
from iptclinic.ipt.attendance import (
    ATTENDANCE_LABELS,
    ATTENDEE_LABELS,
    MISSED,
    Attendance,
    Attendee,
    counts_toward_contract,
    session_numbers,
)
from iptclinic.ipt.lifecycle import (
    EARLY_END_REASON_LABELS,
    STATE_LABELS,
    CourseState,
)
from iptclinic.ipt.phases import PHASE_LABELS, Phase, PhasePlan, phase_for_session, phase_plan
from iptclinic.ipt.risk_check import RISK_LEVEL_LABELS
from iptclinic.ipt.variants import (
    Variant,
    VariantConfig,
    session_length,
    variant_choices,
    variant_config,
)


class Course(models.Model):
    referral = models.ForeignKey(
        "clients.Referral", on_delete=models.PROTECT, related_name="courses"
    )
    variant = models.CharField(
        max_length=20,
        choices=variant_choices,
        default=Variant.LEAFLET,
    )
    contracted_sessions = models.PositiveSmallIntegerField()
    contract_agreed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Set by the treatment agreement; the contract is provisional until then.",
    )
    state = models.CharField(
        max_length=20,
        choices=[(s.value, label) for s, label in STATE_LABELS.items()],
        default=CourseState.REFERRED,
    )
    start_date = models.DateField()
    weekday = models.PositiveSmallIntegerField()
    session_time = models.TimeField()
    time_zone = models.CharField(max_length=40, default="Europe/London")
    ended_on = models.DateField(null=True, blank=True)
    early_end_reason = models.CharField(
        max_length=20,
        blank=True,
        choices=[(r.value, label) for r, label in EARLY_END_REASON_LABELS.items()],
    )
    end_note = models.TextField(blank=True)
    ending_raised_on = models.DateField(
        null=True, blank=True, help_text="When the ending was first discussed with the client."
    )
    # Set by iptclinic.inventory.services: by the treatment agreement with a focus (from the day
    # after it) or by a recorded override. Sessions before it stay in the initial phase (R04).
    middle_phase_allowed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Issue 14: the length of each appointment booked for this course, from the variant (an
    # hour; 30 minutes for interpersonal counselling) or as chosen when the course was opened.
    slot_minutes = models.PositiveSmallIntegerField(default=60)
    # Issue 14: a maintenance (or continuation) course names the ended course of the same
    # referral it continues (decisions.md §7).
    continues = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_by",
    )

    history = kept_history()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            # Open courses by state (a few per therapist among a trust's many ended ones), and
            # the courses ended in a period (the caseload's last 90 days, the reports).
            models.Index(fields=["state", "referral"], name="course_state_referral_idx"),
            models.Index(fields=["state", "ended_on"], name="course_state_ended_on_idx"),
        ]

    def __str__(self) -> str:
        return f"Course of {self.contracted_sessions} sessions from {self.start_date:%d %b %Y}"

    @property
    def state_enum(self) -> CourseState:
        return CourseState(self.state)

    @property
    def is_open(self) -> bool:
        return self.state in (CourseState.REFERRED, CourseState.ACTIVE)

    @property
    def contract_is_provisional(self) -> bool:
        return self.contract_agreed_on is None

    @property
    def variant_enum(self) -> Variant:
        return Variant(self.variant)

    @property
    def variant_config(self) -> VariantConfig:
        return variant_config(self.variant_enum)

    @property
    def session_minutes(self) -> int:
        """How long each session lasts, as the client is told (letters, calendars)."""
        return session_length(self.variant_enum, self.slot_minutes)

    def timeline(self) -> CourseTimeline:
        """Appointments in date order with their session number and phase.

        Uses ``self.appointments.all()`` so a prefetch on the caller's queryset keeps the
        query count flat however many courses a page shows.
        """
        appointments = sorted(self.appointments.all(), key=lambda a: (a.starts_at, a.pk))
        numbers = session_numbers(
            [Attendance(a.status) for a in appointments],
            [Attendee(a.attendee) for a in appointments],
        )
        rows = [
            TimelineRow(
                appointment=a,
                number=n,
                phase=phase_for_session(
                    n,
                    self.contracted_sessions,
                    self.variant_enum,
                    focus_agreed=self.focus_agreed_for(a),
                )
                if n
                else None,
            )
            for a, n in zip(appointments, numbers, strict=True)
        ]
        return CourseTimeline(course=self, rows=rows)

    def focus_agreed_for(self, appointment: Appointment) -> bool:
        """Whether the middle phase may include this appointment (decisions.md §6, R04).

        True from ``middle_phase_allowed_on``: the day after the treatment agreement with a focus,
        or the day an override with a reason was recorded. A field, not a join, so that pages
        listing many courses keep a flat query count.
        """
        allowed = self.middle_phase_allowed_on
        return allowed is not None and timezone.localdate(appointment.starts_at) >= allowed


@dataclass(frozen=True)
class TimelineRow:
    appointment: Appointment
    number: int | None
    phase: Phase | None

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase] if self.phase else ""


class CourseTimeline:
    """A course's appointments with their derived numbers and phases; values computed once."""

    def __init__(self, course: Course, rows: list[TimelineRow]) -> None:
        self.course = course
        self.rows = rows

    @cached_property
    def attended_rows(self) -> list[TimelineRow]:
        return [r for r in self.rows if r.number]

    @cached_property
    def attended(self) -> int:
        return len(self.attended_rows)

    @cached_property
    def last_attended(self) -> TimelineRow | None:
        return self.attended_rows[-1] if self.attended_rows else None

    @cached_property
    def carer_sessions_held(self) -> int:
        """Attended appointments with a parent or carer, alone or with the client."""
        return sum(
            1
            for r in self.rows
            if r.appointment.is_attended and r.appointment.attendee != Attendee.CLIENT
        )

    @cached_property
    def current_phase(self) -> Phase:
        last = self.last_attended
        return last.phase if last and last.phase else Phase.INITIAL

    @cached_property
    def current_phase_label(self) -> str:
        return PHASE_LABELS[self.current_phase]

    @cached_property
    def next_appointment(self) -> Appointment | None:
        now = timezone.now()
        upcoming = (
            r.appointment
            for r in self.rows
            if r.appointment.is_planned and r.appointment.starts_at >= now
        )
        return next(upcoming, None)

    @cached_property
    def expected_end(self) -> date | None:
        """Date of the last planned or attended appointment: it moves when sessions are rebooked."""
        live = [
            r.appointment
            for r in self.rows
            if r.appointment.status in (Attendance.PLANNED, Attendance.ATTENDED)
        ]
        return timezone.localdate(live[-1].starts_at) if live else None

    @cached_property
    def records_to_write(self) -> list[TimelineRow]:
        """Attended sessions whose record is missing or not yet signed."""
        return [r for r in self.attended_rows if not r.appointment.has_signed_record]

    @cached_property
    def plan(self) -> PhasePlan:
        return phase_plan(self.course.contracted_sessions, self.course.variant_enum)

    def bands(self) -> list[tuple[Phase, str, range]]:
        plan = self.plan
        return [
            (phase, PHASE_LABELS[phase], rng)
            for phase, rng in (
                (Phase.INITIAL, plan.initial),
                (Phase.MIDDLE, plan.middle),
                (Phase.ENDING, plan.ending),
            )
        ]

    def slots(self) -> list[tuple[int, Phase, bool]]:
        """Every contracted session with its nominal phase and whether it has taken place."""
        return [
            (n, self.plan.phase_of(n), n <= self.attended)
            for n in range(1, self.course.contracted_sessions + 1)
        ]


class ContractChange(models.Model):
    """A change to the number of contracted sessions. After the agreement it is a renegotiation."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="contract_changes")
    from_sessions = models.PositiveSmallIntegerField()
    to_sessions = models.PositiveSmallIntegerField()
    renegotiation = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"Contract {self.from_sessions} → {self.to_sessions} sessions"


class Appointment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    status = models.CharField(
        max_length=24,
        choices=[(s.value, label) for s, label in ATTENDANCE_LABELS.items()],
        default=Attendance.PLANNED,
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replacement"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The portal (issue 11): where the session happens. Both blank means the team's address.
    place = models.CharField(
        max_length=300,
        blank=True,
        help_text="Leave empty to use the team's address.",
    )
    video_link = models.URLField(
        "video link",
        max_length=500,
        blank=True,
        help_text="For a session by video: the link the client opens to join.",
    )

    # IPT for adolescents (issue 14): who the session is with. A session with the parent or
    # carer alone is an extra outside the contract (ipt.attendance.counts_toward_contract).
    attendee = models.CharField(
        "who attends",
        max_length=20,
        choices=[(a.value, label) for a, label in ATTENDEE_LABELS.items()],
        default=Attendee.CLIENT.value,
    )
    carer = models.ForeignKey(
        "clients.Carer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        help_text="The parent or carer who joins, when one does.",
    )

    history = kept_history()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["course", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"Appointment {timezone.localtime(self.starts_at):%a %d %b %Y %H:%M}"

    @property
    def is_planned(self) -> bool:
        return self.status == Attendance.PLANNED

    @property
    def is_attended(self) -> bool:
        return self.status == Attendance.ATTENDED

    @property
    def is_missed(self) -> bool:
        return Attendance(self.status) in MISSED

    @property
    def counts_toward_contract(self) -> bool:
        return counts_toward_contract(self.attendee)

    @property
    def is_carer_session(self) -> bool:
        return self.attendee == Attendee.CARER

    @property
    def with_whom(self) -> str:
        """ "Parent session: Mum", "With Mum and Jade" or "" for a session with the client alone;
        ``carer`` and ``course.referral.client`` should be loaded by the caller."""
        if self.attendee == Attendee.CLIENT:
            return ""
        who = self.carer.relationship if self.carer else "parent or carer"
        if self.attendee == Attendee.CARER:
            return f"Parent or carer session: {who}"
        return f"With {who} and {self.course.referral.client.called}"

    @property
    def status_label(self) -> str:
        return ATTENDANCE_LABELS[Attendance(self.status)]

    @property
    def has_signed_record(self) -> bool:
        record = getattr(self, "record", None)
        return record is not None and record.is_signed

    @property
    def can_be_rebooked(self) -> bool:
        return self.is_missed and not hasattr(self, "replacement")


class YesNo(models.TextChoices):
    NO = risk_check.YesNo.NO.value, "No"
    YES = risk_check.YesNo.YES.value, "Yes"


class RiskLevel(models.TextChoices):
    """The values and labels are the pure core's, which reads the risk check (ipt/risk_check.py)."""

    NONE = risk_check.RiskLevel.NONE.value, RISK_LEVEL_LABELS[risk_check.RiskLevel.NONE]
    LOW = risk_check.RiskLevel.LOW.value, RISK_LEVEL_LABELS[risk_check.RiskLevel.LOW]
    MODERATE = (
        risk_check.RiskLevel.MODERATE.value,
        RISK_LEVEL_LABELS[risk_check.RiskLevel.MODERATE],
    )
    HIGH = risk_check.RiskLevel.HIGH.value, RISK_LEVEL_LABELS[risk_check.RiskLevel.HIGH]


RISK_QUESTIONS = (
    ("suicidal_thoughts", "Thoughts of suicide or of being better off dead"),
    ("suicidal_plans", "Plans for suicide"),
    ("suicidal_intent", "Intent to act on those thoughts"),
    ("self_harm", "Self-harm since the last session"),
    ("harm_to_others", "Thoughts of harming someone else"),
    ("safeguarding_concern", "A safeguarding concern (a child or adult at risk)"),
)


class SessionRecord(models.Model):
    """What happened in one attended session. Signed records are read-only; corrections are addenda."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="record")
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    tasks_done = models.JSONField(default=list, blank=True)

    suicidal_thoughts = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    suicidal_plans = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    suicidal_intent = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    self_harm = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    harm_to_others = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    safeguarding_concern = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_action = models.TextField("action taken", blank=True)
    risk_reconciliation = models.TextField(
        "why the risk check differs",
        blank=True,
        help_text="Needed to sign a record whose risk check says there is no risk while this "
        "session's questionnaire risk item or an open risk alert says otherwise.",
    )

    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = kept_history()

    def __str__(self) -> str:
        return f"Record of {self.appointment}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def risk_answers(self) -> list[tuple[str, str, str]]:
        return [(name, label, getattr(self, name)) for name, label in RISK_QUESTIONS]

    @property
    def risk_check_complete(self) -> bool:
        return all(getattr(self, name) for name, _ in RISK_QUESTIONS) and bool(self.risk_level)

    @property
    def risk_positive(self) -> bool:
        """Any yes, or a level above low: raises the same alert as PHQ-9 item 9 (decisions.md §17)."""
        return any(
            getattr(self, name) == YesNo.YES for name, _ in RISK_QUESTIONS
        ) or self.risk_level in (
            RiskLevel.MODERATE,
            RiskLevel.HIGH,
        )


class Addendum(models.Model):
    record = models.ForeignKey(SessionRecord, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = kept_history()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%Y-%m-%d}"


class SessionRequestKind(models.TextChoices):
    CANNOT_COME = "cannot_come", "I can't come"
    MOVE = "move", "Can we move it?"


class SessionRequest(models.Model):
    """A service user's "I can't come" or "Can we move it?" about one future appointment (issue 11).

    It never changes the booking: it reaches the therapist's "Needs attention", who answers and
    changes the appointment, if at all, as for any other rebooking.
    """

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="session_requests"
    )
    kind = models.CharField(max_length=20, choices=SessionRequestKind.choices)
    reason = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["appointment", "made_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.made_at:%Y-%m-%d})"


CONTRACT_ATTENDEES = [a.value for a in Attendee if counts_toward_contract(a)]
HELD_CONTRACT_SESSION = models.Q(status=Attendance.ATTENDED, attendee__in=CONTRACT_ATTENDEES)
"""An attended appointment that is a session of the contract, for queries that count them."""
