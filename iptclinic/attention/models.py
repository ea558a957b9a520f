""" "Needs attention": the one work queue where IPT Clinic asks a person to act (decisions §33).

An item has one owner, a due time and, once closed, a recorded resolution. Items made by the
safety-net rules (``ipt.safety_net``) are kept in step with their cause by the periodic run;
items made by an event (a message that could not be sent) are closed by a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptclinic.ipt.safety_net import KIND_LABELS, NeedKind, Owner


class Item(models.Model):
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="attention_items"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attention_items"
    )
    owner_role = models.CharField(max_length=20, choices=[(o.value, o.value) for o in Owner])
    kind = models.CharField(max_length=30, choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    key = models.CharField(max_length=120, help_text="The cause: the same cause, the same key.")
    from_rule = models.BooleanField(
        default=True, help_text="Kept in step with its cause by the safety-net rules."
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attention_items",
    )
    title = models.CharField(max_length=300)
    subject_type = models.CharField(max_length=20, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    recurs = models.BooleanField(default=True)

    since = models.DateTimeField()
    due = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    told_at = models.DateTimeField(
        null=True, blank=True, help_text="When its owner was last sent a message about it."
    )

    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the item closed itself because its cause went away.",
    )
    resolution = models.TextField(blank=True)
    reopen_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text="If its cause is still there after this time, a new item is opened.",
    )

    class Meta:
        ordering = ["-urgent", "due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "owner"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_item_per_cause_and_owner",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "resolved_at", "due"]),
            models.Index(fields=["team", "resolved_at", "due"]),
            models.Index(fields=["key"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.title}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[NeedKind(self.kind)]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due <= timezone.now()


class SafetyNetRun(models.Model):
    """When the team's safety net last ran, so that every page can say if it has stopped."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, primary_key=True, related_name="safety_net_run"
    )
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Safety net of team {self.team_id}"


class UnusualAccessCheck(models.Model):
    """How far the audit has been read for unusual access (``audit.checks``), per team.

    The next run reads from a few minutes before ``checked_until``, so an event written late in a
    long transaction is still seen; items are keyed, so reading an event twice changes nothing.
    """

    team = models.OneToOneField(
        "accounts.Team",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="unusual_access_check",
    )
    checked_until = models.DateTimeField()
    events_read = models.PositiveIntegerField(default=0, help_text="In the last run.")

    def __str__(self) -> str:
        return f"Unusual-access check of team {self.team_id}"
