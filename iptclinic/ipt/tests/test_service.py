"""The service dashboard's pure rules: wait bands, shares, session bands, attribution."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.service import (
    EIGHTEEN_WEEKS_DAYS,
    SIX_WEEKS_DAYS,
    Delivered,
    Share,
    attribute,
    band_label,
    is_drop_out,
    is_left_when_ended,
    session_band,
    sessions_for,
    summarise_waits,
    wait_days,
    within_eighteen_weeks,
    within_six_weeks,
)


def test_the_standards_are_6_and_18_weeks_in_days() -> None:
    assert (SIX_WEEKS_DAYS, EIGHTEEN_WEEKS_DAYS) == (6 * 7, 18 * 7)


@pytest.mark.parametrize(
    ("days", "six", "eighteen"),
    [
        (0, True, True),
        (41, True, True),
        (42, True, True),
        (43, False, True),
        (126, False, True),
        (127, False, False),
    ],
)
def test_a_wait_is_within_a_standard_up_to_and_including_its_last_day(
    days: int, six: bool, eighteen: bool
) -> None:
    assert within_six_weeks(days) is six
    assert within_eighteen_weeks(days) is eighteen


def test_a_wait_is_counted_in_days_from_the_referral_and_never_backwards() -> None:
    assert wait_days(date(2026, 1, 1), date(2026, 2, 12)) == 42
    with pytest.raises(ValueError, match="before they were referred"):
        wait_days(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (2, 59, "2 of 59 (3.4%)"),
        (1, 8, "1 of 8 (12.5%)"),
        (0, 0, "0 of 0 (no data)"),
        (1, 6, "1 of 6 (16.7%)"),
        (1, 3, "1 of 3 (33.3%)"),
        (5, 5, "5 of 5 (100.0%)"),
    ],
)
def test_a_share_shows_its_numerator_denominator_and_percent_half_up(
    numerator: int, denominator: int, shown: str
) -> None:
    assert str(Share(numerator, denominator)) == shown


def test_a_share_never_divides_by_zero_or_exceeds_its_denominator() -> None:
    assert Share(0, 0).percent is None
    with pytest.raises(ValueError, match="cannot exceed"):
        Share(3, 2)
    with pytest.raises(ValueError, match="negative"):
        Share(-1, 2)


def test_the_wait_summary_counts_each_band_and_the_median() -> None:
    summary = summarise_waits([10, 42, 43, 126, 200])
    assert str(summary.within_six_weeks) == "2 of 5 (40.0%)"
    assert str(summary.within_eighteen_weeks) == "4 of 5 (80.0%)"
    assert summary.median_days == Decimal(43)
    assert summarise_waits([10, 20]).median_days == Decimal(15)
    assert summarise_waits([]).median_days is None


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=50))
def test_the_six_week_share_is_never_more_than_the_eighteen_week_share(waits: list[int]) -> None:
    summary = summarise_waits(waits)
    assert summary.within_six_weeks.numerator <= summary.within_eighteen_weeks.numerator
    assert summary.within_eighteen_weeks.denominator == len(waits)


@pytest.mark.parametrize(
    ("state", "drop_out"),
    [
        (CourseState.ENDED_EARLY, True),
        (CourseState.COMPLETED, False),
        (CourseState.ACTIVE, False),
        (CourseState.REFERRED, False),
    ],
)
def test_drop_out_is_every_course_ended_early(state: CourseState, drop_out: bool) -> None:
    assert is_drop_out(state) is drop_out


@pytest.mark.parametrize(
    ("number", "band", "label"), [(1, 1, "1"), (15, 15, "15"), (16, 16, "16+"), (23, 16, "16+")]
)
def test_sessions_from_16_share_one_band(number: int, band: int, label: str) -> None:
    assert session_band(number) == band
    assert band_label(band) == label


def test_there_is_no_session_0() -> None:
    with pytest.raises(ValueError, match="from 1"):
        session_band(0)


def test_a_missed_appointment_is_for_the_session_the_client_would_have_had() -> None:
    a, dna, cc = Attendance.ATTENDED, Attendance.DID_NOT_ATTEND, Attendance.CANCELLED_BY_CLIENT
    assert sessions_for([a, a, dna, a, cc, cc, a]) == [1, 2, 3, 3, 4, 4, 4]
    assert sessions_for([]) == []


@pytest.mark.parametrize(
    ("status", "day", "ended", "left"),
    [
        (Attendance.CANCELLED_BY_SERVICE, date(2026, 3, 2), date(2026, 3, 1), True),
        (Attendance.CANCELLED_BY_SERVICE, date(2026, 3, 1), date(2026, 3, 1), True),
        (Attendance.CANCELLED_BY_SERVICE, date(2026, 2, 28), date(2026, 3, 1), False),
        (Attendance.CANCELLED_BY_SERVICE, date(2026, 3, 2), None, False),
        (Attendance.CANCELLED_BY_CLIENT, date(2026, 3, 2), date(2026, 3, 1), False),
    ],
)
def test_only_the_services_cancellations_from_the_end_date_on_are_left_when_ended(
    status: Attendance, day: date, ended: date | None, left: bool
) -> None:
    assert is_left_when_ended(status, day, ended) is left


MONDAY = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _at(week: int, clinician: int, pk: int = 0) -> Delivered:
    return Delivered(clinician, MONDAY + timedelta(weeks=week), pk)


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        ([], None),
        ([_at(0, 1)], 1),
        ([_at(0, 1), _at(1, 1), _at(2, 2)], 1),  # most sessions wins, though not the latest
        ([_at(0, 1), _at(1, 2)], 2),  # a tie: whoever delivered the latest
        ([_at(0, 2), _at(1, 1), _at(2, 1), _at(3, 2)], 2),  # tie broken by the latest session
        ([_at(0, 1, pk=5), _at(0, 2, pk=6)], 2),  # same moment: the later appointment
    ],
)
def test_results_belong_to_who_delivered_most_sessions_and_a_tie_to_the_latest(
    sessions: list[Delivered], expected: int | None
) -> None:
    assert attribute(sessions) == expected


@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(0, 30), st.integers(1, 10_000)),
        min_size=1,
        max_size=25,
        unique_by=lambda t: t[2],
    )
)
def test_the_attributed_clinician_delivered_at_least_as_many_sessions_as_anyone(
    rows: list[tuple[int, int, int]],
) -> None:
    sessions = [_at(week, clinician, pk) for clinician, week, pk in rows]
    chosen = attribute(sessions)
    counts = {
        c: sum(1 for s in sessions if s.clinician == c) for c in {s.clinician for s in sessions}
    }
    assert chosen is not None
    assert counts[chosen] == max(counts.values())
    # The order sessions are given in never changes the answer.
    assert attribute(list(reversed(sessions))) == chosen
