"""Teams (one IPT service each) and the people who sign in."""

from __future__ import annotations

from datetime import time

from django.contrib.auth.models import AbstractUser
from django.db import models

from iptclinic.ipt.measure_schedule import DEFAULT_SCHEDULE, Frequency, parse_schedule

DEFAULT_CRISIS_CONTACTS = (
    "If you feel you cannot keep yourself safe, call 999 or go to A&E.\n"
    "For urgent help that is not an emergency, call NHS 111 and choose option 2.\n"
    "Samaritans listen any time, day or night: call 116 123 (free)."
)


def default_measure_schedule() -> dict[str, str]:
    return {code: str(frequency) for code, frequency in DEFAULT_SCHEDULE.items()}


class Team(models.Model):
    """One IPT service. Nobody sees across teams (decisions.md §8)."""

    name = models.CharField(max_length=120, unique=True)
    phone = models.CharField("switchboard phone", max_length=40, blank=True)
    address = models.TextField(blank=True)
    crisis_contacts = models.TextField(
        default=DEFAULT_CRISIS_CONTACTS,
        help_text="Shown with every risk alert and on every page a service user sees.",
    )
    # Safety and measures settings (issue 4; decisions.md §12, §14, §18).
    duty_clinician = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Sees every risk alert not reviewed by the end of the working day.",
    )
    working_day_ends = models.TimeField(
        default=time(17, 0),
        help_text="A risk alert not reviewed by this time is shown to the supervisor and the "
        "duty clinician as well.",
    )
    gad7_prorating = models.BooleanField(
        "prorate a GAD-7 with one answer missing",
        default=False,
        help_text="No checked rule exists for missing GAD-7 answers; off means no total.",
    )
    measure_schedule = models.JSONField(
        default=default_measure_schedule,
        blank=True,
        help_text="When each questionnaire is due: instrument code to frequency.",
    )
    # Contact details printed on every patient-facing letter and page (issue 5; decisions §19).
    email = models.EmailField("team email", blank=True)
    care_coordination_phone = models.CharField(
        "phone for care coordinators",
        max_length=40,
        blank=True,
        help_text="Where a service user reaches their care coordinator or the team.",
    )
    interpreting_contact = models.CharField(
        "phone or email to ask for an interpreter",
        max_length=150,
        blank=True,
        help_text="Printed after fixed, translated wording, so give only the number or address.",
    )
    bsl_video_relay = models.URLField(
        "BSL video relay link",
        blank=True,
        help_text="A British Sign Language video relay service that can connect people to you.",
    )
    complaints_service = models.CharField(
        "complaints service",
        max_length=120,
        blank=True,
        default="Patient Advice and Liaison Service (PALS)",
    )
    complaints_phone = models.CharField("complaints phone", max_length=40, blank=True)
    complaints_freephone = models.CharField("complaints freephone", max_length=40, blank=True)
    complaints_email = models.EmailField("complaints email", blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule(self) -> dict[str, Frequency]:
        """The measure schedule as the core reads it (decisions.md §12)."""
        return parse_schedule(self.measure_schedule or {})


class Role(models.TextChoices):
    THERAPIST = "therapist", "IPT therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    SERVICE_LEAD = "service_lead", "Service lead"
    SERVICE_USER = "service_user", "Service user"


STAFF_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.SERVICE_LEAD})


class User(AbstractUser):
    """Someone who signs in: staff of one team, or a service user of that team."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.THERAPIST)
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        limit_choices_to={"role": Role.SUPERVISOR},
        help_text="The supervisor who reviews this therapist's caseload.",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.team_id is not None and self.role in STAFF_ROLES

    @property
    def is_service_user(self) -> bool:
        return self.role == Role.SERVICE_USER
