"""The adherence checklist, its score and the comparison of two ratings (issue 13 item 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.fidelity import (
    ITEM_DIFFERENCE,
    OVERALL_DIFFERENCE,
    FocusSpell,
    Item,
    ItemKind,
    Mark,
    RatingError,
    Score,
    check_answers,
    checklist_for,
    compare,
    focus_in_force,
    score,
)
from iptclinic.ipt.phases import Phase
from iptclinic.ipt.strategies import strategies_for
from iptclinic.ipt.tasks import session_checklist
from iptclinic.ipt.variants import Variant, variant_config

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)
TASK = Item("measures", "Questionnaires", ItemKind.TASK)
STRATEGY = Item("grief.1", "Mourn", ItemKind.STRATEGY)


def spell(days: int, until: int | None = None, *areas: str, stage: str | None = None) -> FocusSpell:
    return FocusSpell(
        decided_at=T0 + timedelta(days=days),
        superseded_at=None if until is None else T0 + timedelta(days=until),
        areas=areas or ("grief",),
        dispute_stage=stage,
    )


@pytest.mark.parametrize(
    ("number", "contracted", "phase"),
    [(1, 16, Phase.INITIAL), (3, 16, Phase.INITIAL), (6, 16, Phase.MIDDLE), (16, 16, Phase.ENDING)],
)
def test_the_tasks_are_the_session_records_own_in_its_order(
    number: Any, contracted: Any, phase: Any
) -> None:
    made = checklist_for(number, contracted, focus=spell(0, None, "grief"))
    tasks = session_checklist(number, contracted)
    assert made.phase is phase
    assert [(i.code, i.label) for i in made.items[: len(tasks)]] == [
        (t.code, t.label) for t in tasks
    ]
    assert all(i.kind is ItemKind.TASK for i in made.items[: len(tasks)])


def test_only_the_middle_phase_adds_the_focus_strategies() -> None:
    focus = spell(0, None, "grief")
    for number, expected in ((2, 0), (6, len(strategies_for(["grief"])[0].strategies)), (15, 0)):
        items = checklist_for(number, 16, focus=focus).items
        assert sum(i.kind is ItemKind.STRATEGY for i in items) == expected, number


def test_two_areas_and_a_dispute_stage_each_bring_their_strategies() -> None:
    focus = spell(0, None, "role_dispute", "role_transition", stage="impasse")
    items = checklist_for(6, 16, focus=focus).items
    codes = [i.code for i in items if i.kind is ItemKind.STRATEGY]
    assert codes[0] == "role_dispute.1"
    assert "role_dispute.impasse.1" in codes
    assert codes[-1].startswith("role_transition.")
    assert len(codes) == len(set(codes))


def test_a_middle_session_without_a_focus_has_only_its_tasks() -> None:
    items = checklist_for(6, 16).items
    assert all(i.kind is ItemKind.TASK for i in items)


def test_a_long_initial_phase_keeps_initial_tasks() -> None:
    made = checklist_for(6, 16, focus_agreed=False, focus=spell(0))
    assert made.phase is Phase.INITIAL
    assert all(i.kind is ItemKind.TASK for i in made.items)


@pytest.mark.parametrize("variant", list(Variant))
def test_every_variant_gets_its_own_sessions_tasks(variant: Any) -> None:
    contracted = variant_config(variant).default_sessions
    for number in range(1, contracted + 1):
        made = checklist_for(number, contracted, variant, focus=spell(0))
        tasks = session_checklist(number, contracted, variant)
        assert made.phase is tasks[0].phase
        assert [i.code for i in made.items[: len(tasks)]] == [t.code for t in tasks]


@pytest.mark.parametrize(
    ("spells", "at_day", "expected"),
    [
        ([], 5, None),
        ([spell(0)], 5, 0),
        ([spell(0, 3), spell(3)], 5, 1),  # replaced before the session: the new one
        ([spell(0, 8), spell(8)], 5, 0),  # replaced after the session: the old one
        ([spell(7)], 5, 0),  # written down only after the session: the first one
        ([spell(0, 5), spell(5)], 5, 1),  # replaced at the very moment: the new one
    ],
)
def test_the_focus_in_force_at_a_session(spells: Any, at_day: Any, expected: Any) -> None:
    found = focus_in_force(spells, T0 + timedelta(days=at_day))
    assert found is (None if expected is None else spells[expected])


@pytest.mark.parametrize(
    ("answers", "points", "counted", "percent"),
    [
        ({"a": Mark.DONE, "b": Mark.DONE}, 4, 2, 100),
        ({"a": Mark.NOT_DONE, "b": Mark.NOT_DONE}, 0, 2, 0),
        ({"a": Mark.PARTLY, "b": Mark.DONE}, 3, 2, 75),
        ({"a": Mark.PARTLY, "b": Mark.DONE, "c": None}, 3, 2, 75),
        ({"a": 2, "b": 2, "c": 1, "d": 0}, 5, 4, 63),  # 62.5 rounds up
        ({"a": 1, "b": 0, "c": 0}, 1, 3, 17),
        ({"a": None}, 0, 0, None),
    ],
)
def test_the_score_is_points_over_twice_the_items_counted(
    answers: Any, points: Any, counted: Any, percent: Any
) -> None:
    got = score(answers)
    assert (got.points, got.counted, got.percent) == (points, counted, percent)


def test_a_score_with_nothing_counted_shows_a_dash() -> None:
    assert Score(0, 0).display == "—"
    assert Score(3, 2).display == "75%"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"measures": 2}, "Not yet marked: Mourn"),
        ({"measures": None, "grief.1": 1}, "Every task of the phase needs a mark"),
        ({"measures": 3, "grief.1": 1}, "A mark is 0, 1 or 2"),
        ({"measures": -1, "grief.1": 1}, "A mark is 0, 1 or 2"),
        ({"measures": True, "grief.1": 1}, "A mark is 0, 1 or 2"),
        ({"measures": 1, "grief.1": 1, "other": 2}, "not items of this session's checklist"),
    ],
)
def test_answers_that_cannot_be_scored_are_refused_with_words(answers: Any, message: Any) -> None:
    with pytest.raises(RatingError, match=message):
        check_answers([TASK, STRATEGY], answers)


def test_a_strategy_may_be_not_this_session() -> None:
    assert check_answers([TASK, STRATEGY], {"grief.1": None, "measures": 2}) == {
        "measures": Mark.DONE,
        "grief.1": None,
    }


def test_items_two_points_apart_differ_and_one_apart_do_not() -> None:
    items = [Item(c, c, ItemKind.STRATEGY) for c in "abcd"]
    first = {"a": 0, "b": 1, "c": 2, "d": None}
    second = {"a": 2, "b": 2, "c": 0, "d": 0}
    found = compare(items, first, second)
    assert [(d.item.code, d.first, d.second) for d in found.items] == [
        ("a", Mark.NOT_DONE, Mark.DONE),
        ("c", Mark.DONE, Mark.NOT_DONE),
    ]
    assert ITEM_DIFFERENCE == 2


@pytest.mark.parametrize(
    ("first", "second", "differs"),
    [
        ({"a": 2, "b": 2, "c": 2, "d": 2, "e": 2}, {"a": 2, "b": 2, "c": 2, "d": 1, "e": 1}, True),
        ({"a": 2, "b": 2, "c": 2, "d": 2, "e": 2}, {"a": 2, "b": 2, "c": 2, "d": 2, "e": 1}, False),
        ({"a": 1, "b": None}, {"a": 1, "b": None}, False),
        ({"a": None}, {"a": None}, False),
    ],
)
def test_scores_twenty_points_apart_differ_overall(first: Any, second: Any, differs: Any) -> None:
    items = [Item(c, c, ItemKind.STRATEGY) for c in "abcde"]
    assert compare(items, first, second).overall_differs is differs
    assert OVERALL_DIFFERENCE == 20


def test_the_gap_is_exact_not_rounded() -> None:
    items = [Item(c, c, ItemKind.TASK) for c in "abcde"]
    found = compare(items, dict.fromkeys("abcde", 2), {**dict.fromkeys("abcd", 2), "e": 0})
    assert found.gap == Fraction(-20)
    assert found.overall_differs


answer = st.sampled_from([Mark.NOT_DONE, Mark.PARTLY, Mark.DONE, None])
answer_sets = st.dictionaries(st.sampled_from("abcdefgh"), answer, min_size=1)


@given(answer_sets)
def test_a_score_is_always_between_0_and_100_percent(answers: Any) -> None:
    got = score(answers)
    assert 0 <= got.points <= 2 * got.counted
    assert got.percent is None or 0 <= got.percent <= 100
    assert got.counted == sum(v is not None for v in answers.values())


@given(answer_sets, answer_sets)
def test_comparing_is_symmetric_in_what_differs(first: Any, second: Any) -> None:
    items = [Item(c, c, ItemKind.STRATEGY) for c in "abcdefgh"]
    there, back = compare(items, first, second), compare(items, second, first)
    assert [d.item for d in there.items] == [d.item for d in back.items]
    assert there.overall_differs is back.overall_differs
    assert compare(items, first, first).differs is False


@given(st.integers(min_value=1, max_value=16), st.integers(min_value=12, max_value=16))
def test_every_checklist_has_unique_codes_and_only_middle_strategies(
    number: Any, contracted: Any
) -> None:
    number = min(number, contracted)
    made = checklist_for(
        number, contracted, focus=spell(0, None, "role_dispute", "grief", stage="impasse")
    )
    codes = [i.code for i in made.items]
    assert len(codes) == len(set(codes))
    strategies = [i for i in made.items if i.kind is ItemKind.STRATEGY]
    assert bool(strategies) is (made.phase is Phase.MIDDLE)
