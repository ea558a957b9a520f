"""Weekly appointment times that keep their wall-clock time across clock changes.

Plain Python: the date arithmetic is done on calendar dates and each slot is then placed in
the service's time zone, so 10:00 stays 10:00 in March and October (stack-notes.md §8).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def first_on_or_after(start: date, weekday: int) -> date:
    """The first date on or after ``start`` that falls on ``weekday`` (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def weekly_slots(start: date, weekday: int, at: time, count: int, time_zone: str) -> list[datetime]:
    zone = ZoneInfo(time_zone)
    first = first_on_or_after(start, weekday)
    return [datetime.combine(first + timedelta(weeks=i), at, tzinfo=zone) for i in range(count)]


def week_after(moment: datetime, time_zone: str) -> datetime:
    """The same wall-clock time one calendar week later, in the service's time zone."""
    zone = ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    return datetime.combine(
        local.date() + timedelta(weeks=1), local.time().replace(tzinfo=None), tzinfo=zone
    )
