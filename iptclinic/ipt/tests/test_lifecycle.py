import itertools

import pytest

from iptclinic.ipt.lifecycle import (
    ALLOWED_TRANSITIONS,
    EARLY_END_REASON_LABELS,
    STATE_LABELS,
    CourseState,
    EarlyEndReason,
    TransitionError,
    check_transition,
    is_open,
)

ALLOWED = {
    (CourseState.REFERRED, CourseState.ACTIVE),
    (CourseState.REFERRED, CourseState.ENDED_EARLY),
    (CourseState.ACTIVE, CourseState.COMPLETED),
    (CourseState.ACTIVE, CourseState.ENDED_EARLY),
}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_it_allows_the_agreed_moves(current: CourseState, target: CourseState) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(set(itertools.product(CourseState, CourseState)) - ALLOWED),
)
def test_it_refuses_every_other_move_with_a_plain_sentence(
    current: CourseState, target: CourseState
) -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition(current, target)
    message = str(caught.value)
    assert message[0].isupper() and message.endswith(".")


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (CourseState.COMPLETED, CourseState.ACTIVE, "A completed course cannot be reopened"),
        (CourseState.ENDED_EARLY, CourseState.ACTIVE, "ended early cannot be reopened"),
        (CourseState.REFERRED, CourseState.COMPLETED, "must start before it can be completed"),
        (CourseState.ACTIVE, CourseState.REFERRED, "cannot go back to referred"),
        (CourseState.ACTIVE, CourseState.ACTIVE, "The course is already active."),
    ],
)
def test_the_refusal_says_why(current: CourseState, target: CourseState, message: str) -> None:
    with pytest.raises(TransitionError, match=message):
        check_transition(current, target)


def test_the_transition_table_matches_the_agreed_moves() -> None:
    table = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(ALLOWED_TRANSITIONS) == set(CourseState)


def test_stored_values_are_accepted() -> None:
    check_transition("referred", "active")
    assert is_open("active")


def test_an_unknown_state_gets_a_message_naming_the_choices() -> None:
    with pytest.raises(TransitionError, match=r"Unknown course state 'closed'.*referred, active"):
        check_transition("closed", CourseState.ACTIVE)


@pytest.mark.parametrize(
    ("state", "open_"),
    [
        (CourseState.REFERRED, True),
        (CourseState.ACTIVE, True),
        (CourseState.COMPLETED, False),
        (CourseState.ENDED_EARLY, False),
    ],
)
def test_only_referred_and_active_courses_are_open(state: CourseState, open_: bool) -> None:
    assert is_open(state) is open_


def test_a_transition_error_is_a_value_error() -> None:
    assert issubclass(TransitionError, ValueError)


def test_every_state_and_early_end_reason_has_a_label() -> None:
    assert set(STATE_LABELS) == set(CourseState)
    assert set(EARLY_END_REASON_LABELS) == set(EarlyEndReason)
    assert all(STATE_LABELS.values()) and all(EARLY_END_REASON_LABELS.values())
