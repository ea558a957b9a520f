from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.ipt.measure_schedule import (
    DEFAULT_SCHEDULE,
    Frequency,
    due_at_session,
    milestone_sessions,
    parse_schedule,
)


@pytest.mark.parametrize(
    ("contracted", "expected"),
    [(16, (1, 8, 16)), (12, (1, 6, 12)), (13, (1, 7, 13)), (2, (1, 2)), (1, (1,))],
)
def test_milestones_are_assessment_middle_and_end(
    contracted: int, expected: tuple[int, ...]
) -> None:
    assert milestone_sessions(contracted) == expected


@pytest.mark.parametrize(
    ("number", "contracted", "expected"),
    [
        (1, 16, ("phq9", "gad7", "wsas")),
        (2, 16, ("phq9", "gad7")),
        (8, 16, ("phq9", "gad7", "wsas")),
        (9, 16, ("phq9", "gad7")),
        (16, 16, ("phq9", "gad7", "wsas")),
        (6, 12, ("phq9", "gad7", "wsas")),
    ],
)
def test_the_default_schedule_follows_decision_12(
    number: int, contracted: int, expected: tuple[str, ...]
) -> None:
    assert due_at_session(number, contracted) == expected


def test_a_team_can_take_a_questionnaire_off_the_schedule_or_ask_for_it_every_session() -> None:
    schedule = {"phq9": Frequency.EVERY_SESSION, "wsas": Frequency.EVERY_SESSION}
    assert due_at_session(5, 16, schedule) == ("phq9", "wsas")
    assert due_at_session(5, 16, {}) == ()


@pytest.mark.parametrize("number", [0, 17, -1])
def test_it_refuses_a_session_outside_the_course(number: int) -> None:
    with pytest.raises(ValueError, match="not within 1 to 16"):
        due_at_session(number, 16)


def test_it_reads_back_a_stored_schedule_and_refuses_unknown_names() -> None:
    assert parse_schedule({"phq9": "milestones"}) == {"phq9": Frequency.MILESTONES}
    with pytest.raises(ValueError, match="unknown questionnaire 'bdi'"):
        parse_schedule({"bdi": "every_session"})
    with pytest.raises(ValueError, match="unknown frequency 'weekly'"):
        parse_schedule({"phq9": "weekly"})


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=40), st.data())
def test_every_session_questionnaires_are_always_due_and_milestones_three_times_at_most(
    contracted: int, data: st.DataObject
) -> None:
    number = data.draw(st.integers(min_value=1, max_value=contracted))
    due = due_at_session(number, contracted, DEFAULT_SCHEDULE)
    assert {"phq9", "gad7"} <= set(due)
    assert list(due) == [code for code in INSTRUMENTS if code in due]
    wsas_sessions = [n for n in range(1, contracted + 1) if "wsas" in due_at_session(n, contracted)]
    assert 1 <= len(wsas_sessions) <= 3
    assert wsas_sessions[0] == 1 and wsas_sessions[-1] == contracted
