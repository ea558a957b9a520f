import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.attendance import (
    ATTENDANCE_LABELS,
    MISSED,
    Attendance,
    session_numbers,
    sessions_remaining,
)

A = Attendance.ATTENDED
DNA = Attendance.DID_NOT_ATTEND
CC = Attendance.CANCELLED_BY_CLIENT
CS = Attendance.CANCELLED_BY_SERVICE
P = Attendance.PLANNED


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], []),
        ([A, A, A], [1, 2, 3]),
        ([A, DNA, A], [1, None, 2]),
        ([CC, CS, A, DNA, A, P, P], [None, None, 1, None, 2, None, None]),
        ([P], [None]),
    ],
)
def test_only_attended_appointments_are_numbered_as_sessions(
    statuses: list[Attendance], expected: list[int | None]
) -> None:
    assert session_numbers(statuses) == expected


def test_stored_values_can_be_numbered() -> None:
    assert session_numbers([Attendance("attended"), Attendance("did_not_attend")]) == [1, None]


@settings(deadline=None)
@given(st.lists(st.sampled_from(list(Attendance)), max_size=40))
def test_attended_sessions_are_numbered_one_up_in_order(statuses: list[Attendance]) -> None:
    numbers = session_numbers(statuses)
    assert len(numbers) == len(statuses)
    assert [n for n in numbers if n is not None] == list(range(1, statuses.count(A) + 1))
    assert all((n is None) is (s is not A) for n, s in zip(numbers, statuses, strict=True))


def test_missed_means_did_not_attend_or_either_cancellation() -> None:
    assert {DNA, CC, CS} == MISSED


def test_every_status_has_a_label() -> None:
    assert set(ATTENDANCE_LABELS) == set(Attendance)
    assert ATTENDANCE_LABELS[DNA] == "Did not attend"


@pytest.mark.parametrize(
    ("attended", "contracted", "left"),
    [(0, 16, 16), (5, 16, 11), (16, 16, 0), (17, 16, 0), (2, 3, 1)],
)
def test_sessions_remaining_counts_down_and_stops_at_zero(
    attended: int, contracted: int, left: int
) -> None:
    assert sessions_remaining(attended, contracted) == left


def test_a_negative_attended_count_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative; got -1"):
        sessions_remaining(-1, 16)


def test_a_contract_without_sessions_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one contracted session; got 0"):
        sessions_remaining(0, 0)
