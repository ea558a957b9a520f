"""A service user's record, their referrals, and their communication needs."""

from __future__ import annotations

from datetime import date
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q

from iptclinic.history.records import kept_history
from iptclinic.ipt.nhs_number import format_nhs_number


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class Interpreter(models.TextChoices):
    NONE = "", "No interpreter needed"
    SPOKEN = "spoken", "Spoken-language interpreter"
    BSL = "bsl", "British Sign Language interpreter"
    OTHER = "other", "Other communication professional"


class Client(models.Model):
    """A person referred to the IPT service."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="clients")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        help_text="The IPT therapist the client is allocated to.",
    )
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_record",
    )

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)

    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        "preferred contact method",
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.PHONE,
    )

    gp_practice = models.CharField("GP practice", max_length=150, blank=True)
    gp_address = models.TextField("GP practice address", blank=True)
    care_coordinator = models.CharField(max_length=150, blank=True)

    # Accessible Information Standard: what the person needs to read and take part.
    language = models.CharField(
        "preferred language", max_length=60, blank=True, help_text="Leave blank for English."
    )
    interpreter = models.CharField(
        max_length=10, choices=Interpreter.choices, blank=True, default=""
    )
    large_print = models.BooleanField(default=False)
    braille = models.BooleanField(default=False)
    audio = models.BooleanField("audio", default=False)
    easy_read = models.BooleanField(default=False)
    other_needs = models.CharField("other communication needs", max_length=250, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = kept_history()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["team", "therapist"]),
            # Lists walk these in name order, one keyset page at a time (clients.selectors).
            models.Index(
                fields=["team", "family_name", "given_name", "id"], name="client_team_name_idx"
            ),
            models.Index(
                fields=["therapist", "family_name", "given_name", "id"],
                name="client_therapist_name_idx",
            ),
            models.Index(fields=["team", "nhs_number"], name="client_team_nhs_number_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def called(self) -> str:
        """The name to use when speaking to the person."""
        return self.preferred_name or self.given_name

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @cached_property
    def communication_needs(self) -> list[str]:
        """The recorded needs in plain words, for the flag shown on every page about this person."""
        needs = []
        if self.interpreter:
            label = Interpreter(self.interpreter).label
            needs.append(
                f"{label} ({self.language})"
                if self.language and self.interpreter == Interpreter.SPOKEN
                else label
            )
        if self.language and self.interpreter != Interpreter.SPOKEN:
            needs.append(f"Prefers {self.language}")
        for flag, label in (
            (self.large_print, "Large print"),
            (self.braille, "Braille"),
            (self.audio, "Audio"),
            (self.easy_read, "Easy read"),
        ):
            if flag:
                needs.append(label)
        if self.other_needs:
            needs.append(self.other_needs)
        return needs


class PresentingProblem(models.TextChoices):
    DEPRESSION = "depression", "Depression"
    BULIMIA = "bulimia_nervosa", "Bulimia nervosa"
    BINGE_EATING = "binge_eating_disorder", "Binge eating disorder"
    OTHER = "other", "Other"


EATING_DISORDERS = frozenset({PresentingProblem.BULIMIA, PresentingProblem.BINGE_EATING})


class Referral(models.Model):
    """A referral to the service: the unit NHS Talking Therapies outcomes are counted by."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    received_on = models.DateField("referral date")
    referrer = models.CharField("referred by", max_length=150)
    referrer_address = models.TextField(blank=True)
    reason = models.TextField("reason for referral")
    presenting_problem = models.CharField(
        max_length=30, choices=PresentingProblem.choices, default=PresentingProblem.DEPRESSION
    )
    presenting_problem_other = models.CharField(
        "other presenting problem", max_length=150, blank=True
    )
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = kept_history()

    class Meta:
        ordering = ["-received_on", "-id"]
        # The few open referrals among a trust's many closed ones: who is waiting for a course.
        indexes = [
            models.Index(
                fields=["client"], condition=Q(closed_on__isnull=True), name="referral_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Referral of {self.received_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Allocation(models.Model):
    """Each change of the therapist a client is allocated to, with who made it and why.

    Mid-course the client's course, open risk alerts and pending work move with them, so the
    reason is kept here; audit events hold only ids (decisions §24).
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="allocations")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField()

    class Meta:
        ordering = ["-allocated_at", "-id"]

    def __str__(self) -> str:
        return f"Allocation of {self.allocated_at:%d %b %Y}"


class NeedsToldStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the therapist to confirm"
    CONFIRMED = "confirmed", "Confirmed and added to the record"
    DISCUSS = "discuss", "To talk about with the person first"
    REPLACED = "replaced", "Replaced by what the person told later"


class NeedsTold(models.Model):
    """Communication needs and language as the person told them in the portal.

    Never applied to the client by itself: the therapist confirms it (the differing fields are
    then written to the client, audited and kept in its history) or chooses to talk about it
    with the person first. A later telling replaces one still waiting.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="needs_told")
    told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    told_at = models.DateTimeField()
    language = models.CharField("preferred language", max_length=60, blank=True)
    interpreter = models.CharField(
        max_length=10, choices=Interpreter.choices, blank=True, default=""
    )
    large_print = models.BooleanField(default=False)
    braille = models.BooleanField(default=False)
    audio = models.BooleanField("audio", default=False)
    easy_read = models.BooleanField(default=False)
    other_needs = models.CharField("other communication needs", max_length=250, blank=True)
    preferred_contact = models.CharField(
        "preferred contact method", max_length=10, choices=ContactMethod.choices
    )
    changed = models.JSONField(
        default=list, help_text="The fields that differed from the record when told."
    )
    status = models.CharField(
        max_length=10, choices=NeedsToldStatus.choices, default=NeedsToldStatus.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-told_at", "-id"]
        indexes = [models.Index(fields=["client", "status"])]
        verbose_name_plural = "needs told"

    def __str__(self) -> str:
        return f"Needs told on {self.told_at:%d %b %Y}"


class RecordingConsent(models.Model):
    """The client's consent to their sessions being recorded for supervision (issue 13).

    A new row each time consent is given; withdrawing sets the day it was withdrawn. Captured in
    the clinic by the therapist. Whether a recording may be reviewed is the core's rule
    (``ipt.supervision.recording_may_be_reviewed``).
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="recording_consents")
    given_on = models.DateField("consent given on")
    withdrawn_on = models.DateField("consent withdrawn on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_standing_recording_consent_per_client",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="recording_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to recording from {self.given_on:%d %b %Y}"

    @property
    def period(self) -> tuple[date, date | None]:
        return (self.given_on, self.withdrawn_on)


class Carer(models.Model):
    """A parent or carer of a young person, for IPT for adolescents (issue 14).

    Recorded by the therapist with the young person's consent to involve them in sessions and,
    separately, to contact them. Withdrawing a consent clears its day; the history keeps when it
    stood. A carer has no login: the product never gives them the young person's notes.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="carers")
    name = models.CharField(max_length=150)
    relationship = models.CharField(
        max_length=60, help_text="How the young person names them, for example Mum or Gran."
    )
    parental_responsibility = models.BooleanField("has parental responsibility", default=False)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_contact = models.CharField(
        "preferred contact method",
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.PHONE,
    )
    involve_consent_on = models.DateField(
        "consent to involve them given on",
        null=True,
        blank=True,
        help_text="Empty while the young person has not agreed, or has withdrawn, that this "
        "person joins sessions.",
    )
    contact_consent_on = models.DateField(
        "consent to contact them given on",
        null=True,
        blank=True,
        help_text="Empty while the young person has not agreed, or has withdrawn, that the team "
        "contacts this person.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    history = kept_history()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    @property
    def may_involve(self) -> bool:
        return self.involve_consent_on is not None

    @property
    def may_contact(self) -> bool:
        return self.contact_consent_on is not None
