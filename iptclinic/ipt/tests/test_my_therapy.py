"""What a person sees of their therapy in the portal: the plain words and the rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.my_therapy import (
    CLOSENESS_WORDS,
    FOCUS_WORDS,
    PERSON_NAMES,
    STAFF_NAMES,
    STATE_WORDS,
    SharedItem,
    SuggestionState,
    focus_words,
    session_to_rate,
    shown_items,
)
from iptclinic.ipt.problem_areas import AreaMeaning, ProblemArea, areas_for
from iptclinic.ipt.variants import Variant

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_every_meaning_of_an_area_has_plain_words_for_the_person() -> None:
    assert set(FOCUS_WORDS) == set(AreaMeaning)
    for words in FOCUS_WORDS.values():
        assert words.name and words.about.endswith(".")


def test_role_transition_is_changes_in_your_life() -> None:
    assert focus_words(ProblemArea.ROLE_TRANSITION).name == "Changes in your life"


def test_the_words_never_use_the_manuals_names() -> None:
    clinical = ("role", "dispute", "transition", "deficit", "interpersonal")
    for variant in Variant:
        for area in areas_for(variant):
            words = focus_words(area, variant)
            text = f"{words.name} {words.about}".lower()
            assert not any(term in text for term in clinical), (variant, area)


def test_grief_read_as_loss_is_worded_as_a_loss() -> None:
    grief = {
        focus_words(ProblemArea.GRIEF, v).name for v in Variant if ProblemArea.GRIEF in areas_for(v)
    }
    assert grief <= {
        FOCUS_WORDS[AreaMeaning.GRIEF].name,
        FOCUS_WORDS[AreaMeaning.GRIEF_AND_LOSS].name,
    }


def test_every_item_and_state_has_words_for_both_sides() -> None:
    assert set(STAFF_NAMES) == set(PERSON_NAMES) == set(SharedItem)
    assert set(STATE_WORDS) == set(SuggestionState)
    assert sorted(CLOSENESS_WORDS) == [1, 2, 3, 4]


def test_nothing_is_shown_unless_it_was_chosen() -> None:
    assert shown_items([]) == frozenset()
    assert shown_items(["goals", "notes", "", "GOALS"]) == {SharedItem.GOALS}


@given(st.sets(st.text(max_size=12)))
def test_only_known_items_chosen_are_ever_shown(chosen: set[str]) -> None:
    shown = shown_items(chosen)
    assert {item.value for item in shown} == chosen & {item.value for item in SharedItem}


def test_a_rating_belongs_to_the_next_session_that_has_not_begun() -> None:
    planned = [
        (3, NOW + timedelta(days=7)),
        (1, NOW - timedelta(hours=1)),
        (2, NOW + timedelta(days=1)),
    ]
    assert session_to_rate(planned, NOW) == 2
    assert session_to_rate([(1, NOW)], NOW) is None  # beginning now: too late to rate before it
    assert session_to_rate([], NOW) is None


@given(
    st.lists(
        st.tuples(st.integers(1, 10_000), st.integers(-10_000, 10_000)), unique_by=lambda t: t[0]
    )
)
def test_the_session_to_rate_is_never_in_the_past_and_none_comes_before_it(
    rows: list[tuple[int, int]],
) -> None:
    planned = [(pk, NOW + timedelta(minutes=m)) for pk, m in rows]
    chosen = session_to_rate(planned, NOW)
    future = [starts for _, starts in planned if starts > NOW]
    if chosen is None:
        assert not future
    else:
        starts = dict(planned)[chosen]
        assert starts > NOW and starts == min(future)
