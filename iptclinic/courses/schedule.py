"""Weekly (or every-n-weeks) appointment times that keep their wall-clock time across clock changes.

Plain Python: the date arithmetic is done on calendar dates and each slot is then placed in
the service's time zone, so 10:00 stays 10:00 in March and October (stack-notes.md §8).
Maintenance IPT's "monthly" sessions are every four weeks on the same weekday (issue 14): no rule
is needed for the 29th to the 31st, and the client keeps their usual day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def first_on_or_after(start: date, weekday: int) -> date:
    """The first date on or after ``start`` that falls on ``weekday`` (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def weekly_slots(
    start: date, weekday: int, at: time, count: int, time_zone: str, *, every_weeks: int = 1
) -> list[datetime]:
    """``count`` appointments from the first ``weekday`` on or after ``start``, ``every_weeks``
    calendar weeks apart, each at the wall-clock time ``at`` in ``time_zone``."""
    if every_weeks < 1:
        raise ValueError("Appointments are at least a week apart.")
    zone = ZoneInfo(time_zone)
    first = first_on_or_after(start, weekday)
    return [
        datetime.combine(first + timedelta(weeks=i * every_weeks), at, tzinfo=zone)
        for i in range(count)
    ]


def week_after(moment: datetime, time_zone: str, *, weeks: int = 1) -> datetime:
    """The same wall-clock time ``weeks`` calendar weeks later, in the service's time zone."""
    if weeks < 1:
        raise ValueError("The next appointment is at least a week later.")
    zone = ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    return datetime.combine(
        local.date() + timedelta(weeks=weeks), local.time().replace(tzinfo=None), tzinfo=zone
    )
