"""Needs told by the person in the portal, and the therapist's decision on them.

``tell_needs`` stores what the person told and raises "Needs attention" for the therapist (the
team's lead when no therapist is allocated); nothing on the client changes. ``confirm_needs``
writes the differing fields to the client through ``update_client_details`` (audited, kept in the
history); ``discuss_needs`` leaves the record as it is, to be talked about together. Each is one
transaction with its audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.facts import lead_of
from iptclinic.attention.services import close_for_cause, raise_event_item
from iptclinic.audit import services as audit
from iptclinic.ipt.safety_net import NeedKind, Owner
from iptclinic.ipt.told_needs import NEED_FIELDS, changed_fields, normalise

from .access import can_edit_details
from .models import Client, NeedsTold, NeedsToldStatus
from .services import update_client_details

SUBJECT = "needs_told"
"""The subject type of "Needs attention" items about needs told in the portal."""


class NeedsError(ValueError):
    """Told needs that cannot be stored or decided as asked; the message says why, and ``code``
    names the reason so the portal can say it in the person's language."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def recorded_needs(client: Client) -> dict[str, Any]:
    return {name: getattr(client, name) for name in NEED_FIELDS}


def told_needs(told: NeedsTold) -> dict[str, Any]:
    return {name: getattr(told, name) for name in NEED_FIELDS}


def waiting_for(client: Client) -> NeedsTold | None:
    """What the person told that the therapist has not yet decided on."""
    return client.needs_told.filter(status=NeedsToldStatus.WAITING).first()


def item_key(told: NeedsTold) -> str:
    return f"needs_told:{told.pk}"


@transaction.atomic
def tell_needs(client: Client, *, actor: User, values: Mapping[str, Any]) -> NeedsTold:
    """Store the needs the person told, replacing any still waiting, and tell the therapist.

    Refused when the person is not ``client``'s portal user, or when nothing differs from both
    the record and what is already waiting.
    """
    client = (
        Client.objects.select_for_update(of=("self",))
        .select_related("team", "therapist")
        .get(pk=client.pk)
    )
    if client.portal_user_id != actor.pk:
        raise NeedsError("Only the person can tell us their own needs here.", "not_yours")
    told_values = normalise(values)
    changed = changed_fields(recorded_needs(client), told_values)
    earlier = waiting_for(client)
    if earlier is not None and not changed_fields(told_needs(earlier), told_values):
        raise NeedsError(
            "You have already told us this. Your therapist will confirm it.", "already_told"
        )
    if not changed and earlier is None:
        raise NeedsError(
            "These are the needs we already have for you. Nothing has changed.", "no_change"
        )
    now = timezone.now()
    if earlier is not None:
        earlier.status = NeedsToldStatus.REPLACED
        earlier.decided_at = now
        earlier.save(update_fields=["status", "decided_at"])
        close_for_cause(
            item_key(earlier), actor=actor, resolution="The person told their needs again."
        )
    told = NeedsTold.objects.create(
        client=client, told_by=actor, told_at=now, changed=changed, **told_values
    )
    team = client.team
    owner = client.therapist if client.therapist and client.therapist.is_active else lead_of(team)
    if owner is not None:
        raise_event_item(
            team,
            owner=owner,
            kind=NeedKind.NEEDS_TO_CONFIRM,
            key=item_key(told),
            title=f"{client.full_name} told us their communication needs: confirm them",
            due=team.working_week().within_working_days(now, 2),
            subject=(SUBJECT, told.pk),
            client=client,
            owner_role=Owner.THERAPIST if owner == client.therapist else Owner.LEAD,
        )
    audit.record(
        actor=actor,
        action="needs.tell",
        client=client,
        obj=told,
        detail={"fields": changed, "replaced": earlier.pk if earlier else None},
    )
    return told


def _decide(told: NeedsTold, actor: User) -> NeedsTold:
    told = NeedsTold.objects.select_for_update().select_related("client").get(pk=told.pk)
    if not can_edit_details(actor, told.client):
        raise NeedsError(
            "Only the therapist allocated to this client, or the service lead, can decide on their needs."
        )
    if told.status != NeedsToldStatus.WAITING:
        raise NeedsError("This has already been dealt with.")
    return told


@transaction.atomic
def confirm_needs(told: NeedsTold, *, actor: User) -> NeedsTold:
    """Write what the person told to their record: only the fields that differ now."""
    told = _decide(told, actor)
    client = Client.objects.select_for_update().get(pk=told.client_id)
    changes = {
        name: getattr(told, name)
        for name in changed_fields(recorded_needs(client), told_needs(told))
    }
    if changes:
        update_client_details(
            client,
            actor=actor,
            changes=changes,
            expected_version=client.version,
            reason=f"Told by the person in the portal on {timezone.localtime(told.told_at):%d %b %Y}; "
            "confirmed by the therapist.",
        )
    told.status = NeedsToldStatus.CONFIRMED
    told.decided_by = actor
    told.decided_at = timezone.now()
    told.save(update_fields=["status", "decided_by", "decided_at"])
    close_for_cause(item_key(told), actor=actor, resolution="The needs were confirmed.")
    audit.record(
        actor=actor,
        action="needs.confirm",
        client=client,
        obj=told,
        detail={"fields": sorted(changes)},
    )
    return told


@transaction.atomic
def discuss_needs(told: NeedsTold, *, actor: User) -> NeedsTold:
    """Leave the record as it is and talk about the needs with the person first."""
    told = _decide(told, actor)
    told.status = NeedsToldStatus.DISCUSS
    told.decided_by = actor
    told.decided_at = timezone.now()
    told.save(update_fields=["status", "decided_by", "decided_at"])
    close_for_cause(item_key(told), actor=actor, resolution="To talk about with the person first.")
    audit.record(actor=actor, action="needs.discuss", client=told.client, obj=told, detail={})
    return told
