"""Issue 14: slot lengths and intervals from the variant row; maintenance IPT's shape."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.measure_schedule import due_at_session, milestone_sessions
from iptclinic.ipt.phases import (
    Phase,
    ending_must_be_raised_by,
    ending_prompt_from,
    phase_for_session,
    phase_plan,
    validate_contract_length,
)
from iptclinic.ipt.variants import (
    VARIANTS,
    SlotLengthError,
    Variant,
    check_slot_minutes,
    session_length,
    variant_config,
)


@pytest.mark.parametrize(
    ("variant", "slot", "chosen", "every_weeks", "continues", "told"),
    [
        # Every variant that existed before issue 14 keeps its weekly one-hour slot of 50 minutes.
        (Variant.LEAFLET, 60, None, 1, False, 50),
        (Variant.IPT_UK, 60, None, 1, False, 50),
        (Variant.IPT_ADULT, 60, None, 1, False, 50),
        (Variant.IPT_SR, 60, None, 1, False, 50),
        (Variant.IPT_ED, 60, None, 1, False, 50),
        (Variant.IPC, 30, (20, 50), 1, False, 30),
        (Variant.IPT_M, 60, None, 4, True, 50),
    ],
)
def test_each_variant_books_its_own_slot_and_interval(
    variant: Variant,
    slot: int,
    chosen: tuple[int, int] | None,
    every_weeks: int,
    continues: bool,
    told: int,
) -> None:
    config = variant_config(variant)
    assert config.slot_minutes == slot
    assert config.slot_minutes_range == chosen
    assert config.weeks_between_sessions == every_weeks
    assert config.continues_a_course is continues
    assert session_length(variant, config.slot_minutes) == told


@pytest.mark.parametrize(
    ("variant", "minutes", "message"),
    [
        (
            Variant.IPC,
            19,
            "Interpersonal counselling sessions can be 20 to 50 minutes long; 19 is too short.",
        ),
        (
            Variant.IPC,
            51,
            "Interpersonal counselling sessions can be 20 to 50 minutes long; 51 is too long.",
        ),
        (Variant.LEAFLET, 30, "booked for 60 minutes; leave the length empty"),
        (Variant.IPT_M, 45, "booked for 60 minutes; leave the length empty"),
    ],
)
def test_a_slot_length_outside_what_the_variant_allows_is_refused_with_a_reason(
    variant: Variant, minutes: int, message: str
) -> None:
    with pytest.raises(SlotLengthError, match=message):
        check_slot_minutes(minutes, variant)


@pytest.mark.parametrize(
    ("variant", "minutes"),
    [(Variant.IPC, 20), (Variant.IPC, 45), (Variant.IPC, 50), (Variant.LEAFLET, 60)],
)
def test_a_slot_length_the_variant_allows_passes(variant: Variant, minutes: int) -> None:
    check_slot_minutes(minutes, variant)


def test_a_chosen_ipc_length_is_the_length_the_client_is_told() -> None:
    assert session_length(Variant.IPC, 45) == 45
    assert session_length(Variant.LEAFLET, 60) == 50


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slot_minutes": 40}, "a session must fit in its appointment slot"),
        ({"slot_minutes_range": (70, 90)}, "outside its own range"),
        ({"weeks_between_sessions": 0}, "at least a week"),
    ],
)
def test_a_row_whose_booking_numbers_disagree_is_refused_at_import(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(VARIANTS[Variant.LEAFLET], **change)  # type: ignore[arg-type]


def test_a_chosen_slot_must_be_the_session_length() -> None:
    with pytest.raises(ValueError, match="a chosen slot length is the session length"):
        dataclasses.replace(VARIANTS[Variant.LEAFLET], slot_minutes_range=(40, 60))


@settings(deadline=None)
@given(st.sampled_from(list(Variant)), st.integers(1, 120))
def test_the_length_told_never_exceeds_an_allowed_slot(variant: Variant, minutes: int) -> None:
    try:
        check_slot_minutes(minutes, variant)
    except SlotLengthError:
        return
    assert 1 <= session_length(variant, minutes) <= minutes


# --- Maintenance IPT -----------------------------------------------------------------------------


def test_a_maintenance_contract_is_3_to_36_sessions_defaulting_to_12() -> None:
    config = variant_config(Variant.IPT_M)
    assert (config.min_sessions, config.default_sessions, config.max_sessions) == (3, 12, 36)
    validate_contract_length(36, Variant.IPT_M)
    with pytest.raises(ValueError, match="37 is too many"):
        validate_contract_length(37, Variant.IPT_M)


@pytest.mark.parametrize(
    ("contracted", "phases"),
    [
        (3, "IME"),
        (4, "IMME"),
        (12, "I" + "M" * 10 + "E"),
    ],
)
def test_maintenance_reviews_at_session_1_and_ends_at_the_last(
    contracted: int, phases: str
) -> None:
    letters = {Phase.INITIAL: "I", Phase.MIDDLE: "M", Phase.ENDING: "E"}
    got = "".join(
        letters[phase_for_session(n, contracted, Variant.IPT_M)] for n in range(1, contracted + 1)
    )
    assert got == phases


def test_maintenance_sessions_stay_initial_until_the_new_contract_and_focus_are_agreed() -> None:
    assert phase_for_session(5, 12, Variant.IPT_M, focus_agreed=False) is Phase.INITIAL
    assert phase_for_session(12, 12, Variant.IPT_M, focus_agreed=False) is Phase.ENDING


@pytest.mark.parametrize(
    ("contracted", "prompt", "deadline"), [(3, 1, 2), (12, 10, 11), (36, 34, 35)]
)
def test_the_maintenance_ending_is_raised_two_sessions_ahead(
    contracted: int, prompt: int, deadline: int
) -> None:
    assert ending_prompt_from(contracted, Variant.IPT_M) == prompt
    assert ending_must_be_raised_by(contracted, Variant.IPT_M) == deadline


@settings(deadline=None)
@given(st.integers(3, 36))
def test_every_maintenance_contract_has_one_initial_one_ending_and_a_middle(
    contracted: int,
) -> None:
    plan = phase_plan(contracted, Variant.IPT_M)
    assert (len(plan.initial), len(plan.ending)) == (1, 1)
    assert len(plan.middle) == contracted - 2 >= 1


# --- Measures: the same schedule for short and long courses -------------------------------------


@pytest.mark.parametrize(
    ("variant", "contracted", "milestones"),
    [(Variant.IPC, 3, (1, 2, 3)), (Variant.IPC, 6, (1, 3, 6)), (Variant.IPT_M, 12, (1, 6, 12))],
)
def test_phq9_and_gad7_every_session_and_wsas_at_the_milestones(
    variant: Variant, contracted: int, milestones: tuple[int, ...]
) -> None:
    validate_contract_length(contracted, variant)
    assert milestone_sessions(contracted) == milestones
    for number in range(1, contracted + 1):
        due = due_at_session(number, contracted)
        assert {"phq9", "gad7"} <= set(due)
        assert ("wsas" in due) is (number in milestones)
