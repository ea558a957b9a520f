from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.portal_sessions import (
    PAST_WORDS,
    STAGE_ORDER,
    STAGE_WORDS,
    Stage,
    course_stage,
    course_stage_words,
    portal_numbers,
    reminder_due,
    request_due,
)
from iptclinic.ipt.variants import Variant, variant_config
from iptclinic.ipt.working_days import WorkingWeek

A = Attendance.ATTENDED
P = Attendance.PLANNED
DNA = Attendance.DID_NOT_ATTEND
CC = Attendance.CANCELLED_BY_CLIENT
CS = Attendance.CANCELLED_BY_SERVICE
LON = ZoneInfo("Europe/London")


@st.composite
def courses(draw: st.DrawFn) -> tuple[Variant, int]:
    variant = draw(st.sampled_from(list(Variant)))
    config = variant_config(variant)
    return variant, draw(st.integers(config.min_sessions, config.max_sessions))


@pytest.mark.parametrize(
    ("attended", "expected"),
    [
        (0, Stage.NOT_STARTED),
        (1, Stage.BEGINNING),
        (6, Stage.MIDDLE),
        (13, Stage.MIDDLE),
        (14, Stage.ENDING),
    ],
)
def test_a_sixteen_session_course_reads_as_beginning_middle_and_end(
    attended: int, expected: Stage
) -> None:
    assert course_stage(attended, 16) is expected


def test_before_the_focus_is_agreed_the_course_stays_at_the_beginning() -> None:
    assert course_stage(6, 16, focus_agreed=False) is Stage.BEGINNING
    assert course_stage(14, 16, focus_agreed=False) is Stage.ENDING


def test_an_ended_course_says_so_whatever_the_count() -> None:
    assert course_stage_words(5, 16, ended=True) == "Your sessions have finished."


@settings(deadline=None)
@given(courses(), st.booleans())
def test_the_stage_never_goes_back_as_sessions_are_attended(
    course: tuple[Variant, int], focus: bool
) -> None:
    variant, contracted = course
    stages = [
        STAGE_ORDER.index(course_stage(n, contracted, variant, focus_agreed=focus))
        for n in range(contracted + 3)
    ]
    assert stages == sorted(stages)
    assert course_stage(contracted - 1, contracted, variant, focus_agreed=focus) is Stage.ENDING


@settings(deadline=None)
@given(courses(), st.integers(0, 25), st.booleans(), st.booleans())
def test_the_words_are_plain_and_name_no_method(
    course: tuple[Variant, int], attended: int, focus: bool, ended: bool
) -> None:
    variant, contracted = course
    words = course_stage_words(attended, contracted, variant, focus_agreed=focus, ended=ended)
    assert words in STAGE_WORDS.values()
    for jargon in ("phase", "IPT", "initial", "therapy", "contract"):
        assert jargon not in words


F = True  # still to come
G = False  # in the past


@pytest.mark.parametrize(
    ("sessions", "contracted", "expected"),
    [
        ([(A, G), (A, G), (P, F), (P, F)], 16, [1, 2, 3, 4]),
        (
            [(A, G), (DNA, G), (A, G), (CC, F), (P, F), (CS, F), (P, F)],
            16,
            [1, None, 2, None, 3, None, 4],
        ),
        ([(A, G), (P, G), (P, F)], 16, [1, None, 2]),
        ([(P, F), (P, F), (P, F)], 2, [1, 2, None]),
    ],
)
def test_attended_and_booked_sessions_are_numbered_missed_ones_not(
    sessions: list[tuple[Attendance, bool]], contracted: int, expected: list[int | None]
) -> None:
    assert portal_numbers(sessions, contracted) == expected


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Attendance)), st.booleans()).map(
            lambda s: (s[0], False) if s[0] is A else s  # nobody attends a session to come
        ),
        max_size=30,
    ),
    st.integers(1, 20),
)
def test_numbers_rise_one_by_one_and_never_pass_the_contract(
    sessions: list[tuple[Attendance, bool]], contracted: int
) -> None:
    ordered = sorted(sessions, key=lambda s: s[1])  # the past comes before what is to come
    numbers = [n for n in portal_numbers(ordered, contracted) if n is not None]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(n <= contracted for n in numbers)


