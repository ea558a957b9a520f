"""Working days and hours: deadlines that skip weekends and bank holidays and keep their clock
time across the clock changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.working_days import WorkingWeek

LONDON = ZoneInfo("Europe/London")
# Christmas and Boxing Day 2026 fall on a Friday and a Saturday; the substitute is Monday 28th.
HOLIDAYS = frozenset({date(2026, 12, 25), date(2026, 12, 28)})
WEEK = WorkingWeek(holidays=HOLIDAYS)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "count", "expected"),
    [
        # Tuesday 1 December 2026, 10:00
        (at(date(2026, 12, 1), 10), 0, at(date(2026, 12, 1), 17)),
        (at(date(2026, 12, 1), 10), 1, at(date(2026, 12, 2), 17)),
        (at(date(2026, 12, 1), 10), 2, at(date(2026, 12, 3), 17)),
        # A Friday: two working days on is Tuesday
        (at(date(2026, 12, 4), 10), 2, at(date(2026, 12, 8), 17)),
        # A Saturday counts from the next working day
        (at(date(2026, 12, 5), 10), 0, at(date(2026, 12, 7), 17)),
        (at(date(2026, 12, 5), 10), 1, at(date(2026, 12, 7), 17)),
        # Over Christmas: Thu 24th + 1 skips the 25th, the weekend and the 28th
        (at(date(2026, 12, 24), 10), 1, at(date(2026, 12, 29), 17)),
        # Across the clocks going back (Sunday 25 October 2026): still 17:00 local
        (at(date(2026, 10, 23), 10), 1, at(date(2026, 10, 26), 17)),
    ],
)
def test_within_working_days(moment: datetime, count: int, expected: datetime) -> None:
    due = WEEK.within_working_days(moment, count)
    assert due == expected
    assert due.astimezone(LONDON).time() == time(17, 0)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(date(2026, 12, 1), 16, 30), at(date(2026, 12, 1), 17)),
        (at(date(2026, 12, 1), 17, 30), at(date(2026, 12, 1), 17, 30)),  # after hours: at once
        (at(date(2026, 12, 5), 11), at(date(2026, 12, 5), 11)),  # a Saturday: at once
        (at(date(2026, 12, 25), 11), at(date(2026, 12, 25), 11)),  # a bank holiday: at once
    ],
)
def test_end_of_this_working_day(moment: datetime, expected: datetime) -> None:
    assert WEEK.end_of_this_working_day(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(date(2026, 12, 1), 8, 59), at(date(2026, 12, 1), 9)),
        (at(date(2026, 12, 1), 9), at(date(2026, 12, 2), 9)),
        (at(date(2026, 12, 1), 17), at(date(2026, 12, 2), 9)),
        (at(date(2026, 12, 4), 17), at(date(2026, 12, 7), 9)),  # Friday evening: Monday
        (at(date(2026, 12, 24), 17), at(date(2026, 12, 29), 9)),  # Christmas Eve: Tuesday
    ],
)
def test_next_morning(moment: datetime, expected: datetime) -> None:
    assert WEEK.next_morning(moment) == expected


def test_mornings_between_counts_working_mornings_only() -> None:
    friday_evening = at(date(2026, 12, 4), 17)
    assert WEEK.mornings_between(friday_evening, at(date(2026, 12, 7), 8, 59)) == 0
    assert WEEK.mornings_between(friday_evening, at(date(2026, 12, 7), 9)) == 1
    assert WEEK.mornings_between(friday_evening, at(date(2026, 12, 9), 9)) == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekdays": frozenset()},
        {"weekdays": frozenset({7})},
        {"day_starts": time(17), "day_ends": time(9)},
    ],
)
def test_a_working_week_that_cannot_work_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkingWeek(**kwargs)  # type: ignore[arg-type]


def test_a_calendar_with_no_working_day_for_months_is_refused_not_looped_for_ever() -> None:
    every_day = frozenset(date(2027, 1, 1) + timedelta(days=n) for n in range(120))
    week = WorkingWeek(holidays=every_day)
    with pytest.raises(ValueError, match="no working day"):
        week.next_working_day(date(2027, 1, 1))


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    st.integers(0, 15),
)
def test_a_deadline_is_a_working_day_end_never_before_the_moment(
    naive: datetime, count: int
) -> None:
    moment = naive.replace(tzinfo=LONDON)
    due = WEEK.within_working_days(moment, count)
    assert WEEK.is_working_day(due.date())
    assert due.time() == time(17, 0)
    assert due.date() >= moment.date()
    assert WEEK.next_morning(moment) > moment
