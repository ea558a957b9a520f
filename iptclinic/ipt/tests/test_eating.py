"""The eating log's ranges and the purging-rise rule (issue 14 item 5, H-147)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.eating import (
    MAX_EPISODES,
    PURGING,
    Compensatory,
    EatingLogError,
    EatingWeek,
    check_episodes,
    check_weight,
    purging_rise,
)


@pytest.mark.parametrize(
    ("value", "ok"), [(0, True), (1, True), (MAX_EPISODES, True), (-1, False), (201, False)]
)
def test_episode_counts_run_from_0_to_200(value: int, ok: bool) -> None:
    if ok:
        assert check_episodes("Binge episodes", value) == value
    else:
        with pytest.raises(EatingLogError, match="Binge episodes: enter a number from 0 to 200"):
            check_episodes("Binge episodes", value)


@pytest.mark.parametrize(
    ("weight", "error"),
    [
        ("20.0", None),
        ("61.4", None),
        ("300", None),
        ("19.9", "from 20.0 to 300.0 kg"),
        ("300.1", "from 20.0 to 300.0 kg"),
        ("61.45", "one decimal place"),
    ],
)
def test_weight_is_20_to_300_kg_to_one_decimal_place(weight: str, error: str | None) -> None:
    if error is None:
        assert check_weight(Decimal(weight)) == Decimal(weight)
    else:
        with pytest.raises(EatingLogError, match=error):
            check_weight(Decimal(weight))


def week(
    label: str, vomiting: int = 0, laxatives: int = 0, diuretics: int = 0, **other: int
) -> EatingWeek:
    counts = {
        Compensatory.VOMITING: vomiting,
        Compensatory.LAXATIVES: laxatives,
        Compensatory.DIURETICS: diuretics,
        **{Compensatory(k): v for k, v in other.items()},
    }
    return EatingWeek(label, binges=2, compensatory=counts)


def test_purging_is_vomiting_laxatives_and_diuretics_not_exercise_or_fasting() -> None:
    assert {Compensatory.VOMITING, Compensatory.LAXATIVES, Compensatory.DIURETICS} == PURGING
    assert week("s1", 1, 2, 3, exercise=5, fasting=4).purging == 6


@pytest.mark.parametrize(
    ("before", "after", "threshold", "rise"),
    [
        ((1, 0, 0), (4, 0, 0), 3, (1, 4)),  # vomiting 1 → 4: a rise of 3
        ((1, 0, 0), (3, 0, 0), 3, None),  # a rise of 2 is under the threshold
        ((0, 0, 0), (1, 1, 1), 3, (0, 3)),  # the three kinds add up
        ((5, 0, 0), (1, 0, 0), 3, None),  # a fall is no rise
        ((0, 0, 0), (9, 0, 0), 0, None),  # threshold 0: the rule is off
        ((0, 0, 0), (1, 0, 0), 1, (0, 1)),
    ],
)
def test_a_rise_in_purging_since_the_session_before_at_the_threshold_is_found(
    before: tuple[int, int, int],
    after: tuple[int, int, int],
    threshold: int,
    rise: tuple[int, int] | None,
) -> None:
    found = purging_rise([week("s1", *before), week("s2", *after)], threshold=threshold)
    if rise is None:
        assert found is None
    else:
        assert found is not None
        assert (found.before, found.now, found.before_label, found.label) == (*rise, "s1", "s2")


def test_only_the_latest_two_entries_are_compared() -> None:
    weeks = [week("s1", 0), week("s2", 9), week("s3", 9)]
    assert purging_rise(weeks, threshold=3) is None


def test_one_entry_alone_is_no_rise_and_a_negative_threshold_is_refused() -> None:
    assert purging_rise([week("s1", 50)], threshold=1) is None
    with pytest.raises(ValueError, match="negative"):
        purging_rise([], threshold=-1)


def test_an_entry_out_of_range_is_refused_naming_the_behaviour() -> None:
    with pytest.raises(EatingLogError, match="Making themselves sick: enter a number"):
        EatingWeek("s1", 0, {Compensatory.VOMITING: 201})


counts = st.integers(min_value=0, max_value=MAX_EPISODES)
weeks = st.builds(
    lambda label, b, c: EatingWeek(label, b, dict(zip(Compensatory, c, strict=True))),
    st.text(max_size=5),
    counts,
    st.tuples(*(counts for _ in Compensatory)),
)


@settings(deadline=None)
@given(st.lists(weeks, max_size=6), st.integers(min_value=0, max_value=MAX_EPISODES))
def test_a_rise_found_is_never_below_the_threshold_and_never_found_when_off(
    log: list[EatingWeek], threshold: int
) -> None:
    found = purging_rise(log, threshold=threshold)
    if threshold == 0 or len(log) < 2:
        assert found is None
    elif found is not None:
        assert found.rise >= threshold
        assert found.now == log[-1].purging
    else:
        assert log[-1].purging - log[-2].purging < threshold


@settings(deadline=None)
@given(weeks)
def test_purging_is_within_three_times_the_range(entry: EatingWeek) -> None:
    assert 0 <= entry.purging <= 3 * MAX_EPISODES
