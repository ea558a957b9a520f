"""Teams (one IPT service each) and the people who sign in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from functools import lru_cache, reduce
from operator import or_
from typing import Any

import holidays
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptclinic.ipt.measure_schedule import DEFAULT_SCHEDULE, Frequency, parse_schedule
from iptclinic.ipt.safety_net import SafetyNetSettings
from iptclinic.ipt.working_days import WorkingWeek

DEFAULT_CRISIS_CONTACTS = (
    "If you feel you cannot keep yourself safe, call 999 or go to A&E.\n"
    "For urgent help that is not an emergency, call NHS 111 and choose option 2.\n"
    "Samaritans listen any time, day or night: call 116 123 (free)."
)


def default_measure_schedule() -> dict[str, str]:
    return {code: str(frequency) for code, frequency in DEFAULT_SCHEDULE.items()}


def default_safety_net() -> dict[str, object]:
    return SafetyNetSettings().to_json()


class BankHolidays(models.TextChoices):
    """Bank holidays differ across the UK nations; a team's are not working days."""

    ENGLAND_AND_WALES = "ENG", "England and Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"
    NONE = "", "None: every weekday is a working day"


@lru_cache(maxsize=32)
def bank_holidays(region: str, first_year: int, last_year: int) -> frozenset[date]:
    """The bank holidays of a UK nation, from the ``holidays`` package's calendars."""
    if not region:
        return frozenset()
    calendar = holidays.country_holidays(
        "GB", subdiv=region, years=range(first_year, last_year + 1)
    )
    return frozenset(calendar)


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
    # The safety net (issue 8; decisions §33, §38).
    working_day_starts = models.TimeField(
        default=time(9, 0),
        help_text="A risk alert still not reviewed reaches the service lead at this time on the "
        "next working day, and everyone who holds it is reminded each working day.",
    )
    bank_holidays = models.CharField(
        "bank holidays",
        max_length=3,
        choices=BankHolidays.choices,
        default=BankHolidays.ENGLAND_AND_WALES,
        blank=True,
        help_text="Bank holidays are not working days.",
    )
    safety_net = models.JSONField(
        default=default_safety_net,
        blank=True,
        help_text="The thresholds of the safety-net rules, as the core's SafetyNetSettings.",
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

    @property
    def safety_net_settings(self) -> SafetyNetSettings:
        return SafetyNetSettings.from_json(self.safety_net or {})

    def working_week(self) -> WorkingWeek:
        """The team's working days and hours, with the bank holidays around this year."""
        year = timezone.localdate().year
        return WorkingWeek(
            day_starts=self.working_day_starts,
            day_ends=self.working_day_ends,
            holidays=bank_holidays(self.bank_holidays, year - 1, year + 1),
        )


class Role(models.TextChoices):
    THERAPIST = "therapist", "IPT therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    SERVICE_LEAD = "service_lead", "Service lead"
    SERVICE_USER = "service_user", "Service user"


STAFF_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.SERVICE_LEAD})

# One boolean column per role (issue 9): a person holds any set of staff roles, and every access
# rule stays a filter on the user's own row, with no join. A service user holds no staff role
# (a database constraint says so).
ROLE_FIELDS: dict[Role, str] = {
    Role.THERAPIST: "is_therapist",
    Role.SUPERVISOR: "is_supervisor",
    Role.SERVICE_LEAD: "is_service_lead",
    Role.SERVICE_USER: "is_service_user",
}


def with_role(*roles: Role) -> Q:
    """A filter for people who hold any of ``roles``: ``User.objects.filter(with_role(...))``."""
    if not roles:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{ROLE_FIELDS[Role(role)]: True}) for role in roles))


