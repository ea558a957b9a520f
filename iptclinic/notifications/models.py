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
