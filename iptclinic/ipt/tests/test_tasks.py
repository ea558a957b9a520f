import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.phases import Phase, ending_prompt_from, phase_for_session
from iptclinic.ipt.tasks import Task, raises_the_ending, session_checklist
from iptclinic.ipt.variants import VARIANTS, Variant

OPENING = ("measures", "risk_check")
INITIAL = ("symptom_review", "history_and_medication", "psychoeducation", "inventory", "timeline")
CLOSE_INITIAL = ("formulation", "treatment_agreement")
MIDDLE = ("interval_question", "focus_work", "techniques", "options_to_try", "sessions_remaining")
RAISE = ("raise_ending",)
ENDING = ("ending_feelings", "progress_review", "credit_gains", "warning_signs", "future_goals")
FINAL = ("next_steps",)

LEAFLET_16 = {
    1: INITIAL,
    2: INITIAL,
    3: INITIAL + CLOSE_INITIAL,
    **{n: MIDDLE for n in range(4, 12)},
    12: MIDDLE + RAISE,
    13: MIDDLE + RAISE,
    14: MIDDLE + RAISE,
    15: ENDING,
    16: ENDING + FINAL,
}

LEAFLET_12 = {
    1: INITIAL,
    2: INITIAL,
    3: INITIAL + CLOSE_INITIAL,
    **{n: MIDDLE for n in range(4, 8)},
    8: MIDDLE + RAISE,
    9: MIDDLE + RAISE,
    10: MIDDLE + RAISE,
    11: ENDING,
    12: ENDING + FINAL,
}

ALL_COURSES = [
    (variant, contracted)
    for variant, config in VARIANTS.items()
    for contracted in range(config.min_sessions, config.max_sessions + 1)
]


def codes(tasks: tuple[Task, ...]) -> tuple[str, ...]:
    return tuple(task.code for task in tasks)


@pytest.mark.parametrize(("number", "expected"), sorted(LEAFLET_16.items()))
def test_the_16_session_leaflet_course_has_the_planned_tasks_each_session(
    number: int, expected: tuple[str, ...]
) -> None:
    assert codes(session_checklist(number, 16)) == OPENING + expected


@pytest.mark.parametrize(("number", "expected"), sorted(LEAFLET_12.items()))
def test_the_12_session_leaflet_course_has_the_planned_tasks_each_session(
    number: int, expected: tuple[str, ...]
) -> None:
    assert codes(session_checklist(number, 12)) == OPENING + expected


@pytest.mark.parametrize(
    ("number", "label"),
    [
        (12, "Talk about the ending: 4 sessions left after this one (raise it by session 14)"),
        (14, "Talk about the ending: 2 sessions left after this one (raise it by session 14)"),
    ],
)
def test_the_ending_prompt_counts_down_and_names_the_deadline(number: int, label: str) -> None:
    tasks = {task.code: task for task in session_checklist(number, 16)}
    assert tasks["raise_ending"].label == label


def test_the_session_counter_names_the_sessions_left() -> None:
    tasks = {task.code: task for task in session_checklist(5, 16)}
    assert tasks["sessions_remaining"].label == "Say how many sessions are left: 11 after this one"


def test_the_ending_prompt_uses_the_singular_for_one_session_left() -> None:
    tasks = {task.code: task for task in session_checklist(5, 6, Variant.IPC)}
    assert tasks["raise_ending"].label.startswith("Talk about the ending: 1 session left after")


def test_a_long_initial_phase_keeps_asking_for_the_formulation_and_agreement() -> None:
    assert codes(session_checklist(5, 16, focus_agreed=False)) == (
        OPENING + INITIAL + CLOSE_INITIAL
    )


def test_a_long_initial_phase_still_raises_the_ending_from_n_minus_4() -> None:
    assert codes(session_checklist(13, 16, focus_agreed=False)) == (
        OPENING + INITIAL + CLOSE_INITIAL + RAISE
    )


def test_the_ending_sessions_ignore_whether_the_focus_was_agreed() -> None:
    assert session_checklist(16, 16, focus_agreed=False) == session_checklist(16, 16)


def test_a_uk_course_closes_the_initial_phase_at_session_4() -> None:
    assert codes(session_checklist(3, 16, Variant.IPT_UK)) == OPENING + INITIAL
    assert codes(session_checklist(4, 16, Variant.IPT_UK)) == OPENING + INITIAL + CLOSE_INITIAL


def test_interpersonal_counselling_fits_the_whole_shape_into_three_sessions() -> None:
    assert [codes(session_checklist(n, 3, Variant.IPC)) for n in (1, 2, 3)] == [
        OPENING + INITIAL + CLOSE_INITIAL,
        OPENING + MIDDLE + RAISE,
        OPENING + ENDING + FINAL,
    ]


def test_it_rejects_a_session_beyond_the_contract() -> None:
    with pytest.raises(ValueError, match="session 17 is beyond"):
        session_checklist(17, 16)


@settings(deadline=None)
@given(st.sampled_from(ALL_COURSES), st.booleans(), st.data())
def test_every_checklist_opens_with_measures_and_risk_and_has_unique_codes(
    course: tuple[Variant, int], focus_agreed: bool, data: st.DataObject
) -> None:
    variant, contracted = course
    number = data.draw(st.integers(min_value=1, max_value=contracted))
    tasks = session_checklist(number, contracted, variant, focus_agreed=focus_agreed)
    found = codes(tasks)
    assert found[:2] == OPENING
    assert len(set(found)) == len(found)
    phase = phase_for_session(number, contracted, variant, focus_agreed=focus_agreed)
    assert all(task.phase is phase for task in tasks)
    assert all(task.label and task.code.isidentifier() for task in tasks)
    assert ("next_steps" in found) is (number == contracted)


@pytest.mark.parametrize(("variant", "contracted"), ALL_COURSES)
def test_every_course_has_exactly_one_formulation_session_and_one_final_session(
    variant: Variant, contracted: int
) -> None:
    checklists = [
        codes(session_checklist(n, contracted, variant)) for n in range(1, contracted + 1)
    ]
    assert sum("formulation" in c for c in checklists) == 1
    assert sum("next_steps" in c for c in checklists) == 1
    assert any("raise_ending" in c or "ending_feelings" in c for c in checklists[:-1])


def test_tasks_carry_the_phase_of_their_session() -> None:
    assert {task.phase for task in session_checklist(15, 16)} == {Phase.ENDING}


@pytest.mark.parametrize(
    ("ticked", "raised"),
    [
        ((), False),
        (OPENING + MIDDLE, False),
        (OPENING + INITIAL + CLOSE_INITIAL, False),
        (RAISE, True),
        (("risk_check", "ending_feelings"), True),
        (("progress_review",), True),
        (("future_goals",), True),
        (FINAL, True),
    ],
)
def test_the_reminder_or_any_ending_task_shows_the_ending_was_discussed(
    ticked: tuple[str, ...], raised: bool
) -> None:
    assert raises_the_ending(ticked) is raised


@settings(deadline=None)
@given(st.sampled_from(ALL_COURSES), st.booleans(), st.data())
def test_from_the_prompt_on_every_session_offers_a_task_that_records_the_ending_as_discussed(
    course: tuple[Variant, int], focus_agreed: bool, data: st.DataObject
) -> None:
    variant, contracted = course
    number = data.draw(
        st.integers(min_value=ending_prompt_from(contracted, variant), max_value=contracted)
    )
    checklist = session_checklist(number, contracted, variant, focus_agreed=focus_agreed)
    assert raises_the_ending(codes(checklist))
