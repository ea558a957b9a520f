"""Keeping "Needs attention" in step with the safety-net rules, and closing items.

``sync_team`` is the periodic run: it asks the rules what is needed now, opens an item for each
need that has none, moves an item whose owner changed, and closes the items whose cause has gone
(recording why). A person closes an item only with a short note, which is audited; an item whose
cause is still there comes back the next working morning unless its cause was a one-off event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.audit import services as audit
from iptclinic.clients.models import Client
from iptclinic.ipt.safety_net import (
    GONE,
    Need,
    NeedKind,
    Owner,
    alert_needs,
    assign_owners,
    course_needs,
    duty_gap_needs,
    waiting_needs,
)
from iptclinic.measures.duty import on_duty

from .facts import TeamFacts, care_team, lead_of, team_facts
from .models import Item, SafetyNetRun

logger = logging.getLogger(__name__)

NOTE_LIMIT = 1000


class AttentionError(ValueError):
    """A change the work queue does not allow; the message says why."""


@dataclass
class SyncResult:
    opened: list[Item] = field(default_factory=list)
    moved: list[Item] = field(default_factory=list)
    closed: int = 0
    unowned: int = 0


def needs_of(facts: TeamFacts) -> list[tuple[Need, int | None]]:
    """Every need of the team now, each with its owner."""
    now, settings, week = facts.now, facts.settings, facts.week
    by_client: dict[int, list[Need]] = {}
    for course in facts.courses:
        by_client.setdefault(course.client_id, []).extend(course_needs(course, now, settings, week))
    for alert in facts.alerts:
        by_client.setdefault(alert.client_id, []).extend(alert_needs(alert, now, week))
    for referral in facts.referrals:
        by_client.setdefault(referral.client_id, []).extend(
            waiting_needs(referral, now, settings, week)
        )
    assigned = []
    for client_id, needs in by_client.items():
        assigned.extend(assign_owners(needs, facts.care[client_id]))
    team_needs = duty_gap_needs(facts.team.pk, facts.on_duty, now, settings, week)
    assigned.extend(assign_owners(team_needs, facts.care[0]))
    return assigned


def _reopen_after(recurs: bool, moment: datetime, team: Team) -> datetime | None:
    """A recurring cause comes back the next working morning; a one-off event never does."""
    return team.working_week().next_morning(moment) if recurs else None


def _new_item(team: Team, need: Need, owner_id: int, now: datetime) -> Item:
    subject_type, subject_id = need.subject or ("", None)
    return Item(
        team=team,
        owner_id=owner_id,
        owner_role=need.owner,
        kind=need.kind,
        key=need.key,
        from_rule=True,
        client_id=need.client_id,
        title=need.title,
        subject_type=subject_type,
        subject_id=subject_id,
        urgent=need.urgent,
        recurs=need.recurs,
        since=need.since,
        due=need.due,
        created_at=now,
    )


@transaction.atomic
def sync_team(team: Team, now: datetime | None = None) -> SyncResult:
    """Bring the team's rule-made items in line with what the rules need at ``now``."""
    now = now or timezone.now()
    facts = team_facts(team, now)
    result = SyncResult()
    wanted: dict[tuple[str, int], Need] = {}
    for need, owner_id in needs_of(facts):
        if owner_id is None:
            # Only a team with no clinician and no lead at all can get here; say so loudly.
            result.unowned += 1
            logger.error("A %s need of team %s has nobody to own it.", need.kind, team.pk)
            continue
        wanted[(need.key, owner_id)] = need
    open_items = {
        (item.key, item.owner_id): item
        for item in Item.objects.select_for_update().filter(
            team=team, from_rule=True, resolved_at__isnull=True
        )
    }
    keys = {key for key, _ in wanted}
    held_back = set(
        Item.objects.filter(team=team, key__in=keys, resolved_at__isnull=False)
        .filter(Q(reopen_after__isnull=True) | Q(reopen_after__gt=now))
        .values_list("key", "owner_id")
    )
    for pair, need in wanted.items():
        item = open_items.pop(pair, None)
        if item is not None:
            changed = {
                name: value
                for name, value in (
                    ("title", need.title),
                    ("due", need.due),
                    ("urgent", need.urgent),
                )
                if getattr(item, name) != value
            }
            if changed:
                for name, value in changed.items():
                    setattr(item, name, value)
                item.save(update_fields=list(changed))
            continue
        if pair in held_back:
            continue
        result.opened.append(_new_item(team, need, pair[1], now))
    for item in open_items.values():
        item.resolved_at = now
        item.resolution = GONE[NeedKind(item.kind)]
        item.reopen_after = now
        item.save(update_fields=["resolved_at", "resolution", "reopen_after"])
        result.closed += 1
    Item.objects.bulk_create(result.opened)
    return result


