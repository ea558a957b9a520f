"""The client's view of their therapy in the portal: what is shared, their ratings, suggestions.

Writes follow the rest of the app (style.md §3): one function per change, in a transaction, with
its audit event. Reads gather what the portal page and the therapist's pages show. The rules in
words are in ``iptclinic.ipt.my_therapy``:

- an item is shown only while a ``PortalShare`` row says the therapist chose it (H-094); the
  formulation shows only once it is marked as shared (read-only), never a draft;
- the circle shows names and rings only, the timeline no symptom notes (H-096);
- a suggestion changes no clinical row: accepting "Add someone" goes through
  ``services.add_relationship`` with what the therapist checked and saved (H-095).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention import services as attention
from iptclinic.attention.facts import lead_of
from iptclinic.audit import services as audit
from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.my_therapy import (
    GOAL_SCALE,
    LABEL_LIMIT,
    STATE_WORDS,
    SUGGESTION_TEXT_LIMIT,
    SharedItem,
    SuggestionKind,
    SuggestionState,
    session_to_rate,
    shown_items,
)
from iptclinic.ipt.safety_net import NeedKind, Owner

from . import services
from .cases import InventoryRows, TimelineInput, circle_people, load_rows, timeline_input
from .circle import CirclePerson, closeness_circle_svg, closeness_circle_text
from .models import RINGS, Goal, PortalGoalRating, PortalShare, Relationship, Suggestion
from .timeline_drawing import timeline_svg, timeline_text

SUGGESTION_DUE = timedelta(days=7)


class SharingError(services.InventoryRuleError):
    """A change the portal's rules do not allow; ``field`` names the form field it is about."""


def _client(course: Course) -> Client:
    return course.referral.client


# --- Reads ---------------------------------------------------------------------------------------


def portal_course(client: Client) -> Course | None:
    """The course the portal shows: the client's latest."""
    return (
        Course.objects.select_related("referral__client__team", "referral__client__therapist")
        .filter(referral__client=client)
        .order_by("-start_date", "-id")
        .first()
    )


def shared_items(course: Course) -> frozenset[SharedItem]:
    return shown_items(PortalShare.objects.filter(course=course).values_list("item", flat=True))


def current_goals(course: Course) -> list[Goal]:
    return list(Goal.objects.filter(course=course, retired_at__isnull=True))


def next_session(course: Course) -> Appointment | None:
    """The session a rating given now belongs to (``my_therapy.session_to_rate``)."""
    planned = Appointment.objects.filter(course=course, status=Attendance.PLANNED).values_list(
        "pk", "starts_at"
    )
    pk = session_to_rate(list(planned), timezone.now())
    return Appointment.objects.get(pk=pk) if pk is not None else None


@dataclass(frozen=True)
class ClientRating:
    goal: Goal
    rating: int
    rated_at: Any


def client_ratings(appointment: Appointment) -> list[ClientRating]:
    """The client's own ratings given before this session, for its record."""
    return [
        ClientRating(goal=r.goal, rating=r.rating, rated_at=r.rated_at)
        for r in PortalGoalRating.objects.filter(appointment=appointment).select_related("goal")
    ]


def client_circle(rows: InventoryRows) -> list[CirclePerson]:
    """The circle as the client sees it: names and rings, never the problem areas a person was
    linked to (H-096)."""
    return [replace(person, area_labels=()) for person in circle_people(rows)]


def client_timeline(rows: InventoryRows) -> TimelineInput:
    """The timeline as the client sees it: events and mood, no symptom notes, and earlier
    episodes without the clinician's note on them (H-096)."""
    data = timeline_input(rows, eating_disorder=False)
    return replace(
        data,
        symptom_notes=[],
        episodes=[replace(episode, label="") for episode in data.episodes],
    )


