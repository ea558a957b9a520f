"""The audit log. Rows are written once and never changed or deleted (style.md §6).

The database refuses it too (triggers, migration 0003), whatever the code path; and each event
is chained by a keyed hash to the one before it in its chain, so a change made with the triggers
out of the way is found by ``manage.py verify_audit`` (docs/security/audit.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import chain as hash_chain


class AuditLogIsAppendOnly(Exception):
    """Raised by any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        raise AuditLogIsAppendOnly("Audit events are written one at a time, each chained.")


class AuditChainHead(models.Model):
    """The last event of one chain: locked while the next event is written, so two requests
    never take the same sequence number."""

    chain = models.CharField(max_length=40, primary_key=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=hash_chain.GENESIS)

    def __str__(self) -> str:
        return f"{self.chain} #{self.last_sequence}"


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # Empty for security events about nobody signed in (a failed sign-in).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, related_name="audit_events"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # Identifiers and the names of changed fields only: never the clinical content itself.
    detail = models.JSONField(default=dict, blank=True)
    # Where it came from (audit.context): a keyed digest of the session key, the address as the
    # service keeps it (IPTCLINIC_AUDIT_ADDRESS), the browser's family. Empty for background work.
    session_ref = models.CharField(max_length=16, blank=True)
    address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=80, blank=True)
    # The hash chain (audit.chain).
    chain = models.CharField(max_length=40, editable=False)
    sequence = models.PositiveBigIntegerField(editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["client", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
            models.Index(fields=["team", "occurred_at"], name="audit_team_time_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        # No savepoint of its own: inside a request's or a service's transaction the event and
        # its head commit (or roll back) with the rest.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            self._join_chain()
            super().save(*args, **kwargs)

    def _join_chain(self) -> None:
        """Take the next place in the event's chain: lock the head, hash, move the head on."""
        self.chain = hash_chain.chain_for(self.team_id)
        self.detail = hash_chain.normalised(self.detail or {})
        # The same queries every time (a first event in a chain costs no more than the next):
        # INSERT ... ON CONFLICT DO NOTHING, then the head locked (SELECT ... FOR UPDATE).
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=self.chain)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(chain=self.chain)
        self.occurred_at = timezone.now()
        self.sequence = head.last_sequence + 1
        self.previous_hash = head.last_hash
        self.hash = hash_chain.event_hash(
            hash_chain.fields_of(self),
            chain=self.chain,
            sequence=self.sequence,
            previous_hash=self.previous_hash,
        )
        head.last_sequence, head.last_hash = self.sequence, self.hash
        head.save(update_fields=["last_sequence", "last_hash"])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