def test_every_status_has_words_and_none_is_a_code() -> None:
    assert set(PAST_WORDS) == set(Attendance)
    assert all("_" not in words for words in PAST_WORDS.values())


WEEK = WorkingWeek(holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)}))


def test_a_request_a_week_ahead_is_due_by_the_end_of_the_next_working_day() -> None:
    asked = datetime(2026, 12, 1, 11, 0, tzinfo=LON)  # a Tuesday
    session = datetime(2026, 12, 8, 10, 0, tzinfo=LON)
    assert request_due(asked, session, WEEK) == datetime(2026, 12, 2, 17, 0, tzinfo=LON)


def test_a_request_for_tomorrow_is_due_before_the_day_ends() -> None:
    asked = datetime(2026, 12, 1, 11, 0, tzinfo=LON)
    session = datetime(2026, 12, 2, 10, 0, tzinfo=LON)
    assert request_due(asked, session, WEEK) == datetime(2026, 12, 1, 17, 0, tzinfo=LON)


def test_a_request_in_the_evening_for_tomorrow_is_due_at_the_session_at_the_latest() -> None:
    asked = datetime(2026, 12, 1, 19, 0, tzinfo=LON)
    session = datetime(2026, 12, 2, 8, 30, tzinfo=LON)
    assert request_due(asked, session, WEEK) == session


def test_a_request_on_christmas_eve_for_after_the_holidays() -> None:
    asked = datetime(2026, 12, 24, 16, 0, tzinfo=LON)  # Thursday; Fri 25 and Mon 28 are holidays
    session = datetime(2026, 12, 30, 10, 0, tzinfo=LON)
    assert request_due(asked, session, WEEK) == datetime(2026, 12, 29, 17, 0, tzinfo=LON)


@settings(deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)
    ),
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=60)),
)
def test_a_request_is_due_after_it_is_made_and_never_after_the_session(
    asked: datetime, ahead: timedelta
) -> None:
    session = asked + ahead
    due = request_due(asked, session, WEEK)
    assert asked <= due <= session
    assert due <= WEEK.within_working_days(asked, 1)


def test_a_reminder_goes_two_days_before_in_the_day() -> None:
    session = datetime(2026, 12, 8, 10, 0, tzinfo=LON)
    assert not reminder_due(datetime(2026, 12, 5, 12, 0, tzinfo=LON), session, 2)
    assert not reminder_due(datetime(2026, 12, 6, 8, 59, tzinfo=LON), session, 2)
    assert reminder_due(datetime(2026, 12, 6, 9, 0, tzinfo=LON), session, 2)
    assert not reminder_due(datetime(2026, 12, 6, 20, 0, tzinfo=LON), session, 2)
    assert reminder_due(datetime(2026, 12, 7, 19, 0, tzinfo=LON), session, 2)


def test_no_reminder_when_the_team_chose_zero_days_or_the_session_has_started() -> None:
    session = datetime(2026, 12, 8, 10, 0, tzinfo=LON)
    assert not reminder_due(datetime(2026, 12, 7, 12, 0, tzinfo=LON), session, 0)
    assert not reminder_due(datetime(2026, 12, 8, 10, 0, tzinfo=LON), session, 2)


def test_the_reminder_day_counts_in_local_time_across_the_clock_change() -> None:
    session = datetime(2026, 10, 26, 9, 30, tzinfo=LON)  # the Monday after the clocks go back
    assert reminder_due(datetime(2026, 10, 24, 9, 0, tzinfo=LON), session, 2)
    assert not reminder_due(datetime(2026, 10, 23, 19, 0, tzinfo=LON), session, 2)


@settings(deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)
    ),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
    st.integers(0, 7),
)
def test_a_reminder_is_never_due_at_night_or_after_the_session(
    now: datetime, ahead: timedelta, days: int
) -> None:
    session = now + ahead
    if reminder_due(now, session, days):
        local = now.astimezone(LON)
        assert 9 <= local.hour < 20
        assert now < session
        assert days > 0
        assert (session.astimezone(LON).date() - local.date()).days <= days
