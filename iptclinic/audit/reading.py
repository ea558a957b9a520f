"""Reading the audit: a client's trail, a person's activity, each line with who stood how to the
client at the time and any unusual-access flag (rules in ``ipt/unusual_access.py``).

Every read is one page of events from an index, never the whole log: a client's trail uses
``(client, occurred_at)``, a person's activity ``(actor, occurred_at)``. Turning a page of events
into lines takes a fixed number of queries, whatever the page holds (allocation history,
supervisors, and the hour before the page for the many-clients rule).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Max, Min, Q, QuerySet, When
from django.db.models.functions import TruncDate

from iptclinic.accounts.models import Team, User
from iptclinic.attention.models import Item, UnusualAccessCheck
from iptclinic.clients.models import Allocation, Client
from iptclinic.ipt import unusual_access as rules
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.ipt.unusual_access import RELATION_LABELS, RULE_LABELS, Relation, Rule

from .labels import LOOKING, NOT_FOR_THE_CLIENT_PREFIXES, describe
from .models import AuditEvent

PAGE_SIZE = 50
CSV_BATCH = 1000


def unusual_access_settings() -> rules.UnusualAccessSettings:
    return rules.UnusualAccessSettings(
        many_clients=settings.IPTCLINIC_UNUSUAL_MANY_CLIENTS, zone=settings.TIME_ZONE
    )


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of ``start`` to the end of ``end``, as dates in the service's zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(start, time(0), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone),
    )


def client_events(client: Client, start: date, end: date) -> QuerySet[AuditEvent]:
    low, high = bounds(start, end)
    return (
        AuditEvent.objects.filter(client=client, occurred_at__gte=low, occurred_at__lt=high)
        .select_related("actor", "client")
        .order_by("-occurred_at", "-id")
    )


def person_events(person: User, start: date, end: date) -> QuerySet[AuditEvent]:
    low, high = bounds(start, end)
    return (
        AuditEvent.objects.filter(actor=person, occurred_at__gte=low, occurred_at__lt=high)
        .select_related("actor", "client")
        .order_by("-occurred_at", "-id")
    )


@dataclass
class Line:
    event: AuditEvent
    what: str
    relation: Relation
    flags: list[Rule] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return self.event.occurred_at

    @property
    def who(self) -> str:
        actor = self.event.actor
        return actor.display_name if actor is not None else "No account"

    @property
    def relation_label(self) -> str:
        return RELATION_LABELS[self.relation]

    @property
    def flag_labels(self) -> list[str]:
        return [RULE_LABELS[rule] for rule in self.flags]

    @property
    def unusual(self) -> bool:
        return bool(self.flags)


def person_of(user: User | None) -> rules.Person | None:
    if user is None:
        return None
    return rules.Person(user.pk, is_lead=user.is_service_lead, is_staff=not user.is_service_user)


def _histories(client_ids: set[int]) -> dict[int, list[rules.Allocation]]:
    histories: dict[int, list[rules.Allocation]] = defaultdict(list)
    for client_id, at, therapist, previous in Allocation.objects.filter(
        client_id__in=client_ids
    ).values_list("client_id", "allocated_at", "therapist_id", "previous_id"):
        histories[client_id].append(rules.Allocation(at, therapist, previous))
    return histories


def relations(events: Sequence[AuditEvent]) -> dict[int, Relation]:
    """How each event's person stood to its client at the time (two queries)."""
    clients = {e.client_id: e.client for e in events if e.client is not None}
    histories = _histories(set(clients))
    therapists = {c.therapist_id for c in clients.values() if c.therapist_id} | {
        person
        for history in histories.values()
        for allocation in history
        for person in (allocation.therapist, allocation.previous)
        if person
    }
    supervisor_of = dict(User.objects.filter(pk__in=therapists).values_list("pk", "supervisor_id"))
    found = {}
    for e in events:
        client = e.client
        if client is None:
            found[e.pk] = Relation.UNKNOWN
            continue
        therapist = rules.therapist_at(e.occurred_at, histories[client.pk], client.therapist_id)
        found[e.pk] = rules.relation_at(
            person_of(e.actor), client.portal_user_id, therapist, supervisor_of
        )
    return found


def _the_hour_before(events: Sequence[AuditEvent], window: timedelta) -> list[rules.Access]:
    """The per-client events of the same people in the window before each of ``events``, for
    the many-clients rule (one query). Only those hours are read, not the whole range between
    the first and the last line, so a busy person's week is never loaded for a page."""
    spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for e in sorted(events, key=lambda e: e.occurred_at):
        if e.actor_id is None or e.client_id is None:
            continue
        low, high = e.occurred_at - window, e.occurred_at
        merged = spans[e.actor_id]
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    if not spans:
        return []
    hours = Q(pk__in=[])
    for actor, merged in spans.items():
        for low, high in merged:
            hours |= Q(actor_id=actor, occurred_at__gt=low, occurred_at__lte=high)
    context = (
        AuditEvent.objects.filter(client__isnull=False)
        .filter(hours)
        .values_list("pk", "occurred_at", "actor_id", "action", "client_id")
    )
    return [
        rules.Access(pk, at, rules.Person(actor), action, client)
        for pk, at, actor, action, client in context
    ]


