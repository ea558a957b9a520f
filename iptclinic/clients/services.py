"""Every change to a client's record goes through here and is audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from iptclinic.accounts.models import Role, Team, User
from iptclinic.audit import services as audit
from iptclinic.lib.concurrency import save_if_unchanged

from .models import Client, Referral


class AllocationError(ValueError):
    """An allocation the team's rules do not allow; the message says why."""


def _check_therapist(therapist: User | None, team: Team) -> None:
    if therapist is not None and (therapist.team_id != team.pk or therapist.role != Role.THERAPIST):
        raise AllocationError(
            "A client can only be allocated to an IPT therapist in the same team."
        )


@transaction.atomic
def register_client(
    *, actor: User, details: dict[str, Any], referral: dict[str, Any], therapist: User | None
) -> Client:
    """Create a client with their first referral. A therapist who registers someone holds them."""
    team = actor.team
    assert team is not None
    _check_therapist(therapist, team)
    client = Client.objects.create(team=team, therapist=therapist, **details)
    first_referral = Referral.objects.create(client=client, **referral)
    audit.record(
        actor=actor,
        action="client.register",
        client=client,
        obj=client,
        detail={"referral_id": first_referral.pk},
    )
    return client


@transaction.atomic
def update_client_details(
    client: Client, *, actor: User, changes: dict[str, Any], expected_version: int | None
) -> Client:
    for name, value in changes.items():
        setattr(client, name, value)
    save_if_unchanged(client, expected_version, list(changes), "client's details")
    audit.record(
        actor=actor,
        action="client.update",
        client=client,
        obj=client,
        detail={"fields": sorted(changes)},
    )
    return client


@transaction.atomic
def allocate_client(client: Client, *, actor: User, therapist: User | None) -> Client:
    assert client.team is not None
    _check_therapist(therapist, client.team)
    client.therapist = therapist
    client.save(update_fields=["therapist"])
    audit.record(
        actor=actor,
        action="client.allocate",
        client=client,
        obj=client,
        detail={"therapist_id": therapist.pk if therapist else None},
    )
    return client


@transaction.atomic
def add_referral(client: Client, *, actor: User, details: dict[str, Any]) -> Referral:
    referral = Referral.objects.create(client=client, **details)
    audit.record(actor=actor, action="referral.add", client=client, obj=referral)
    return referral
