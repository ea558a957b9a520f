"""The one entry point that writes to the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEvent

if TYPE_CHECKING:
    from iptclinic.accounts.models import User
    from iptclinic.clients.models import Client


def record(
    *,
    actor: User,
    action: str,
    client: Client | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event: who (actor), what (action and object), which client, when (now)."""
    return AuditEvent.objects.create(
        actor=actor,
        team_id=actor.team_id,
        action=action,
        client=client,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )


def record_list_view(*, actor: User, action: str, clients: Iterable[Client]) -> AuditEvent:
    """A list page writes one event naming every client it showed (decisions.md §24)."""
    return record(
        actor=actor, action=action, detail={"client_ids": sorted({c.pk for c in clients})}
    )