def drawings(course: Course, items: frozenset[SharedItem]) -> dict[str, str]:
    """The shared drawings, as inline SVG and as text, drawn by the clinic's own functions."""
    if not items & {SharedItem.CIRCLE, SharedItem.TIMELINE}:
        return {}
    rows = load_rows(course.pk, course.variant_enum)
    found: dict[str, str] = {}
    if SharedItem.CIRCLE in items:
        people = client_circle(rows)
        found["circle_svg"] = closeness_circle_svg(
            people, centre_label="You", rings=RINGS, svg_id="my-circle"
        )
        found["circle_text"] = closeness_circle_text(people, rings=RINGS)
    if SharedItem.TIMELINE in items:
        data = client_timeline(rows)
        found["timeline_svg"] = timeline_svg(**data.as_kwargs(), svg_id="my-timeline")
        found["timeline_text"] = timeline_text(**data.as_kwargs())
    return found


def state_words(suggestion: Suggestion) -> str:
    return STATE_WORDS[SuggestionState(suggestion.state)]


# --- Sharing -------------------------------------------------------------------------------------


@transaction.atomic
def set_shared(course: Course, *, actor: User, items: Iterable[str]) -> frozenset[SharedItem]:
    """Share exactly ``items`` of this course with the client; one audit event per change."""
    chosen = set(items)
    wanted = shown_items(chosen)
    unknown = chosen - {item.value for item in wanted}
    if unknown:
        raise SharingError("Choose from the items listed.", "items")
    now_shared = frozenset(
        SharedItem(v)
        for v in PortalShare.objects.select_for_update()
        .filter(course=course)
        .values_list("item", flat=True)
    )
    client = _client(course)
    for item in sorted(wanted - now_shared):
        share = PortalShare.objects.create(course=course, item=item, shared_by=actor)
        audit.record(
            actor=actor, action="portal.shared", client=client, obj=share, detail={"item": item}
        )
    for item in sorted(now_shared - wanted):
        PortalShare.objects.filter(course=course, item=item).delete()
        audit.record(
            actor=actor,
            action="portal.unshared",
            client=client,
            obj=course,
            detail={"item": item},
        )
    return wanted


# --- The client's own ratings --------------------------------------------------------------------


@transaction.atomic
def rate_goals(course: Course, *, actor: User, ratings: Mapping[int, int | None]) -> Appointment:
    """The client's own ratings of their shared goals, for their next session.

    A goal left unrated keeps any rating given before for that session.
    """
    if SharedItem.GOALS not in shared_items(course):
        raise SharingError("Your goals are not shared with you at the moment.")
    goals = {g.pk: g for g in current_goals(course)}
    if set(ratings) - set(goals):
        raise SharingError("One of the goals is no longer one of your goals. Reload the page.")
    for goal_id, rating in ratings.items():
        if rating is not None and rating not in GOAL_SCALE:
            raise SharingError("Choose a number from 0 to 10.", f"goal_{goal_id}")
    appointment = next_session(course)
    if appointment is None:
        raise SharingError(
            "You have no session booked, so there is nothing to rate your goals for yet."
        )
    given = {k: v for k, v in ratings.items() if v is not None}
    if not given:
        raise SharingError("Choose a number for at least one goal.")
    now = timezone.now()
    for goal_id, rating in given.items():
        PortalGoalRating.objects.update_or_create(
            goal_id=goal_id,
            appointment=appointment,
            defaults={"rating": rating, "rated_at": now},
        )
    audit.record(
        actor=actor,
        action="portal.goals_rated",
        client=_client(course),
        obj=appointment,
        detail={"goals": sorted(given)},
    )
    return appointment


# --- Suggestions ---------------------------------------------------------------------------------


def _owner(client: Client) -> User | None:
    return client.therapist or lead_of(client.team)


