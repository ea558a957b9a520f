"""Working days and hours of a service: when something is due, and when the next morning comes.

Source: ``decisions.md`` §38 (PRODUCT): escalation at the end of the working day (17:00
Europe/London), to the service lead at 09:00 the next working day. A working day is one of the
team's working weekdays that is not a bank holiday; the team chooses its bank-holiday region
(England and Wales, Scotland, Northern Ireland) because the holidays differ (PRODUCT).

Everything here is calendar arithmetic in the service's own time zone, so a deadline keeps its
wall-clock time across the clock changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONDAY_TO_FRIDAY = frozenset(range(5))
LONGEST_RUN_OF_NON_WORKING_DAYS = 60
"""Guard against a calendar with no working day at all, which would loop for ever."""


@dataclass(frozen=True)
class WorkingWeek:
    """A team's working days, the hours of its working day, and its bank holidays."""

    time_zone: str = "Europe/London"
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    day_starts: time = time(9, 0)
    day_ends: time = time(17, 0)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("A working week needs at least one weekday, numbered 0 to 6.")
        if self.day_starts >= self.day_ends:
            raise ValueError("The working day must start before it ends.")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def at(self, day: date, clock: time) -> datetime:
        """``clock`` on ``day`` in the service's time zone, as an aware datetime."""
        return datetime.combine(day, clock, tzinfo=self.zone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def working_days_after(self, day: date) -> Iterator[date]:
        """The working days strictly after ``day``, in order."""
        gap = 0
        while True:
            day += timedelta(days=1)
            if self.is_working_day(day):
                gap = 0
                yield day
            else:
                gap += 1
                if gap > LONGEST_RUN_OF_NON_WORKING_DAYS:
                    raise ValueError("This working week has no working day in two months.")

    def next_working_day(self, day: date) -> date:
        return next(self.working_days_after(day))

    def end_of_day(self, day: date) -> datetime:
        return self.at(day, self.day_ends)

    def start_of_day(self, day: date) -> datetime:
        return self.at(day, self.day_starts)

    def within_working_days(self, moment: datetime, count: int) -> datetime:
        """The end of the ``count``-th working day after the day of ``moment``.

        "Within 2 working days" of a Monday appointment is Wednesday at the end of the working
        day; of a Friday appointment, Tuesday. ``count`` 0 is the end of that same day if it is a
        working day, else of the next one.
        """
        if count < 0:
            raise ValueError("A number of working days cannot be negative.")
        day = self.local_date(moment)
        if count == 0:
            return self.end_of_day(day if self.is_working_day(day) else self.next_working_day(day))
        days = self.working_days_after(day)
        for _ in range(count - 1):
            next(days)
        return self.end_of_day(next(days))

    def end_of_this_working_day(self, moment: datetime) -> datetime:
        """The end of the working day ``moment`` falls in; ``moment`` itself once that has passed.

        After the end of the working day, at a weekend or on a bank holiday nobody on that day's
        rota will see something raised, so it is due at once (decisions §18, §38).
        """
        day = self.local_date(moment)
        if not self.is_working_day(day):
            return moment
        return max(self.end_of_day(day), moment)

    def next_morning(self, moment: datetime) -> datetime:
        """The start of the first working day that begins after ``moment``."""
        day = self.local_date(moment)
        if self.is_working_day(day) and moment < self.start_of_day(day):
            return self.start_of_day(day)
        return self.start_of_day(self.next_working_day(day))

    def mornings_between(self, start: datetime, end: datetime) -> int:
        """How many working-day starts fall in ``(start, end]``."""
        count = 0
        morning = self.next_morning(start)
        while morning <= end:
            count += 1
            morning = self.next_morning(morning)
        return count
