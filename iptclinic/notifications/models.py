"""Messages IPT Clinic sends to people away from the screen, and how each person wants them.

A message never carries clinical detail or a client's name (decisions §34): it says that
something needs attention and links to the product. Every send is stored with its attempts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Routine(models.TextChoices):
    """How items that are not risk escalations reach a person; risk is always sent at once."""

    DIGEST = "digest", "In one message each working morning at 08:00"
    IMMEDIATE = "immediate", "As each item arrives"


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="message_preference",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    routine = models.CharField(max_length=10, choices=Routine.choices, default=Routine.DIGEST)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_channel_display()}, {self.get_routine_display().lower()}"


class Status(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Message(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_received"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=30)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(
        max_length=200, blank=True, help_text="The kind of failure, never the address or text."
    )
    reference = models.CharField(
        max_length=100, blank=True, help_text="The sending service's id for this message."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "created_at"]),
            models.Index(fields=["team", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.template} to user {self.recipient_id} ({self.status})"


# Reminders of appointments to service users (issue 11, item 2). Kept in this app, as its own
# models keyed by team and by person, so that no other app's settings or migrations change.

DEFAULT_REMINDER_DAYS = 2


class TeamReminders(models.Model):
    """How a team reminds service users of their appointments."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, primary_key=True, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(
        "days before the appointment",
        default=DEFAULT_REMINDER_DAYS,
        help_text="0 turns reminders off for the whole team.",
    )
    sender_name = models.CharField(
        "name in messages to clients",
        max_length=100,
        blank=True,
        help_text="How reminders and portal invitations name the team, if its full name says what kind of service "
        "it is. Empty: the team's name.",
    )

    def __str__(self) -> str:
        return f"Reminders of team {self.team_id}: {self.days_before} days before"


class ReminderChoice(models.TextChoices):
    EMAIL = "email", "By email"
    SMS = "sms", "By text message"
    OFF = "off", "No reminders"


class ReminderPreference(models.Model):
    """A service user's own choice about reminders; without one, the address they have."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_preference",
    )
    choice = models.CharField(max_length=10, choices=ReminderChoice.choices)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_choice_display()


class SentReminder(models.Model):
    """One reminder of one appointment for the day it is on: the unique pair makes the periodic
    job idempotent (never twice for the same appointment and day, however many workers run)."""

    appointment = models.ForeignKey(
        "courses.Appointment", on_delete=models.CASCADE, related_name="reminders"
    )
    session_day = models.DateField(help_text="The day of the appointment when it was reminded.")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "session_day"], name="one_reminder_per_appointment_day"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of appointment {self.appointment_id} for {self.session_day}"
