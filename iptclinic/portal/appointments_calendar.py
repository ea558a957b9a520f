"""The portal's calendar file: the person's planned sessions, with no clinical word in it.

A calendar is often shared or shown on a lock screen, so each event says only "Appointment with
<therapist's first name>", where, the video link if there is one, and the team's phone number
(hazard H-087). Built as ``letters/calendar.py`` builds the letter's one (stack-notes.md §8): local
wall-clock times with a TZID and the VTIMEZONE for the years the sessions span. The UIDs are the
same as the letter's calendar, so importing both updates the same events instead of doubling them;
calendar apps do not show a UID.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment
from iptclinic.notifications.reminders import team_settings

PRODUCT_ID = "-//Appointments//EN"
"""Not the letter's "IPT Clinic" product id: a calendar app may show where an event came from."""


def place_of(appointment: Appointment, team_address: str) -> str:
    """Where the session is, in one line: its own place, else the team's address."""
    if appointment.place.strip():
        return appointment.place.strip()
    if appointment.video_link:
        return "By video"
    return ", ".join(line.strip() for line in team_address.splitlines() if line.strip())


def portal_ics(
    client: Client, appointments: Sequence[Appointment], *, stamp: datetime | None = None
) -> bytes:
    """One event per appointment, at its local time in the course's time zone."""
    if not appointments:
        raise ValueError("A calendar needs at least one appointment.")
    team = client.team
    therapist = client.therapist
    with_whom = (
        therapist.first_name
        if therapist and therapist.first_name
        else (team_settings(team).sender_name.strip() or team.name)
    )
    phone = team.care_coordination_phone or team.phone
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Appointments")
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    starts = []
    for appointment in appointments:
        zone = ZoneInfo(appointment.course.time_zone)
        start = appointment.starts_at.astimezone(zone)
        starts.append(start)
        event = Event()
        event.add("uid", f"ipt-{team.pk}-appointment-{appointment.pk}@iptclinic")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=appointment.duration_minutes))
        event.add("summary", f"Appointment with {with_whom}")
        event.add("location", place_of(appointment, team.address))
        description = []
        if appointment.video_link:
            event.add("url", appointment.video_link)
            description.append(f"Join by video: {appointment.video_link}")
        if phone:
            description.append(f"If you cannot come, please call {phone}.")
        if description:
            event.add("description", "\n".join(description))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=date(min(starts).year, 1, 1), last_date=date(max(starts).year + 1, 1, 1)
    )
    ics: bytes = calendar.to_ical()
    return ics
