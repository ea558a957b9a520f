"""The client list: a search over the clients a person may see, one page at a time.

Pages are keyset pages on (family name, given name, id), never OFFSET: the database walks the name
index from the last row shown, so page 2,000 costs what page 1 costs. Names are matched case-
insensitively, each word anywhere in the given, family or preferred name; on PostgreSQL a trigram
index on that same expression (migration ``0005``) finds them without reading every client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Lower

from iptclinic.accounts.models import User
from iptclinic.courses.models import Course
from iptclinic.courses.selectors import (
    ENDED_STATES,
    OPEN_STATES,
    has_open_course,
    is_waiting,
    with_current_phase,
)
from iptclinic.ipt.lifecycle import STATE_LABELS, CourseState
from iptclinic.ipt.nhs_number import is_valid_nhs_number, normalise_nhs_number
from iptclinic.ipt.phases import Phase

from .models import Client

PAGE_SIZE = 50
NAME_ORDER = ("family_name", "given_name", "pk")


def search_name() -> Lower:
    """The expression the name search reads; the PostgreSQL trigram index is built on it.

    Migration ``clients/0005`` imports it so that the index and the query cannot drift apart (a
    test checks the planner can use the index). Changing it needs a new migration that drops and
    rebuilds ``client_search_name_trgm``; until then the search would read every client.
    """
    return Lower(Concat("given_name", Value(" "), "family_name", Value(" "), "preferred_name"))


class Standing(StrEnum):
    """Where a client's care stands, as the list's filter offers it."""

    OPEN = "open"
    NOT_STARTED = "not_started"
    ACTIVE = "active"
    WAITING = "waiting"
    ENDED = "ended"


STANDING_LABELS = {
    Standing.OPEN: "In an open course",
    Standing.NOT_STARTED: "Course opened, not started",
    Standing.ACTIVE: "In a course that has started",
    Standing.WAITING: "Waiting for a course",
    Standing.ENDED: "Course ended, none open",
}


def _courses_of_client() -> QuerySet[Course]:
    return Course.objects.filter(referral__client=OuterRef("pk"))


def _standing_filter(standing: Standing) -> Q:
    courses = _courses_of_client()
    match standing:
        case Standing.OPEN:
            return Q(has_open_course())
        case Standing.NOT_STARTED:
            return Q(Exists(courses.filter(state=CourseState.REFERRED)))
        case Standing.ACTIVE:
            return Q(Exists(courses.filter(state=CourseState.ACTIVE)))
        case Standing.WAITING:
            return is_waiting()
        case Standing.ENDED:
            return ~Q(has_open_course()) & Q(Exists(courses.filter(state__in=ENDED_STATES)))


@dataclass(frozen=True)
class ClientSearch:
    """What the person asked for; every part optional."""

    text: str = ""
    therapist: User | None = None
    standing: Standing | None = None
    phase: Phase | None = None

    def filter(self, clients: QuerySet[Client]) -> QuerySet[Client]:
        if is_valid_nhs_number(self.text):
            clients = clients.filter(nhs_number=normalise_nhs_number(self.text))
        elif self.text:
            clients = clients.alias(search_name=search_name())
            for word in self.text.lower().split():
                clients = clients.filter(search_name__contains=word)
        if self.therapist is not None:
            clients = clients.filter(therapist=self.therapist)
        if self.standing is not None:
            clients = clients.filter(_standing_filter(self.standing))
        if self.phase is not None:
            open_courses = Course.objects.filter(
                referral__client=OuterRef("pk"), state__in=OPEN_STATES
            )
            in_phase = with_current_phase(open_courses).filter(current_phase=self.phase)
            clients = clients.filter(Exists(in_phase))
        return clients

    def as_audit_detail(self) -> dict[str, object]:
        return {
            "text": self.text,
            "therapist_id": self.therapist.pk if self.therapist else None,
            "standing": str(self.standing) if self.standing else "",
            "phase": str(self.phase) if self.phase else "",
        }


@dataclass(frozen=True)
class ClientRow:
    client: Client
    course_label: str


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    next_after: int | None
    previous_before: int | None


def _past(cursor: Client, *, forwards: bool) -> Q:
    """Rows after (or before) the cursor in name order: the keyset condition."""
    op = "gt" if forwards else "lt"
    family, given = cursor.family_name, cursor.given_name
    return (
        Q(**{f"family_name__{op}": family})
        | Q(family_name=family, **{f"given_name__{op}": given})
        | Q(family_name=family, given_name=given, **{f"pk__{op}": cursor.pk})
    )


def client_page(
    clients: QuerySet[Client],
    search: ClientSearch,
    *,
    after: int | None = None,
    before: int | None = None,
) -> ClientPage:
    """One page of the clients matching ``search``, after or before the client with that id.

    A cursor the person cannot see (or that no longer exists) starts again from the first page.
    """
    found = search.filter(clients)
    cursor_id = after if after is not None else before
    cursor = (
        clients.only("pk", "family_name", "given_name").filter(pk=cursor_id).first()
        if cursor_id is not None
        else None
    )
    forwards = cursor is None or after is not None
    if cursor is not None:
        found = found.filter(_past(cursor, forwards=forwards))
    order = NAME_ORDER if forwards else tuple(f"-{field}" for field in NAME_ORDER)
    latest_state = Subquery(_courses_of_client().order_by("-start_date", "-id").values("state")[:1])
    rows = list(
        found.select_related("therapist")
        .annotate(latest_course_state=latest_state)
        .order_by(*order)[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not forwards:
        rows.reverse()
    has_next = more if forwards else cursor is not None
    has_previous = cursor is not None if forwards else more
    return ClientPage(
        rows=[
            ClientRow(
                client=row,
                course_label=STATE_LABELS[CourseState(row.latest_course_state)]
                if row.latest_course_state
                else "No course yet",
            )
            for row in rows
        ],
        next_after=rows[-1].pk if rows and has_next else None,
        previous_before=rows[0].pk if rows and has_previous else None,
    )


def therapists_to_search(user: User) -> QuerySet[User]:
    """The therapists whose clients the person may see, for the list's therapist filter."""
    therapists = User.objects.filter(team_id=user.team_id, is_therapist=True)
    if not user.is_service_lead:
        mine = Q(pk=user.pk) if user.is_therapist else Q(pk__in=[])
        therapists = therapists.filter(mine | Q(supervisor=user))
    return therapists.order_by("first_name", "last_name", "pk")
