import re
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.phases import (
    PHASE_LABELS,
    ContractLengthError,
    Phase,
    PhasePlan,
    ending_must_be_raised_by,
    ending_prompt_from,
    phase_for_session,
    phase_plan,
    validate_contract_length,
)
from iptclinic.ipt.variants import (
    VARIANTS,
    Variant,
    VariantConfig,
    variant_choices,
    variant_config,
)

ALL_COURSES = [
    (variant, contracted)
    for variant, config in VARIANTS.items()
    for contracted in range(config.min_sessions, config.max_sessions + 1)
]


def test_every_variant_has_a_configuration_row() -> None:
    assert set(VARIANTS) == set(Variant)
    for variant, config in VARIANTS.items():
        assert config.variant is variant
        assert config.source


@pytest.mark.parametrize("variant", list(Variant))
def test_a_variant_can_be_looked_up_by_member_or_stored_value(variant: Variant) -> None:
    assert variant_config(variant) is variant_config(variant.value) is VARIANTS[variant]


def test_an_unknown_variant_gets_a_message_naming_the_choices() -> None:
    with pytest.raises(ValueError, match=r"Unknown IPT variant 'ipt_x'.*leaflet, ipt_uk"):
        variant_config("ipt_x")


@pytest.mark.parametrize(
    ("variant", "low", "high", "default", "initial", "ending", "minutes"),
    [
        (Variant.LEAFLET, 12, 16, 16, 3, 2, 50),
        (Variant.IPT_UK, 12, 16, 16, 4, 4, 50),
        (Variant.IPT_ADULT, 12, 16, 16, 3, 3, 50),
        (Variant.IPT_SR, 12, 16, 14, 3, 2, 50),
        (Variant.IPT_ED, 15, 20, 20, 4, 4, 50),
        (Variant.IPC, 3, 6, 4, 1, 1, 30),
    ],
)
def test_the_variant_table_holds_the_agreed_numbers(
    variant: Variant, low: int, high: int, default: int, initial: int, ending: int, minutes: int
) -> None:
    config = VARIANTS[variant]
    assert (config.min_sessions, config.max_sessions, config.default_sessions) == (
        low,
        high,
        default,
    )
    assert (config.initial_sessions, config.ending_sessions) == (initial, ending)
    assert config.session_minutes == minutes


def test_only_stuart_and_robertson_drops_deficits_and_widens_grief() -> None:
    for variant, config in VARIANTS.items():
        narrow = variant is not Variant.IPT_SR
        assert config.grief_requires_death is narrow
        assert config.deficits_allowed is narrow


def test_a_variant_row_without_a_middle_phase_is_refused() -> None:
    leaflet = VARIANTS[Variant.LEAFLET]
    with pytest.raises(ValueError, match="no middle phase"):
        VariantConfig(**{**leaflet.__dict__, "initial_sessions": 6, "ending_sessions": 6})


def test_a_variant_row_whose_prompt_follows_its_deadline_is_refused() -> None:
    leaflet = VARIANTS[Variant.LEAFLET]
    with pytest.raises(ValueError, match="prompt must come before"):
        VariantConfig(**{**leaflet.__dict__, "ending_prompt_before": 1})


@pytest.mark.parametrize(("variant", "contracted"), ALL_COURSES)
def test_every_allowed_length_has_contiguous_ordered_phases_with_a_middle(
    variant: Variant, contracted: int
) -> None:
    plan = phase_plan(contracted, variant)
    assert len(plan.middle) >= 1
    assert plan.initial.start == 1
    assert plan.initial.stop == plan.middle.start
    assert plan.middle.stop == plan.ending.start
    assert plan.ending.stop == contracted + 1
    phases = [phase_for_session(n, contracted, variant) for n in range(1, contracted + 1)]
    assert phases == sorted(phases, key=list(Phase).index)
    assert set(phases) == set(Phase)
    for n, phase in enumerate(phases, start=1):
        assert [n in plan.initial, n in plan.middle, n in plan.ending].count(True) == 1
        assert plan.phase_of(n) is phase


@pytest.mark.parametrize(
    ("contracted", "initial", "middle", "ending"),
    [
        (12, (1, 3), (4, 10), (11, 12)),
        (13, (1, 3), (4, 11), (12, 13)),
        (14, (1, 3), (4, 12), (13, 14)),
        (15, (1, 3), (4, 13), (14, 15)),
        (16, (1, 3), (4, 14), (15, 16)),
    ],
)
def test_the_leaflet_course_is_three_initial_then_middle_then_two_ending(
    contracted: int,
    initial: tuple[int, int],
    middle: tuple[int, int],
    ending: tuple[int, int],
) -> None:
    plan = phase_plan(contracted)
    assert (plan.initial[0], plan.initial[-1]) == initial
    assert (plan.middle[0], plan.middle[-1]) == middle
    assert (plan.ending[0], plan.ending[-1]) == ending


def test_a_16_session_uk_course_is_1_to_4_then_5_to_12_then_13_to_16() -> None:
    assert phase_plan(16, Variant.IPT_UK) == PhasePlan(
        contracted=16, initial=range(1, 5), middle=range(5, 13), ending=range(13, 17)
    )


