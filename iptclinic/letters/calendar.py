"""A course's appointments as an iCalendar file (RFC 5545), for the person's own calendar.

Each appointment still to come is one event at its local wall-clock time with a TZID, and the file
carries the VTIMEZONE of the course's time zone for the years the appointments span, so a calendar
shows 10:00 on both sides of a clock change (stack-notes.md §8). UIDs are stable, so importing a
newer file updates the events instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODUCT_ID = "-//IPT Clinic//Appointments//EN"


def schedule_ics(
    sessions: Sequence[tuple[int, int, datetime]],
    *,
    time_zone: str,
    minutes: int,
    contracted: int,
    team_id: int,
    team_name: str,
    location: str,
    phone: str,
    stamp: datetime | None = None,
) -> bytes:
    """An ICS file with one event per ``(appointment id, session number, start)`` in ``sessions``.

    The wording (summary, description) is in the active language, like the letter it goes with.
    """
    if not sessions:
        raise ValueError("A calendar needs at least one appointment.")
    zone = ZoneInfo(time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Appointments: %(team)s") % {"team": team_name})
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    for appointment_id, number, starts_at in sessions:
        start = starts_at.astimezone(zone)
        event = Event()
        event.add("uid", f"ipt-{team_id}-appointment-{appointment_id}@iptclinic")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        event.add("summary", _("Appointment: %(team)s") % {"team": team_name})
        event.add(
            "description",
            _("Session %(number)s of %(contracted)s. If you cannot come, please call %(phone)s.")
            % {"number": number, "contracted": contracted, "phone": phone},
        )
        event.add("location", location)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    first = min(start for _, _, start in sessions).astimezone(zone)
    last = max(start for _, _, start in sessions).astimezone(zone)
    calendar.add_missing_timezones(
        first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
    )
    ics: bytes = calendar.to_ical()
    return ics
