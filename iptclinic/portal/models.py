"""What a service user sends from the portal: messages, feedback, complaints, and questions about
who has looked at their record. Each waits in "Needs attention" for one person on the team."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ContactKind(models.TextChoices):
    MESSAGE = "message", "Message to the team"
    FEEDBACK = "feedback", "Feedback"
    COMPLAINT = "complaint", "Complaint"


class Sent(models.Model):
    """What every kind of thing sent has: who, when, who holds it, and whether it was answered."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="%(class)s_set"
    )
    text = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who holds it in Needs attention; empty if nobody on the team could take it.",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_note = models.TextField(
        blank=True, help_text="What the team did, for the team: the person sees only the date."
    )

    class Meta:
        abstract = True

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class ContactMessage(Sent):
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    wants_advice_service = models.BooleanField(
        "asked the patient advice and liaison service to contact them", default=False
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["client", "sent_at"]),
            models.Index(fields=["team", "kind", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class RecordQuestion(Sent):
    """A question about one entry of "who has looked at my record": a day and a member of staff."""

    about_day = models.DateField()
    about_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    about_name = models.CharField(max_length=150, help_text="The name the person saw.")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["client", "sent_at"])]

    def __str__(self) -> str:
        return f"Question {self.pk}"
