"""What the service lead's dashboard reads besides the clinical records.

``TherapistCapacity`` is set by the lead (``services.set_capacity``, audited). ``ReferralTimes`` is
derived data, like ``reports.StoredOutcome``: each referral's first contact, first treatment
session and the clinician its results belong to, worked out by ``services.refresh_referral_times``
in the same transaction as every service that changes the records behind them (it runs inside
``reports.services.refresh_outcomes``). It exists so that a 12-month dashboard at a large trust is
a few aggregates over indexed columns instead of a pass over every appointment ever booked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from iptclinic.accounts.models import Team
from iptclinic.clients.models import Referral


class TherapistCapacity(models.Model):
    """How many open courses a therapist can hold, as the service lead set it."""

    therapist = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="capacity"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    open_courses = models.PositiveSmallIntegerField(
        "open courses they can hold",
        help_text="Courses referred or active at the same time. Set 0 for someone not taking "
        "new clients.",
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "therapist capacities"

    def __str__(self) -> str:
        return f"Capacity of {self.open_courses} open courses"


class ReferralTimes(models.Model):
    """One referral's first contact, first treatment session and who delivered most of it."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, primary_key=True, related_name="times"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    received_on = models.DateField()
    first_contact_on = models.DateField(
        null=True,
        help_text="The earlier of the first attended session and the first questionnaire "
        "entered in clinic for the referral (an assessment).",
    )
    first_treatment_on = models.DateField(
        null=True, help_text="The day of the referral's first attended session."
    )
    days_to_first_contact = models.PositiveIntegerField(null=True)
    days_to_first_treatment = models.PositiveIntegerField(null=True)
    attended = models.PositiveIntegerField(default=0, help_text="Attended sessions, all courses.")
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text="Who the referral's results belong to (ipt.service.attribute).",
    )
    waiting = models.BooleanField(
        default=False, help_text="Open, with no attended session yet: on the waiting list."
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["team", "first_treatment_on"],
                name="referral_times_treated_idx",
                condition=Q(first_treatment_on__isnull=False),
            ),
            models.Index(
                fields=["team", "first_contact_on"],
                name="referral_times_contact_idx",
                condition=Q(first_contact_on__isnull=False),
            ),
            models.Index(
                fields=["team", "received_on"],
                name="referral_times_waiting_idx",
                condition=Q(waiting=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Times of referral {self.referral_id}"


class CourseFacts(models.Model):
    """A course as the dashboard counts it, with its team and the client's therapist now copied
    so that each count is one indexed table (derived; kept current with ``ReferralTimes``)."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text="The client's therapist now: a caseload is who holds the client.",
    )
    state = models.CharField(max_length=20)
    started_on = models.DateField(
        null=True, help_text="The day of the course's first attended session."
    )
    ended_on = models.DateField(null=True)
    early_end_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["team", "state", "therapist"], name="course_facts_state_idx"),
            models.Index(fields=["team", "started_on"], name="course_facts_started_idx"),
            models.Index(
                fields=["team", "ended_on", "early_end_reason"], name="course_facts_ended_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Facts of course {self.course_id}"


class ContactFacts(models.Model):
    """An appointment the attendance rates count: its day, attendance, who recorded it and the
    session it was for (``ipt.service.sessions_for``). Planned appointments and the service's
    cancellations of sessions left when a course ended have no row (derived; kept current with
    ``ReferralTimes``)."""

    appointment = models.OneToOneField(
        "courses.Appointment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=24)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    session = models.PositiveSmallIntegerField(help_text="The session it was for, from 1.")

    class Meta:
        indexes = [
            models.Index(
                fields=["team", "day", "status", "clinician", "session"],
                name="contact_facts_day_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Facts of appointment {self.appointment_id}"
