"""What a person sees of their own therapy in the portal, and the words it is said in.

Plain Python (no Django). The therapist chooses, item by item, what the person may see
(:class:`SharedItem`); nothing is shown by default. The focus is named in everyday words written
for the person ("Changes in your life" rather than "role transition"), keyed by what an area means
in the course's variant (``problem_areas.area_meaning``), so that grief read as "grief and loss"
is worded as a loss, not a death. A person's own goal ratings use the clinic's scale (0 = not
started, 10 = reached) and belong to the next session they come to. Their suggestions change
nothing until the therapist accepts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from .problem_areas import AreaMeaning, ProblemArea, area_meaning
from .variants import Variant

GOAL_SCALE = range(0, 11)
"""The same scale as a goal rated in a session: 0 = not started, 10 = reached."""

SUGGESTION_TEXT_LIMIT = 2000
LABEL_LIMIT = 60
"""As long as a relationship's label in the inventory."""


class SharedItem(StrEnum):
    """One part of the agreed therapy the therapist can show the person."""

    FORMULATION = "formulation"
    FOCUS = "focus"
    GOALS = "goals"
    CIRCLE = "circle"
    TIMELINE = "timeline"


STAFF_NAMES: Mapping[SharedItem, str] = MappingProxyType(
    {
        SharedItem.FORMULATION: "The formulation (once it is marked as shared)",
        SharedItem.FOCUS: "The focus area or areas, in plain words",
        SharedItem.GOALS: "The goals, which they can rate before each session",
        SharedItem.CIRCLE: "The closeness circle (names and rings only)",
        SharedItem.TIMELINE: "The timeline of events and mood",
    }
)
"""What each item is, for the therapist choosing what to share."""

PERSON_NAMES: Mapping[SharedItem, str] = MappingProxyType(
    {
        SharedItem.FORMULATION: "How we understand what is going on",
        SharedItem.FOCUS: "What we are working on",
        SharedItem.GOALS: "Your goals",
        SharedItem.CIRCLE: "The people in your life",
        SharedItem.TIMELINE: "Your timeline",
    }
)
"""What each item is called on the person's own page."""


@dataclass(frozen=True)
class FocusWords:
    """A focus area as the person reads it: a short name and one or two sentences."""

    name: str
    about: str


FOCUS_WORDS: Mapping[AreaMeaning, FocusWords] = MappingProxyType(
    {
        AreaMeaning.GRIEF: FocusWords(
            "Grieving for someone who has died",
            "Someone important to you has died. We make room to grieve, remember them as they "
            "were, and find people and things that matter to you again.",
        ),
        AreaMeaning.GRIEF_AND_LOSS: FocusWords(
            "Coming to terms with a loss",
            "You have lost something or someone that mattered to you. We make room for that "
            "loss and look for what can help you move on with your life.",
        ),
        AreaMeaning.ROLE_DISPUTE: FocusWords(
            "Disagreements with someone who matters to you",
            "You and someone close to you want different things from each other. We look at "
            "what each of you hopes for and try new ways of talking about it.",
        ),
        AreaMeaning.ROLE_TRANSITION: FocusWords(
            "Changes in your life",
            "Your life has changed in a big way. We look at what you have lost, what is new, "
            "and the support and skills you need now.",
        ),
        AreaMeaning.INTERPERSONAL_DEFICITS: FocusWords(
            "Feeling alone, or finding relationships hard",
            "Getting close to people, or staying close, is hard for you. We look at how your "
            "relationships tend to go and try small steps towards other people.",
        ),
    }
)


def focus_words(area: ProblemArea | str, variant: Variant = Variant.LEAFLET) -> FocusWords:
    """The plain words for one focus area of a course of ``variant``."""
    return FOCUS_WORDS[area_meaning(area, variant)]


class SuggestionKind(StrEnum):
    ADD_SOMEONE = "add_someone"
    NOT_RIGHT = "not_right"


class SuggestionState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISCUSSED = "discussed"


SUGGESTION_KIND_WORDS: Mapping[SuggestionKind, str] = MappingProxyType(
    {
        SuggestionKind.ADD_SOMEONE: "Add someone",
        SuggestionKind.NOT_RIGHT: "This isn't right",
    }
)

STATE_WORDS: Mapping[SuggestionState, str] = MappingProxyType(
    {
        SuggestionState.OPEN: "Waiting for your therapist",
        SuggestionState.ACCEPTED: "Your therapist has made this change",
        SuggestionState.DISCUSSED: "Your therapist has noted this to talk about with you",
    }
)
"""What the person is told about each of their suggestions."""

CLOSENESS_WORDS: Mapping[int, str] = MappingProxyType(
    {
        1: "Very close",
        2: "Close",
        3: "Not so close",
        4: "Not close at all",
    }
)
"""How close someone feels, as the rings of the closeness circle (ring 1 is the closest)."""


def shown_items(chosen: Iterable[str]) -> frozenset[SharedItem]:
    """The items to show: only those chosen, ignoring anything that is not an item."""
    known = {item.value for item in SharedItem}
    return frozenset(SharedItem(value) for value in chosen if value in known)


def session_to_rate(planned: Iterable[tuple[int, datetime]], now: datetime) -> int | None:
    """The session a goal rated now belongs to: the next planned session that has not begun.

    ``planned`` holds (id, start) of the planned sessions, in any order; None when there is none.
    """
    upcoming = [(starts, pk) for pk, starts in planned if starts > now]
    return min(upcoming)[1] if upcoming else None
