"""Disposal decisions on records past their retention date (issue 10 item 6, decisions.md §39).

Nothing is deleted automatically: a service lead reviews a record and records a decision, to keep
it until a later date (a legal hold, an open complaint) or to destroy it. A destroyed record
leaves a tombstone: the client row with its identity blanked, and its ``DisposalDecision``, so the
audit events that name the client still point at something.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Decision(models.TextChoices):
    KEEP = "keep", "Keep until a later date"
    DESTROY = "destroy", "Destroy"


class DisposalDecision(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="disposal_decisions"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    keep_until = models.DateField(null=True, blank=True)
    reason = models.TextField()
    last_contact = models.DateField(help_text="The last contact when the decision was made.")
    due_on = models.DateField(help_text="The retention date when the decision was made.")
    erased = models.JSONField(
        default=dict, blank=True, help_text="What a destruction erased: rows per kind of record."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["client", "decision", "keep_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="destroy", keep_until__isnull=True)
                | Q(decision="keep", keep_until__isnull=False),
                name="keep_has_a_date_destroy_has_none",
            ),
            models.UniqueConstraint(
                fields=["client"], condition=Q(decision="destroy"), name="destroyed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} (client {self.client_id})"


class RetentionCheck(models.Model):
    """How far the team's daily retention check has looked, so a record newly due is told once."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, primary_key=True, related_name="retention_check"
    )
    checked_through = models.DateField()

    def __str__(self) -> str:
        return f"Retention check of team {self.team_id} through {self.checked_through}"
