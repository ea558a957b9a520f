"""The periodic unusual-access check: new audit events since the last run, read by the rules of
``ipt/unusual_access.py``; one "Needs attention" item for the team's service lead per person,
rule and day (decisions §33). Items never name a client: they name the member of staff and link
to their activity, where the lead sees which record it was.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.attention.facts import lead_of
from iptclinic.attention.models import Item, UnusualAccessCheck
from iptclinic.attention.services import raise_event_item
from iptclinic.clients.models import Allocation
from iptclinic.ipt import unusual_access as rules
from iptclinic.ipt.safety_net import NeedKind

from .models import AuditEvent
from .reading import unusual_access_settings

logger = logging.getLogger(__name__)

LATE_WRITES = timedelta(minutes=5)
"""Read again this far back, for an event committed a little after the time it carries."""
FIRST_LOOK_BACK = timedelta(days=1)


@dataclass
class CheckResult:
    events: int = 0
    flags: int = 0
    opened: list[Item] = field(default_factory=list)


def _accesses(team: Team, low: datetime, high: datetime) -> list[rules.Access]:
    """The team's events in (low, high] as the rules see them, in three queries."""
    rows = list(
        AuditEvent.objects.filter(
            team=team, occurred_at__gt=low, occurred_at__lte=high
        ).values_list(
            "pk",
            "occurred_at",
            "actor_id",
            "actor__is_service_lead",
            "actor__is_service_user",
            "action",
            "client_id",
            "client__therapist_id",
            "client__portal_user_id",
        )
    )
    client_ids = {row[6] for row in rows if row[6] is not None}
    histories: dict[int, list[rules.Allocation]] = defaultdict(list)
    for client_id, at, therapist, previous in Allocation.objects.filter(
        client_id__in=client_ids
    ).values_list("client_id", "allocated_at", "therapist_id", "previous_id"):
        histories[client_id].append(rules.Allocation(at, therapist, previous))
    therapists = {row[7] for row in rows if row[7]} | {
        p for h in histories.values() for a in h for p in (a.therapist, a.previous) if p
    }
    supervisor_of = dict(User.objects.filter(pk__in=therapists).values_list("pk", "supervisor_id"))
    accesses = []
    for pk, at, actor, lead, service_user, action, client, current, portal_user in rows:
        person = rules.Person(actor, is_lead=lead, is_staff=not service_user) if actor else None
        relation = rules.Relation.UNKNOWN
        if client is not None:
            therapist = rules.therapist_at(at, histories[client], current)
            relation = rules.relation_at(person, portal_user, therapist, supervisor_of)
        accesses.append(rules.Access(pk, at, person, action, client, relation))
    return accesses


@transaction.atomic
def check_team(team: Team, now: datetime | None = None) -> CheckResult:
    """Read the team's new events and open the items they call for. Safe to run twice."""
    now = now or timezone.now()
    settings = unusual_access_settings()
    check = UnusualAccessCheck.objects.select_for_update().filter(
        team=team
    ).first() or UnusualAccessCheck(team=team, checked_until=now - FIRST_LOOK_BACK)
    since = check.checked_until - LATE_WRITES
    accesses = _accesses(team, since - settings.window, now)
    found = [f for f in rules.flags(accesses, settings) if f.at > since]
    result = CheckResult(events=sum(1 for a in accesses if a.at > since), flags=len(found))
    wanted = rules.daily_items(found, settings)
    lead = lead_of(team)
    if wanted and lead is None:
        logger.error("Unusual access in team %s has no service lead to look at it.", team.pk)
    elif wanted:
        assert lead is not None
        known = set(
            Item.objects.filter(key__in=[w.key for w in wanted]).values_list("key", flat=True)
        )
        names = dict(
            (u.pk, u.display_name) for u in User.objects.filter(pk__in={w.actor_id for w in wanted})
        )
        week = team.working_week()
        due = week.end_of_day(week.next_working_day(week.local_date(now)))
        for need in wanted:
            if need.key in known:
                continue
            item = raise_event_item(
                team,
                owner=lead,
                kind=NeedKind.UNUSUAL_ACCESS,
                key=need.key,
                title=f"Check {names.get(need.actor_id, 'a member of staff')}'s access on "
                f"{need.day:%-d %B %Y}: {rules.RULE_LABELS[need.rule].lower()}.",
                due=due,
                subject=("user", need.actor_id),
            )
            if item is not None:
                result.opened.append(item)
    check.checked_until = now
    check.events_read = result.events
    check.save()
    return result
