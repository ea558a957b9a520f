"""Unusual access to clients' records: rules an information-governance officer reads the audit by.

Pure functions over plain facts (no Django). The audit app gathers the facts: each event as an
:class:`Access`, each client's allocation history as :class:`Allocation` rows, and who supervises
whom. The rules only *flag*; a person decides whether an access was wrong. Sources: NHS England's
Data Security and Protection Toolkit (access to records is monitored and
unusual access investigated) and the Caldicott principles (access on a strict need-to-know
basis). Thresholds and reasons: docs/audit-reading.md.

Rules (docs/audit-reading.md explains the thresholds):

- ``outside_caseload``: a staff member opened a client who was not on their caseload, nor on a
  supervisee's caseload, at that moment.
- ``lead_outside_caseload``: the same for a service lead. Leads see the whole team and have
  reasons (allocation, complaints, cover), so it is shown for review but raises no work item.
- ``many_clients``: one person opened ``many_clients`` or more different clients' records within
  ``window`` (default 15 in an hour): more than a therapist sees in a working day.
- ``refused``: an access the access rules refused (``access.refused``): someone tried a record
  they may not see, typing addresses by hand or following an old link.
- ``night``: a record opened at night (default 22:00 to 06:00 in the service's time zone), when
  no clinic runs: the pattern of looking up a neighbour or a relative from home.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

REFUSED_ACTION = "access.refused"


class Relation(StrEnum):
    """A person's relationship to a client at the moment of an event."""

    THERAPIST = "therapist"
    SUPERVISOR = "supervisor"
    LEAD = "lead"
    OUTSIDE = "outside"
    SELF = "self"  # the client themselves, in the portal
    UNKNOWN = "unknown"  # no person (a security event with no account) or no client


RELATION_LABELS: Mapping[Relation, str] = MappingProxyType(
    {
        Relation.THERAPIST: "Allocated therapist",
        Relation.SUPERVISOR: "Supervisor of the allocated therapist",
        Relation.LEAD: "Service lead",
        Relation.OUTSIDE: "Not on their caseload",
        Relation.SELF: "The client",
        Relation.UNKNOWN: "",
    }
)


class Rule(StrEnum):
    OUTSIDE_CASELOAD = "outside_caseload"
    LEAD_OUTSIDE_CASELOAD = "lead_outside_caseload"
    MANY_CLIENTS = "many_clients"
    REFUSED = "refused"
    NIGHT = "night"


RULE_LABELS: Mapping[Rule, str] = MappingProxyType(
    {
        Rule.OUTSIDE_CASELOAD: "Opened a client not on their caseload",
        Rule.LEAD_OUTSIDE_CASELOAD: "Service lead, outside a caseload: to review",
        Rule.MANY_CLIENTS: "Many clients' records in an hour",
        Rule.REFUSED: "Refused access",
        Rule.NIGHT: "Opened a record at night",
    }
)

# Rules that make a "Needs attention" item for the service lead (one per person, rule and day).
ITEM_RULES = frozenset(Rule) - {Rule.LEAD_OUTSIDE_CASELOAD}


@dataclass(frozen=True)
class UnusualAccessSettings:
    many_clients: int = 15
    window: timedelta = timedelta(hours=1)
    night_starts: time = time(22, 0)
    night_ends: time = time(6, 0)
    zone: str = "Europe/London"

    def __post_init__(self) -> None:
        if self.many_clients < 2:
            raise ValueError("The many-clients threshold must be at least 2.")
        if self.window <= timedelta(0):
            raise ValueError("The window must be longer than nothing.")


@dataclass(frozen=True)
class Allocation:
    """A change of a client's therapist: from ``previous`` to ``therapist`` at ``at``."""

    at: datetime
    therapist: int | None
    previous: int | None


@dataclass(frozen=True)
class Person:
    id: int
    is_lead: bool = False
    is_staff: bool = True


@dataclass(frozen=True)
class Access:
    """One audit event as the rules see it."""

    event_id: int
    at: datetime
    actor: Person | None
    action: str
    client_id: int | None
    relation: Relation = Relation.UNKNOWN

    @property
    def opens_a_record(self) -> bool:
        """A staff member's view of, or change to, one client's record."""
        return (
            self.client_id is not None
            and self.actor is not None
            and self.actor.is_staff
            and self.action != REFUSED_ACTION
        )


@dataclass(frozen=True)
class Flag:
    event_id: int
    actor_id: int
    rule: Rule
    at: datetime


def therapist_at(
    at: datetime, allocations: Sequence[Allocation], current: int | None
) -> int | None:
    """The therapist a client was allocated to at ``at``.

    ``allocations`` is the client's allocation history (any order). Before the first recorded
    change the client was with that change's ``previous`` therapist (a client registered with a
    therapist has no allocation row); with no history, the current therapist.
    """
    history = sorted(allocations, key=lambda a: a.at)
    if not history:
        return current
    holder = history[0].previous
    for allocation in history:
        if allocation.at <= at:
            holder = allocation.therapist
        else:
            break
    return holder