@transaction.atomic
def suggest(
    course: Course,
    *,
    actor: User,
    kind: SuggestionKind,
    item: str = "",
    label: str = "",
    closeness: int | None = None,
    text: str = "",
) -> Suggestion:
    """Keep a suggestion and put it in the therapist's "Needs attention". Nothing else changes."""
    label, text = label.strip(), text.strip()
    shared = shared_items(course)
    if len(text) > SUGGESTION_TEXT_LIMIT:
        raise SharingError(f"Please keep it to {SUGGESTION_TEXT_LIMIT} characters.", "text")
    if kind is SuggestionKind.ADD_SOMEONE:
        if SharedItem.CIRCLE not in shared:
            raise SharingError("The people in your life are not shared with you at the moment.")
        if not label:
            raise SharingError("Write their name or initials.", "label")
        if len(label) > LABEL_LIMIT:
            raise SharingError(f"Please keep the name to {LABEL_LIMIT} characters.", "label")
        if closeness is None or not 1 <= closeness <= RINGS:
            raise SharingError("Choose how close they feel to you.", "closeness")
        item = SharedItem.CIRCLE.value
    else:
        if item not in {s.value for s in shared}:
            raise SharingError("Choose which part is not right.", "item")
        if not text:
            raise SharingError("Tell us what is not right.", "text")
        label, closeness = "", None
    client = _client(course)
    suggestion = Suggestion.objects.create(
        course=course,
        kind=kind,
        item=item,
        label=label,
        closeness=closeness,
        text=text,
        created_at=timezone.now(),
    )
    owner = _owner(client)
    if owner is not None:
        attention.raise_event_item(
            client.team,
            owner=owner,
            kind=NeedKind.PORTAL_SUGGESTION,
            key=f"portal_suggestion:{suggestion.pk}",
            title=(
                "A suggestion from the portal: add someone to the closeness circle"
                if kind is SuggestionKind.ADD_SOMEONE
                else "A suggestion from the portal: something is not right"
            ),
            due=suggestion.created_at + SUGGESTION_DUE,
            subject=("portal_suggestion", suggestion.pk),
            client=client,
            # Held as the client's therapist, so it moves with the client if they are reallocated.
            owner_role=Owner.THERAPIST if owner == client.therapist else Owner.LEAD,
        )
    audit.record(
        actor=actor,
        action="portal.suggestion",
        client=client,
        obj=suggestion,
        detail={"kind": kind.value, "item": item},
    )
    return suggestion


def _close(suggestion: Suggestion, *, actor: User, state: SuggestionState, note: str) -> None:
    suggestion.state = state
    suggestion.resolved_by = actor
    suggestion.resolved_at = timezone.now()
    suggestion.note = note
    suggestion.save(update_fields=["state", "resolved_by", "resolved_at", "note", "relationship"])
    attention.close_for_cause(
        f"portal_suggestion:{suggestion.pk}",
        actor=actor,
        resolution=STATE_WORDS[state].replace("Your therapist", "The therapist"),
    )


def _open(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not locked.is_open:
        raise SharingError("This suggestion has already been dealt with.")
    return locked


@transaction.atomic
def accept_addition(
    suggestion: Suggestion, *, actor: User, data: Mapping[str, Any]
) -> Relationship:
    """Add the person the client suggested, as the therapist checked and completed them."""
    suggestion = _open(suggestion)
    if suggestion.kind != SuggestionKind.ADD_SOMEONE:
        raise SharingError("Only a suggestion to add someone can be accepted this way.")
    course = Course.objects.select_related("referral__client").get(pk=suggestion.course_id)
    person = services.add_relationship(course, actor=actor, data=data)
    suggestion.relationship = person
    _close(suggestion, actor=actor, state=SuggestionState.ACCEPTED, note="")
    audit.record(
        actor=actor,
        action="portal.suggestion_accepted",
        client=_client(course),
        obj=suggestion,
        detail={"relationship_id": person.pk},
    )
    return person


@transaction.atomic
def mark_discussed(suggestion: Suggestion, *, actor: User, note: str) -> Suggestion:
    """Close a suggestion without changing the record, with what the therapist will do."""
    suggestion = _open(suggestion)
    note = note.strip()
    if not note:
        raise SharingError("Write a short note of what you will discuss or did.", "note")
    if len(note) > SUGGESTION_TEXT_LIMIT:
        raise SharingError(f"Keep the note to {SUGGESTION_TEXT_LIMIT} characters.", "note")
    _close(suggestion, actor=actor, state=SuggestionState.DISCUSSED, note=note)
    course = Course.objects.select_related("referral__client").get(pk=suggestion.course_id)
    audit.record(
        actor=actor,
        action="portal.suggestion_discussed",
        client=_client(course),
        obj=suggestion,
    )
    return suggestion
