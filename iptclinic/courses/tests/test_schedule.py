"""Weekly slots keep their wall-clock time when the clocks change (stack-notes.md §8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.courses.schedule import first_on_or_after, week_after, weekly_slots

LONDON = "Europe/London"
MONDAY, WEDNESDAY, SUNDAY = 0, 2, 6


def _offset_hours(moment: datetime) -> float:
    offset = moment.utcoffset()
    assert offset is not None
    return offset.total_seconds() / 3600


@pytest.mark.parametrize(
    ("start", "clock_change"),
    [
        (date(2025, 10, 20), "October: British Summer Time ends on 26 October 2025"),
        (date(2026, 3, 23), "March: British Summer Time starts on 29 March 2026"),
    ],
)
def test_weekly_slots_stay_at_ten_oclock_across_a_clock_change(
    start: date, clock_change: str
) -> None:
    slots = weekly_slots(start, MONDAY, time(10, 0), 2, LONDON)

    assert [s.astimezone(ZoneInfo(LONDON)).time() for s in slots] == [time(10, 0)] * 2, clock_change
    assert [s.date() for s in slots] == [start, start + timedelta(weeks=1)]
    assert _offset_hours(slots[0]) != _offset_hours(slots[1])


def test_the_october_change_moves_the_utc_time_from_nine_to_ten() -> None:
    before, after = weekly_slots(date(2025, 10, 20), MONDAY, time(10, 0), 2, LONDON)

    assert before.astimezone(UTC).hour == 9
    assert after.astimezone(UTC).hour == 10
    # Same-zone subtraction in Python is wall-clock; elapsed time needs UTC on both sides.
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(weeks=1, hours=1)


def test_the_march_change_moves_the_utc_time_from_ten_to_nine() -> None:
    before, after = weekly_slots(date(2026, 3, 23), MONDAY, time(10, 0), 2, LONDON)

    assert before.astimezone(UTC).hour == 10
    assert after.astimezone(UTC).hour == 9
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(weeks=1, hours=-1)


def test_a_course_of_sixteen_across_both_changes_is_always_at_ten_local_time() -> None:
    slots = weekly_slots(date(2025, 9, 1), MONDAY, time(10, 0), 16, LONDON)
    london = [s.astimezone(ZoneInfo(LONDON)) for s in slots]

    assert {(m.hour, m.minute) for m in london} == {(10, 0)}
    assert {m.weekday() for m in london} == {MONDAY}
    assert {_offset_hours(s) for s in slots} == {0.0, 1.0}


@pytest.mark.parametrize(
    ("start", "weekday", "expected"),
    [
        (date(2026, 11, 25), WEDNESDAY, date(2026, 11, 25)),  # already the right day
        (date(2026, 11, 25), MONDAY, date(2026, 11, 30)),  # the next Monday, not the last
        (date(2026, 11, 25), SUNDAY, date(2026, 11, 29)),
        (date(2026, 12, 28), SUNDAY, date(2027, 1, 3)),  # across the new year
    ],
)
def test_first_on_or_after_finds_the_first_matching_weekday(
    start: date, weekday: int, expected: date
) -> None:
    assert first_on_or_after(start, weekday) == expected


def test_slots_start_on_the_first_chosen_weekday_on_or_after_the_start_date() -> None:
    slots = weekly_slots(date(2026, 11, 25), MONDAY, time(14, 30), 3, LONDON)

    assert [s.date() for s in slots] == [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)]


def test_week_after_keeps_the_wall_clock_time_across_the_october_change() -> None:
    monday_before = datetime(2025, 10, 20, 9, 0, tzinfo=UTC)  # 10:00 British Summer Time

    following = week_after(monday_before, LONDON)

    assert following.astimezone(ZoneInfo(LONDON)).replace(tzinfo=None) == datetime(
        2025, 10, 27, 10, 0
    )
    assert following.astimezone(UTC).hour == 10


def test_week_after_keeps_the_wall_clock_time_across_the_march_change() -> None:
    monday_before = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)  # 10:00 Greenwich Mean Time

    following = week_after(monday_before, LONDON)

    assert following.astimezone(ZoneInfo(LONDON)).replace(tzinfo=None) == datetime(
        2026, 3, 30, 10, 0
    )
    assert following.astimezone(UTC).hour == 9


@settings(deadline=None)
@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 6))
def test_first_on_or_after_is_the_weekday_within_the_next_seven_days(
    start: date, weekday: int
) -> None:
    found = first_on_or_after(start, weekday)

    assert found.weekday() == weekday
    assert timedelta(0) <= found - start < timedelta(weeks=1)


@settings(deadline=None)
@given(
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.integers(0, 6),
    st.integers(8, 19),
    st.sampled_from([0, 15, 30, 45]),
    st.integers(1, 16),
)
def test_weekly_slots_are_a_week_apart_on_the_calendar_at_the_same_local_time(
    start: date, weekday: int, hour: int, minute: int, count: int
) -> None:
    zone = ZoneInfo(LONDON)
    slots = [
        s.astimezone(zone) for s in weekly_slots(start, weekday, time(hour, minute), count, LONDON)
    ]

    assert len(slots) == count
    assert {(s.hour, s.minute, s.weekday()) for s in slots} == {(hour, minute, weekday)}
    assert all(b.date() - a.date() == timedelta(weeks=1) for a, b in pairwise(slots))


# --- Every n weeks: maintenance IPT's monthly sessions (issue 14) -------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Across the October change: 10:00 stays 10:00 every fourth Tuesday.
        (
            date(2025, 9, 30),
            [date(2025, 9, 30), date(2025, 10, 28), date(2025, 11, 25), date(2025, 12, 23)],
        ),
        # Across the March change and a leap day.
        (
            date(2028, 2, 1),
            [date(2028, 2, 1), date(2028, 2, 29), date(2028, 3, 28), date(2028, 4, 25)],
        ),
        # A start on the 31st: the next session is 28 days on, no month-end rule needed.
        (
            date(2026, 12, 29),
            [date(2026, 12, 29), date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 23)],
        ),
    ],
)
def test_four_weekly_slots_keep_the_weekday_and_the_local_time(
    start: date, expected: list[date]
) -> None:
    tuesday = 1
    slots = weekly_slots(start, tuesday, time(10, 0), 4, LONDON, every_weeks=4)
    london = [s.astimezone(ZoneInfo(LONDON)) for s in slots]

    assert [m.date() for m in london] == expected
    assert {(m.hour, m.minute, m.weekday()) for m in london} == {(10, 0, tuesday)}


def test_the_october_change_does_not_move_a_four_weekly_session() -> None:
    before, after = weekly_slots(date(2025, 9, 30), 1, time(10, 0), 2, LONDON, every_weeks=4)

    assert (before.astimezone(UTC).hour, after.astimezone(UTC).hour) == (9, 10)


def test_four_weeks_after_keeps_the_wall_clock_time_across_the_march_change() -> None:
    before = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 10:00 Greenwich Mean Time

    following = week_after(before, LONDON, weeks=4)

    assert following.astimezone(ZoneInfo(LONDON)).replace(tzinfo=None) == datetime(
        2026, 4, 7, 10, 0
    )


@pytest.mark.parametrize("weeks", [0, -1])
def test_an_interval_under_a_week_is_refused(weeks: int) -> None:
    with pytest.raises(ValueError, match="at least a week"):
        weekly_slots(date(2026, 1, 5), MONDAY, time(10), 3, LONDON, every_weeks=weeks)
    with pytest.raises(ValueError, match="at least a week"):
        week_after(datetime(2026, 1, 5, 10, tzinfo=UTC), LONDON, weeks=weeks)


@settings(deadline=None)
@given(
    st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.integers(0, 6),
    st.integers(8, 19),
    st.sampled_from([0, 15, 30, 45]),
    st.integers(1, 36),
    st.integers(1, 6),
)
def test_slots_n_weeks_apart_keep_the_calendar_gap_and_the_local_time(
    start: date, weekday: int, hour: int, minute: int, count: int, every: int
) -> None:
    zone = ZoneInfo(LONDON)
    slots = [
        s.astimezone(zone)
        for s in weekly_slots(start, weekday, time(hour, minute), count, LONDON, every_weeks=every)
    ]

    assert len(slots) == count
    assert {(s.hour, s.minute, s.weekday()) for s in slots} == {(hour, minute, weekday)}
    assert all(b.date() - a.date() == timedelta(weeks=every) for a, b in pairwise(slots))
    # The next one booked after the last is the same step on: a renegotiation continues the rhythm.
    assert week_after(slots[-1], LONDON, weeks=every).date() - slots[-1].date() == timedelta(
        weeks=every
    )