def relation_at(
    person: Person | None,
    client_portal_user: int | None,
    therapist: int | None,
    supervisor_of: Mapping[int, int | None],
) -> Relation:
    """How ``person`` stood to a client whose therapist (at that time) was ``therapist``.

    The closest relationship wins: the allocated therapist, then their supervisor, then a lead.
    """
    if person is None:
        return Relation.UNKNOWN
    if client_portal_user is not None and person.id == client_portal_user:
        return Relation.SELF
    if not person.is_staff:
        return Relation.UNKNOWN
    if therapist is not None and person.id == therapist:
        return Relation.THERAPIST
    if therapist is not None and supervisor_of.get(therapist) == person.id:
        return Relation.SUPERVISOR
    if person.is_lead:
        return Relation.LEAD
    return Relation.OUTSIDE


def _is_night(at: datetime, rules: UnusualAccessSettings) -> bool:
    clock = at.astimezone(ZoneInfo(rules.zone)).time()
    if rules.night_starts <= rules.night_ends:
        return rules.night_starts <= clock < rules.night_ends
    return clock >= rules.night_starts or clock < rules.night_ends


def many_clients(accesses: Iterable[Access], rules: UnusualAccessSettings) -> set[int]:
    """Events at which their person had opened ``many_clients`` or more different clients
    within the preceding ``window`` (the event itself included)."""
    by_person: dict[int, list[Access]] = defaultdict(list)
    for access in accesses:
        if access.opens_a_record and access.actor is not None:
            by_person[access.actor.id].append(access)
    flagged: set[int] = set()
    for events in by_person.values():
        events.sort(key=lambda a: (a.at, a.event_id))
        recent: deque[Access] = deque()
        counts: dict[int, int] = defaultdict(int)
        for access in events:
            recent.append(access)
            assert access.client_id is not None
            counts[access.client_id] += 1
            while recent[0].at <= access.at - rules.window:
                gone = recent.popleft()
                assert gone.client_id is not None
                counts[gone.client_id] -= 1
                if not counts[gone.client_id]:
                    del counts[gone.client_id]
            if len(counts) >= rules.many_clients:
                flagged.add(access.event_id)
    return flagged


def flags(accesses: Sequence[Access], rules: UnusualAccessSettings) -> list[Flag]:
    """Every flag on ``accesses`` (each with its relation set), in event order.

    For ``many_clients`` the caller passes the ``window`` of events before the first one it
    wants flagged, so that the count is right at the start of a page or a run.
    """
    crowded = many_clients(accesses, rules)
    found: list[Flag] = []
    for access in sorted(accesses, key=lambda a: (a.at, a.event_id)):
        if access.actor is None:
            continue
        person = access.actor.id

        def flag(rule: Rule, access: Access = access, person: int = person) -> None:
            found.append(Flag(access.event_id, person, rule, access.at))

        if access.action == REFUSED_ACTION:
            flag(Rule.REFUSED)
            continue
        if not access.opens_a_record:
            continue
        if access.relation is Relation.OUTSIDE:
            flag(Rule.OUTSIDE_CASELOAD)
        elif access.relation is Relation.LEAD:
            flag(Rule.LEAD_OUTSIDE_CASELOAD)
        if access.event_id in crowded:
            flag(Rule.MANY_CLIENTS)
        if _is_night(access.at, rules):
            flag(Rule.NIGHT)
    return found


@dataclass(frozen=True)
class DailyItem:
    """One "Needs attention" item: one person, one rule, one day (in the service's zone)."""

    actor_id: int
    rule: Rule
    day: date
    events: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        return f"unusual_access:{self.actor_id}:{self.rule}:{self.day.isoformat()}"


def daily_items(found: Iterable[Flag], rules: UnusualAccessSettings) -> list[DailyItem]:
    """The items the flags call for, one per person, rule and local day, with how many events."""
    zone = ZoneInfo(rules.zone)
    counts: dict[tuple[int, Rule, date], int] = defaultdict(int)
    for f in found:
        if f.rule in ITEM_RULES:
            counts[(f.actor_id, f.rule, f.at.astimezone(zone).date())] += 1
    return [
        DailyItem(actor, rule, day, events) for (actor, rule, day), events in sorted(counts.items())
    ]


def parse_item_key(key: str) -> tuple[int, Rule, date] | None:
    """The person, rule and day of an item's key, or None if it is not an unusual-access key."""
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "unusual_access":
        return None
    try:
        return int(parts[1]), Rule(parts[2]), date.fromisoformat(parts[3])
    except ValueError:
        return None
