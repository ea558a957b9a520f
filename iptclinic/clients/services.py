"""Every change to a client's record goes through here and is audited in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.attention.models import Item
from iptclinic.attention.services import move_client_items
from iptclinic.audit import services as audit
from iptclinic.courses.models import Course
from iptclinic.courses.selectors import OPEN_STATES
from iptclinic.lib.concurrency import save_if_unchanged
from iptclinic.measures.models import RiskAlert
from iptclinic.reports.services import refresh_client_outcomes, refresh_outcomes

from .models import Allocation, Client, Referral


class AllocationError(ValueError):
    """An allocation the team's rules do not allow; the message says why."""


def _check_therapist(therapist: User | None, team: Team) -> None:
    if therapist is not None and (therapist.team_id != team.pk or not therapist.is_therapist):
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
    refresh_outcomes([first_referral.pk])
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
    client: Client,
    *,
    actor: User,
    changes: dict[str, Any],
    expected_version: int | None,
    reason: str,
) -> Client:
    """Correct saved details: the earlier values stay in the history with who, when and why."""
    for name, value in changes.items():
        setattr(client, name, value)
    save_if_unchanged(
        client, expected_version, list(changes), "client's details", actor=actor, reason=reason
    )
    audit.record(
        actor=actor,
        action="client.update",
        client=client,
        obj=client,
        detail={"fields": sorted(changes)},
    )
    return client


@dataclass(frozen=True)
class CareInProgress:
    """What moves with a client when they change therapist, for the confirmation page."""

    open_courses: int
    open_alerts: int
    open_items: int

    @property
    def any(self) -> bool:
        return bool(self.open_courses or self.open_alerts or self.open_items)


def care_in_progress(client: Client) -> CareInProgress:
    return CareInProgress(
        open_courses=Course.objects.filter(referral__client=client, state__in=OPEN_STATES).count(),
        open_alerts=RiskAlert.objects.open().filter(client=client).count(),
        open_items=Item.objects.filter(client=client, resolved_at__isnull=True).count(),
    )


def check_allocation(client: Client, therapist: User | None, reason: str) -> None:
    """Raise :class:`AllocationError` unless ``therapist`` may take ``client`` with ``reason``."""
    assert client.team is not None
    _check_therapist(therapist, client.team)
    if therapist is not None and not therapist.is_active:
        raise AllocationError("This therapist's account is not active. Choose someone else.")
    care = care_in_progress(client)
    if therapist is None and (care.open_courses or care.open_alerts):
        raise AllocationError(
            f"{client.full_name} has a course in progress or an open risk alert, so someone must "
            "hold their care. Choose the therapist who takes it over."
        )
    if client.therapist is not None and care.any and not reason.strip():
        raise AllocationError(
            f"Say why {client.full_name} is moving to another therapist: the reason is kept "
            "with their record."
        )


@transaction.atomic
def allocate_client(
    client: Client, *, actor: User, therapist: User | None, reason: str = ""
) -> Client:
    """Allocate a client, or move them to another therapist with a reason.

    A client with a course in progress or an open risk alert always has a therapist who can act
    on it (issue 8): they cannot be left unallocated, and a move takes the course, the alerts and
    the pending "Needs attention" items to the new therapist in this one step.
    """
    # "of": PostgreSQL cannot lock the nullable side of the join to the therapist.
    client = (
        Client.objects.select_for_update(of=("self",))
        .select_related("team", "therapist")
        .get(pk=client.pk)
    )
    previous = client.therapist
    if therapist == previous:
        return client
    check_allocation(client, therapist, reason)
    reason = reason.strip()
    client.therapist = therapist
    client.save(update_fields=["therapist"])
    allocation = Allocation.objects.create(
        client=client,
        therapist=therapist,
        previous=previous,
        reason=reason,
        allocated_by=actor,
        allocated_at=timezone.now(),
    )
    moved = move_client_items(client, previous=previous)
    refresh_client_outcomes(client)
    audit.record(
        actor=actor,
        action="client.reallocate" if previous else "client.allocate",
        client=client,
        obj=allocation,
        detail={
            "therapist_id": therapist.pk if therapist else None,
            "previous_id": previous.pk if previous else None,
            "items_moved": len(moved),
        },
    )
    return client


@transaction.atomic
def add_referral(client: Client, *, actor: User, details: dict[str, Any]) -> Referral:
    referral = Referral.objects.create(client=client, **details)
    refresh_outcomes([referral.pk])
    audit.record(actor=actor, action="referral.add", client=client, obj=referral)
    return referral


@transaction.atomic
def correct_referral(
    referral: Referral,
    *,
    actor: User,
    changes: dict[str, Any],
    expected_version: int | None,
    reason: str,
) -> Referral:
    """Correct a saved referral: the earlier details stay in the history with who, when and why."""
    for name, value in changes.items():
        setattr(referral, name, value)
    save_if_unchanged(
        referral, expected_version, list(changes), "referral", actor=actor, reason=reason
    )
    refresh_outcomes([referral.pk])
    audit.record(
        actor=actor,
        action="referral.update",
        client=referral.client,
        obj=referral,
        detail={"fields": sorted(changes)},
    )
    return referral
