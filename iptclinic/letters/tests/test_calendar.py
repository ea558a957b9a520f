"""The appointments as an iCalendar file (RFC 5545) with the Europe/London time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from icalendar import Calendar

from iptclinic.letters.calendar import schedule_ics

LONDON = ZoneInfo("Europe/London")
# Tuesdays at 10:00 across the clock change of Sunday 25 October 2026.
STARTS = [datetime(2026, 10, 13, 10, 0, tzinfo=LONDON) + timedelta(weeks=i) for i in range(4)]


def _ics(**overrides) -> bytes:
    options = {
        "time_zone": "Europe/London",
        "minutes": 50,
        "contracted": 16,
        "team_id": 7,
        "team_name": "Riverside IPT Service",
        "location": "2 Mill Lane, Northtown",
        "phone": "0161 496 0000",
        "stamp": datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
    }
    sessions = [(100 + i, 5 + i, start) for i, start in enumerate(STARTS)]
    return schedule_ics(sessions, **{**options, **overrides})


def test_every_appointment_is_at_ten_oclock_london_time_on_both_sides_of_the_clock_change():
    calendar = Calendar.from_ical(_ics())
    events = list(calendar.events)
    assert [e.start for e in events] == STARTS
    assert [e.start.utcoffset() for e in events] == [timedelta(hours=1)] * 2 + [timedelta(0)] * 2
    assert all(e.end - e.start == timedelta(minutes=50) for e in events)
    assert b"DTSTART;TZID=Europe/London:20261027T100000" in _ics()


def test_the_file_carries_a_europe_london_timezone_for_the_years_it_spans():
    calendar = Calendar.from_ical(_ics())
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert b"2026-01-01 to 2027-01-01" in _ics()
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == "-//IPT Clinic//Appointments//EN"


def test_uids_are_stable_so_a_newer_file_updates_the_same_events():
    first = [str(e["UID"]) for e in Calendar.from_ical(_ics()).events]
    again = [str(e["UID"]) for e in Calendar.from_ical(_ics(stamp=None)).events]
    assert first == again == [f"ipt-7-appointment-{100 + i}@iptclinic" for i in range(4)]


def test_each_event_names_its_session_and_how_to_cancel():
    event = next(iter(Calendar.from_ical(_ics()).events))
    assert str(event["SUMMARY"]) == "Appointment: Riverside IPT Service"
    assert str(event["DESCRIPTION"]) == (
        "Session 5 of 16. If you cannot come, please call 0161 496 0000."
    )
    assert str(event["LOCATION"]) == "2 Mill Lane, Northtown"


def test_the_wording_follows_the_letters_language():
    with translation.override("pl"):
        event = next(iter(Calendar.from_ical(_ics()).events))
    assert str(event["SUMMARY"]) == "Wizyta: Riverside IPT Service"
    assert str(event["DESCRIPTION"]).startswith("Sesja 5 z 16.")


def test_a_calendar_needs_an_appointment():
    with pytest.raises(ValueError, match="at least one appointment"):
        schedule_ics(
            [],
            time_zone="Europe/London",
            minutes=50,
            contracted=16,
            team_id=1,
            team_name="T",
            location="",
            phone="",
        )


def test_the_date_range_of_the_time_zone_follows_the_appointments():
    late = [(1, 1, datetime(2027, 12, 28, 9, 0, tzinfo=LONDON))]
    ics = schedule_ics(
        late,
        time_zone="Europe/London",
        minutes=50,
        contracted=12,
        team_id=1,
        team_name="T",
        location="",
        phone="",
    )
    assert f"{date(2027, 1, 1)} to {date(2028, 1, 1)}".encode() in ics