def resolve_item(item: Item, *, actor: User, note: str) -> Item:
    """The owner closes an item with what they did. Audited; a lasting cause comes back."""
    note = note.strip()
    if not note:
        raise AttentionError("Say in a few words what you did, so the item can be closed.")
    if len(note) > NOTE_LIMIT:
        raise AttentionError(f"Keep the note to {NOTE_LIMIT} characters.")
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("team").get(pk=item.pk)
        if item.owner_id != actor.pk:
            raise AttentionError("Only the person who holds this item can close it.")
        if not item.is_open:
            raise AttentionError("This item is already closed.")
        now = timezone.now()
        item.resolved_at = now
        item.resolved_by = actor
        item.resolution = note
        item.reopen_after = _reopen_after(item.recurs and item.from_rule, now, item.team)
        item.save(update_fields=["resolved_at", "resolved_by", "resolution", "reopen_after"])
        audit.record(
            actor=actor,
            action="attention.resolve",
            client=item.client,
            obj=item,
            detail={"kind": item.kind},
        )
    return item


def close_for_cause(key: str, *, actor: User, resolution: str) -> int:
    """Close every open item of one cause because ``actor`` dealt with it (an alert's review).

    Called inside the service that dealt with it, whose audit event records the change.
    """
    return Item.objects.filter(key=key, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution, reopen_after=None
    )


def move_client_items(client: Client, *, previous: User | None) -> list[Item]:
    """After a reallocation, hand the client's open items to the people now around them.

    An item held by the previous therapist goes to the new one; an item held in a supervisor's
    role goes to the new therapist's supervisor. Called inside the reallocation, which audits it.
    """
    client = Client.objects.select_related("therapist__supervisor", "team").get(pk=client.pk)
    team = client.team
    care = care_team(client, on_duty(team), lead_of(team))
    moved = []
    for item in Item.objects.select_for_update().filter(client=client, resolved_at__isnull=True):
        if item.owner_role not in (Owner.THERAPIST, Owner.SUPERVISOR):
            continue
        if item.owner_role == Owner.THERAPIST and item.owner_id != getattr(previous, "pk", None):
            continue
        new_owner = care.person(Owner(item.owner_role)) or care.lead
        if new_owner is None or new_owner == item.owner_id:
            continue
        if Item.objects.filter(key=item.key, owner_id=new_owner, resolved_at__isnull=True).exists():
            item.resolved_at = timezone.now()
            item.resolution = "Moved with the client to their new therapist, who holds it already."
            item.reopen_after = item.resolved_at
            item.save(update_fields=["resolved_at", "resolution", "reopen_after"])
            continue
        item.owner_id = new_owner
        item.save(update_fields=["owner"])
        moved.append(item)
    return moved


def raise_event_item(
    team: Team,
    *,
    owner: User,
    kind: NeedKind,
    key: str,
    title: str,
    due: datetime,
    subject: tuple[str, int] | None = None,
    client: Client | None = None,
    urgent: bool = False,
    owner_role: Owner = Owner.LEAD,
) -> Item | None:
    """An item caused by an event (a message not delivered, work that failed): it stays until
    its owner closes it. Returns None if the same cause is already open for that owner."""
    subject_type, subject_id = subject or ("", None)
    try:
        with transaction.atomic():
            return Item.objects.create(
                team=team,
                owner=owner,
                owner_role=owner_role,
                kind=kind,
                key=key,
                from_rule=False,
                client=client,
                title=title,
                subject_type=subject_type,
                subject_id=subject_id,
                urgent=urgent,
                recurs=False,
                since=timezone.now(),
                due=due,
            )
    except IntegrityError:
        return None


FAILURES_BEFORE_TELLING = 3


def record_run(team: Team, now: datetime, *, failure: str = "") -> SafetyNetRun:
    """Note a run of the team's safety net; after three failures in a row the lead is told."""
    run, _ = SafetyNetRun.objects.get_or_create(team=team)
    if not failure:
        run.succeeded_at = now
        run.failures_in_a_row = 0
        run.save(update_fields=["succeeded_at", "failures_in_a_row"])
        return run
    run.failed_at = now
    run.failures_in_a_row += 1
    run.save(update_fields=["failed_at", "failures_in_a_row"])
    lead = lead_of(team)
    if run.failures_in_a_row >= FAILURES_BEFORE_TELLING and lead is not None:
        raise_event_item(
            team,
            owner=lead,
            kind=NeedKind.JOB_FAILED,
            key=f"safety_net_failing:{team.pk}:{run.failed_at.date().isoformat()}",
            title=f"The safety-net checks have failed {run.failures_in_a_row} times in a row "
            f"({failure}): risk escalations may not be sent. Ask IT support to look at the "
            "workers now.",
            due=now,
            subject=("team", team.pk),
            urgent=True,
        )
    return run