def lines(events: Sequence[AuditEvent]) -> list[Line]:
    """Lines for a page of events, in their order, in a fixed number of queries."""
    events = list(events)
    if not events:
        return []
    settings_ = unusual_access_settings()
    related = relations(events)
    accesses = {
        e.pk: rules.Access(
            e.pk, e.occurred_at, person_of(e.actor), e.action, e.client_id, related[e.pk]
        )
        for e in events
    }
    context = [a for a in _the_hour_before(events, settings_.window) if a.event_id not in accesses]
    found: dict[int, list[Rule]] = defaultdict(list)
    for flag in rules.flags([*accesses.values(), *context], settings_):
        if flag.event_id in accesses:
            found[flag.event_id].append(flag.rule)
    return [
        Line(e, describe(e.action, e.detail), related[e.pk], found.get(e.pk, [])) for e in events
    ]


CSV_HEADER = [
    "When (UK time)",
    "Who",
    "Relationship to the client at the time",
    "Client ID",
    "What",
    "Action code",
    "Unusual",
]


def csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[object]]:
    """The header and one row per event, read in batches so a long range never sits in memory."""
    zone = ZoneInfo(settings.TIME_ZONE)
    yield CSV_HEADER
    iterator = events.iterator(chunk_size=CSV_BATCH)
    while batch := list(islice(iterator, CSV_BATCH)):
        for line in lines(batch):
            yield [
                line.when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                line.who,
                line.relation_label,
                line.event.client_id or "",
                line.what,
                line.event.action,
                "; ".join(line.flag_labels),
            ]


# --- The unusual-access list: the items the periodic check opened -------------------------------


@dataclass
class UnusualRow:
    item: Item
    person: User | None
    person_id: int
    rule_label: str
    day: date


def unusual_items(team: Team, start: date, end: date) -> QuerySet[Item]:
    """The unusual-access items of the team whose day falls in the range, newest first."""
    low, high = bounds(start, end)
    return (
        Item.objects.filter(team=team, kind=NeedKind.UNUSUAL_ACCESS, since__gte=low, since__lt=high)
        .select_related("owner", "resolved_by")
        .order_by("-since", "-id")
    )


def unusual_rows(items: Sequence[Item]) -> list[UnusualRow]:
    parsed = {item.pk: rules.parse_item_key(item.key) for item in items}
    people = User.objects.in_bulk({p[0] for p in parsed.values() if p is not None})
    rows = []
    for item in items:
        key = parsed[item.pk]
        if key is None:
            continue
        person_id, rule, day = key
        rows.append(UnusualRow(item, people.get(person_id), person_id, RULE_LABELS[rule], day))
    return rows


def last_check(team: Team) -> UnusualAccessCheck | None:
    return UnusualAccessCheck.objects.filter(team=team).first()


# --- "Who has looked at my record": the service user's own page ---------------------------------

PORTAL_PAGE_SIZE = 30

PORTAL_ROLES: dict[Relation, str] = {
    Relation.THERAPIST: "Your therapist",
    Relation.SUPERVISOR: "Your therapist's supervisor",
    Relation.LEAD: "A service lead",
    Relation.OUTSIDE: "Another member of staff",
}


@dataclass
class Visit:
    day: date
    name: str
    role: str
    did: str
    person_id: int | None = None


def staff_visits(client: Client) -> QuerySet[AuditEvent, dict[str, Any]]:
    """Staff looks at and changes to the client's record, one row per day and person.

    Left out: the client's own use of the portal, events with no person, security events and
    refusals (they are about staff accounts, not the record), and list pages (they show a name,
    not the record).
    """
    events = AuditEvent.objects.filter(
        client=client, actor__isnull=False, actor__is_service_user=False
    )
    if client.portal_user_id is not None:
        events = events.exclude(actor_id=client.portal_user_id)
    for prefix in NOT_FOR_THE_CLIENT_PREFIXES:
        events = events.exclude(action__startswith=prefix)
    looking = Case(When(action__in=LOOKING, then=0), default=1, output_field=IntegerField())
    return (
        events.annotate(day=TruncDate("occurred_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("day", "actor_id")
        .annotate(first=Min("occurred_at"), changed=Max(looking), only_changed=Min(looking))
        .order_by("-day", "first")
    )


def visits(client: Client, rows: Sequence[dict[str, Any]]) -> list[Visit]:
    """A page of :func:`staff_visits` in plain words (three queries)."""
    rows = list(rows)
    people = User.objects.in_bulk({row["actor_id"] for row in rows})
    history = _histories({client.pk})[client.pk]
    therapists = {client.therapist_id} | {
        p for a in history for p in (a.therapist, a.previous) if p
    }
    supervisor_of = dict(
        User.objects.filter(pk__in=therapists - {None}).values_list("pk", "supervisor_id")
    )
    found = []
    for row in rows:
        person = people.get(row["actor_id"])
        therapist = rules.therapist_at(row["first"], history, client.therapist_id)
        relation = rules.relation_at(
            person_of(person), client.portal_user_id, therapist, supervisor_of
        )
        looked, changed = not row["only_changed"], bool(row["changed"])
        did = (
            "Looked at and updated your record"
            if looked and changed
            else "Updated your record"
            if changed
            else "Looked at your record"
        )
        found.append(
            Visit(
                row["day"],
                person.display_name if person else "A member of staff",
                PORTAL_ROLES.get(relation, "Another member of staff"),
                did,
                row["actor_id"],
            )
        )
    return found
