"""The one entry point that writes to the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from . import context
from .models import AuditEvent

if TYPE_CHECKING:
    from iptclinic.accounts.models import User
    from iptclinic.clients.models import Client


_NO_TEAM = object()


def record(
    *,
    actor: User | None,
    action: str,
    client: Client | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    team_id: int | None | object = _NO_TEAM,
) -> AuditEvent:
    """Write one audit event: who (actor), what (action and object), which client, when (now),
    and from where (the request being answered, if any: ``audit.context``).

    The team is the actor's unless given (a failed sign-in has no actor but may name the team of
    the account it was aimed at). The event joins its team's hash chain (``AuditEvent.save``).
    """
    if team_id is _NO_TEAM:
        team_id = actor.team_id if actor is not None else None
    where = context.current()
    return AuditEvent.objects.create(
        actor=actor,
        team_id=team_id,
        action=action,
        client=client,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
        session_ref=where.session_ref,
        address=where.address,
        user_agent=where.user_agent,
    )


def record_list_view(
    *,
    actor: User,
    action: str,
    clients: Iterable[Client],
    search: dict[str, Any] | None = None,
) -> AuditEvent:
    """A list page writes one event naming every client it showed (decisions.md §24).

    Lists show a bounded page of work, never every client the person may see, so the event
    stays small; a searched list also records the search and the page, so the event says how
    those clients came to be shown (docs/audit.md).
    """
    detail: dict[str, Any] = {"client_ids": sorted({c.pk for c in clients})}
    if search is not None:
        detail["search"] = search
    return record(actor=actor, action=action, detail=detail)