class User(AbstractUser):
    """Someone who signs in: staff of one team, or a service user of that team."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True)
    is_therapist = models.BooleanField("IPT therapist", default=False)
    is_supervisor = models.BooleanField("supervisor", default=False)
    is_service_lead = models.BooleanField("service lead", default=False)
    is_service_user = models.BooleanField("service user", default=False)
    mobile_phone = models.CharField(
        "mobile phone",
        max_length=30,
        blank=True,
        help_text="For text messages from IPT Clinic, if you choose them.",
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        limit_choices_to={"is_supervisor": True},
        help_text="The supervisor who reviews this therapist's caseload.",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_service_user=False)
                | Q(is_therapist=False, is_supervisor=False, is_service_lead=False),
                name="service_user_holds_no_staff_role",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this person holds, as a set."""
        return frozenset(role for role, field in ROLE_FIELDS.items() if getattr(self, field))

    @roles.setter
    def roles(self, roles: Iterable[Role | str]) -> None:
        chosen = {Role(role) for role in roles}
        if Role.SERVICE_USER in chosen and chosen & STAFF_ROLES:
            raise ValueError("A service user holds no staff role.")
        for role, field in ROLE_FIELDS.items():
            setattr(self, field, role in chosen)

    def has_role(self, *roles: Role) -> bool:
        """Whether this person holds any of ``roles``."""
        return any(getattr(self, ROLE_FIELDS[Role(role)]) for role in roles)

    @property
    def staff_roles_display(self) -> str:
        """The staff roles in words, in a fixed order: "IPT therapist, Supervisor"."""
        return ", ".join(role.label for role in Role if role in STAFF_ROLES and self.has_role(role))

    @property
    def is_staff_member(self) -> bool:
        return (
            self.is_active
            and self.team_id is not None
            and not self.is_service_user
            and self.has_role(*STAFF_ROLES)
        )


class Invitation(models.Model):
    """A service lead's invitation to a new member of staff: a one-time link that expires.

    Only a SHA-256 digest of the link's secret is stored, so the table cannot be used to sign in.
    The account is made when the person sets their password, with the roles chosen here.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    roles = models.JSONField(default=list, help_text="The staff role codes the person will hold.")
    supervisor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.withdrawn_at is None
            and timezone.now() < self.expires_at
        )

    @property
    def roles_display(self) -> str:
        return ", ".join(role.label for role in Role if role.value in self.roles)


class ExternalIdentity(models.Model):
    """A person's account at an OpenID provider, linked to their IPT Clinic account.

    Single sign-on (docs/single-sign-on.md) finds the account by ``(issuer, subject)``; the first
    sign-in links it by a verified claim. Nothing here creates an account.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_identity"),
            models.UniqueConstraint(fields=["user", "issuer"], name="one_identity_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class SignInRefusal(models.Model):
    """A single sign-on that matched no account we could audit against (append-only).

    The audit log needs an account and a team; an unknown identity has neither, so its refusal
    is kept here: the provider, its pseudonymous subject and why, never a name or NHS number.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=40)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A sign-in refusal is written once and never changed.")
        super().save(*args, **kwargs)


class PortalChannel(models.TextChoices):
    """How a client's invitation to the portal reached them."""

    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PRINTED = "printed", "Printed code"


class PortalInvitation(models.Model):
    """A client's invitation to the portal: a one-time link (email, text) or printed code.

    Only a SHA-256 digest of the secret is stored, so the table cannot be used to join. A client
    holds at most one open invitation (a new one withdraws the last); using it makes the
    service-user account and links it to the client (docs/portal-join.md).
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="portal_invitations"
    )
    channel = models.CharField(max_length=10, choices=PortalChannel.choices)
    secret_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(used_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_portal_invitation_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"Portal invitation {self.pk}"

    @property
    def state(self) -> str:
        """``used``, ``withdrawn``, ``expired`` or ``open``."""
        if self.used_at is not None:
            return "used"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if timezone.now() >= self.expires_at:
            return "expired"
        return "open"

    @property
    def is_usable(self) -> bool:
        return self.state == "open"