def test_a_14_session_stuart_and_robertson_course_concludes_in_13_and_14() -> None:
    assert phase_plan(14, Variant.IPT_SR) == PhasePlan(
        contracted=14, initial=range(1, 4), middle=range(4, 13), ending=range(13, 15)
    )


def test_a_3_session_interpersonal_counselling_course_has_one_session_each() -> None:
    assert [phase_for_session(n, 3, Variant.IPC) for n in (1, 2, 3)] == [
        Phase.INITIAL,
        Phase.MIDDLE,
        Phase.ENDING,
    ]


def test_it_rejects_a_17_session_contract_with_a_message_naming_17() -> None:
    with pytest.raises(
        ContractLengthError,
        match=r"^A course under the standard IPT variant has 12 to 16 sessions; 17 is too many\.$",
    ):
        validate_contract_length(17)


def test_it_rejects_an_11_session_contract_as_too_few() -> None:
    with pytest.raises(ContractLengthError, match="11 is too few"):
        phase_plan(11)


def test_it_names_the_variant_when_rejecting_a_length() -> None:
    with pytest.raises(ContractLengthError, match="interpersonal counselling variant has 3 to 6"):
        validate_contract_length(7, Variant.IPC)


@pytest.mark.parametrize("bad", [12.0, "12", True])
def test_it_rejects_a_contract_length_that_is_not_a_whole_number(bad: object) -> None:
    with pytest.raises(ContractLengthError, match="must be a whole number"):
        # Forms and the CLI can pass through values the type checker never sees.
        validate_contract_length(cast(int, bad))


def test_a_contract_length_error_is_a_value_error() -> None:
    assert issubclass(ContractLengthError, ValueError)


@pytest.mark.parametrize(
    ("number", "message"),
    [(0, "numbered from 1; 0"), (-1, "numbered from 1"), (17, "session 17 is beyond")],
)
def test_it_rejects_a_session_number_outside_the_course(number: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        phase_for_session(number, 16)


def test_without_an_agreed_focus_the_middle_range_stays_initial() -> None:
    phases = [phase_for_session(n, 16, focus_agreed=False) for n in range(1, 17)]
    assert phases == [Phase.INITIAL] * 14 + [Phase.ENDING] * 2


@settings(deadline=None)
@given(st.sampled_from(ALL_COURSES), st.data())
def test_focus_agreement_only_ever_turns_middle_into_initial(
    course: tuple[Variant, int], data: st.DataObject
) -> None:
    variant, contracted = course
    number = data.draw(st.integers(min_value=1, max_value=contracted))
    agreed = phase_for_session(number, contracted, variant)
    pending = phase_for_session(number, contracted, variant, focus_agreed=False)
    assert pending is (Phase.INITIAL if agreed is Phase.MIDDLE else agreed)


def test_for_16_sessions_the_ending_is_prompted_from_12_and_due_by_14() -> None:
    assert ending_prompt_from(16) == 12
    assert ending_must_be_raised_by(16) == 14


def test_for_12_sessions_the_ending_is_prompted_from_8_and_due_by_10() -> None:
    assert ending_prompt_from(12) == 8
    assert ending_must_be_raised_by(12) == 10


@pytest.mark.parametrize("contracted", [3, 4, 5, 6])
def test_interpersonal_counselling_raises_the_ending_at_the_session_before_the_last(
    contracted: int,
) -> None:
    assert ending_prompt_from(contracted, Variant.IPC) == contracted - 1
    assert ending_must_be_raised_by(contracted, Variant.IPC) == contracted - 1


@pytest.mark.parametrize(("variant", "contracted"), ALL_COURSES)
def test_the_ending_is_prompted_no_later_than_its_deadline_and_before_the_last_session(
    variant: Variant, contracted: int
) -> None:
    prompt = ending_prompt_from(contracted, variant)
    deadline = ending_must_be_raised_by(contracted, variant)
    assert 1 <= prompt <= deadline < contracted


def test_the_ending_prompt_rejects_an_invalid_contract() -> None:
    with pytest.raises(ContractLengthError):
        ending_prompt_from(20)


def test_every_phase_has_a_label() -> None:
    assert dict(PHASE_LABELS) == {
        Phase.INITIAL: "Initial",
        Phase.MIDDLE: "Middle",
        Phase.ENDING: "Ending",
    }


@pytest.mark.parametrize(
    ("variant", "label"),
    [
        (
            Variant.LEAFLET,
            "Standard IPT: 12–16 sessions, starting with sessions 1–3 and ending with the last 2",
        ),
        (
            Variant.IPT_UK,
            "IPT in NHS Talking Therapies: 12–16 sessions, starting with sessions 1–4 and ending "
            "with the last 4",
        ),
        (
            Variant.IPC,
            "Interpersonal counselling: 3–6 sessions, starting with session 1 and ending with the "
            "last session",
        ),
    ],
)
def test_a_variant_is_offered_by_name_and_shape_written_from_its_numbers(
    variant: Variant, label: str
) -> None:
    assert variant_config(variant).label == label
    assert (variant.value, label) in variant_choices()


def test_the_choices_offer_every_variant_once_and_name_no_source() -> None:
    choices = variant_choices()
    assert [value for value, _label in choices] == [v.value for v in VARIANTS]
    for _value, label in choices:
        assert not re.search(r"§|\.md|\[S\d*\]|\(AWP\)|leaflet|FIRM|UNVERIFIED", label), label
