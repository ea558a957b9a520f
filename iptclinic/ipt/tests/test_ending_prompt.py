"""The caseload's prompt to raise the ending (ipt-method.md R10; decisions.md §2; hazard H-005)."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iptclinic.ipt.phases import (
    ENDING_PROMPT_LABELS,
    EndingPrompt,
    ending_must_be_raised_by,
    ending_prompt,
    ending_prompt_from,
)
from iptclinic.ipt.variants import VARIANTS, Variant

NONE, RAISE, OVERDUE, NOT_DISCUSSED = (
    EndingPrompt.NONE,
    EndingPrompt.RAISE,
    EndingPrompt.OVERDUE,
    EndingPrompt.NOT_DISCUSSED,
)

# (variant, contracted, attended, prompt while the ending has not been discussed). The prompt
# starts when the next session is N−4 and turns into a warning once session N−2 has gone by; in
# the ending phase the ending record is the prompt until that warning is due.
NOT_RAISED = [
    # Leaflet, 16 sessions: ending phase 15–16, prompt from 12, deadline 14.
    (Variant.LEAFLET, 16, 0, NONE),
    (Variant.LEAFLET, 16, 10, NONE),
    (Variant.LEAFLET, 16, 11, RAISE),
    (Variant.LEAFLET, 16, 13, RAISE),
    (Variant.LEAFLET, 16, 14, OVERDUE),
    (Variant.LEAFLET, 16, 15, NOT_DISCUSSED),
    (Variant.LEAFLET, 16, 16, NOT_DISCUSSED),
    # Leaflet, 12 sessions: ending phase 11–12, prompt from 8, deadline 10.
    (Variant.LEAFLET, 12, 6, NONE),
    (Variant.LEAFLET, 12, 7, RAISE),
    (Variant.LEAFLET, 12, 9, RAISE),
    (Variant.LEAFLET, 12, 10, OVERDUE),
    (Variant.LEAFLET, 12, 11, NOT_DISCUSSED),
    # IPT UK, 16 sessions: the ending phase (13–16) starts before the deadline (14).
    (Variant.IPT_UK, 16, 10, NONE),
    (Variant.IPT_UK, 16, 11, RAISE),
    (Variant.IPT_UK, 16, 12, RAISE),
    (Variant.IPT_UK, 16, 13, NONE),
    (Variant.IPT_UK, 16, 14, NOT_DISCUSSED),
    (Variant.IPT_UK, 16, 16, NOT_DISCUSSED),
    # IPT UK, 12 sessions: ending phase 9–12, prompt from 8, deadline 10.
    (Variant.IPT_UK, 12, 6, NONE),
    (Variant.IPT_UK, 12, 7, RAISE),
    (Variant.IPT_UK, 12, 8, RAISE),
    (Variant.IPT_UK, 12, 9, NONE),
    (Variant.IPT_UK, 12, 10, NOT_DISCUSSED),
    # Interpersonal counselling: prompt and deadline both at N−1, the last session is the ending.
    (Variant.IPC, 3, 0, NONE),
    (Variant.IPC, 3, 1, RAISE),
    (Variant.IPC, 3, 2, OVERDUE),
    (Variant.IPC, 3, 3, NOT_DISCUSSED),
    (Variant.IPC, 4, 1, NONE),
    (Variant.IPC, 4, 2, RAISE),
    (Variant.IPC, 4, 3, OVERDUE),
    (Variant.IPC, 4, 4, NOT_DISCUSSED),
    (Variant.IPC, 6, 3, NONE),
    (Variant.IPC, 6, 4, RAISE),
    (Variant.IPC, 6, 5, OVERDUE),
    (Variant.IPC, 6, 6, NOT_DISCUSSED),
    # Stuart & Robertson, 14 sessions: conclusion 13–14, prompt from 10, deadline 12.
    (Variant.IPT_SR, 14, 8, NONE),
    (Variant.IPT_SR, 14, 9, RAISE),
    (Variant.IPT_SR, 14, 12, OVERDUE),
    (Variant.IPT_SR, 14, 13, NOT_DISCUSSED),
    # Eating disorders, 20 sessions: ending phase 17–20, prompt from 16, deadline 18.
    (Variant.IPT_ED, 20, 14, NONE),
    (Variant.IPT_ED, 20, 15, RAISE),
    (Variant.IPT_ED, 20, 17, NONE),
    (Variant.IPT_ED, 20, 18, NOT_DISCUSSED),
]

ALL_COURSES = [
    (variant, contracted)
    for variant, config in VARIANTS.items()
    for contracted in range(config.min_sessions, config.max_sessions + 1)
]


@pytest.mark.parametrize(("variant", "contracted", "attended", "expected"), NOT_RAISED)
def test_until_the_ending_is_discussed_the_prompt_follows_the_session_count(
    variant: Variant, contracted: int, attended: int, expected: EndingPrompt
) -> None:
    assert ending_prompt(attended, contracted, variant, ending_raised=False) is expected


@pytest.mark.parametrize(("variant", "contracted", "attended", "expected"), NOT_RAISED)
def test_once_the_ending_is_discussed_there_is_no_prompt(
    variant: Variant, contracted: int, attended: int, expected: EndingPrompt
) -> None:
    assert ending_prompt(attended, contracted, variant, ending_raised=True) is NONE


@settings(deadline=None)
@given(data=st.data(), course=st.sampled_from(ALL_COURSES))
def test_from_the_deadline_on_an_undiscussed_ending_always_warns(
    data: st.DataObject, course: tuple[Variant, int]
) -> None:
    variant, contracted = course
    deadline = ending_must_be_raised_by(contracted, variant)
    attended = data.draw(st.integers(min_value=deadline, max_value=contracted))
    prompt = ending_prompt(attended, contracted, variant, ending_raised=False)
    assert prompt in (OVERDUE, NOT_DISCUSSED)


@settings(deadline=None)
@given(data=st.data(), course=st.sampled_from(ALL_COURSES))
def test_nothing_is_prompted_before_the_next_session_reaches_the_prompt_point(
    data: st.DataObject, course: tuple[Variant, int]
) -> None:
    variant, contracted = course
    before = ending_prompt_from(contracted, variant) - 1
    # A short maintenance contract raises the ending from session 1: there is no "before" to check.
    assume(before >= 1)
    attended = data.draw(st.integers(min_value=0, max_value=before - 1))
    assert ending_prompt(attended, contracted, variant, ending_raised=False) is NONE


@pytest.mark.parametrize("attended", [-1, 17])
def test_an_impossible_session_count_is_refused(attended: int) -> None:
    with pytest.raises(ValueError, match="cannot have"):
        ending_prompt(attended, 16, ending_raised=False)


def test_each_prompt_says_what_to_do_next_in_plain_words() -> None:
    assert ENDING_PROMPT_LABELS[NONE] == ""
    for prompt in (RAISE, OVERDUE, NOT_DISCUSSED):
        assert ENDING_PROMPT_LABELS[prompt].endswith("at the next session")
