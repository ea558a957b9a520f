"""Appointment reminders to service users: due days before, in the day, once per appointment and
day, never when turned off, and with no clinical word."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.clients.models import Client
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance
from iptclinic.jobs.clock import PERIODIC
from iptclinic.notifications.models import (
    Message,
    ReminderChoice,
    ReminderPreference,
    SentReminder,
    TeamReminders,
)
from iptclinic.notifications.reminders import send_due_reminders

LON = ZoneInfo("Europe/London")


@pytest.fixture
def cara_reachable(cara_user: User) -> User:
    cara_user.email = "cara@example.org"
    cara_user.mobile_phone = "07700 900456"
    cara_user.save(update_fields=["email", "mobile_phone"])
    return cara_user


def _next(course: Course) -> Appointment:
    return course.appointments.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


def _later(course: Course) -> Appointment:
    """The first appointment more than three days ahead, whatever the hour the suite runs at."""
    return (
        course.appointments.filter(starts_at__gt=timezone.now() + timedelta(days=3))
        .order_by("starts_at")
        .first()
    )


def _two_days_before_at_noon(appointment: Appointment) -> datetime:
    day = appointment.starts_at.astimezone(LON).date() - timedelta(days=2)
    return datetime.combine(day, time(12, 0), tzinfo=LON)


def test_a_reminder_goes_two_days_before_once_and_names_no_therapy(
    cara_reachable: User, cara_course: Course, team: Team
) -> None:
    team.name = "Riverside IPT Service"
    team.phone = "0117 496 0123"
    team.save()
    TeamReminders.objects.create(team=team, sender_name="Riverside Centre")
    appointment = _later(cara_course)
    at = _two_days_before_at_noon(appointment)

    early = send_due_reminders(at - timedelta(days=1))
    sent = send_due_reminders(at)
    again = send_due_reminders(at + timedelta(hours=1))

    assert not [m for m in early if SentReminder.objects.filter(message=m, appointment=appointment)]
    mine = [m for m in sent if SentReminder.objects.filter(message=m, appointment=appointment)]
    assert len(mine) == 1
    message = mine[0]
    local = appointment.starts_at.astimezone(LON)
    assert message.recipient == cara_reachable
    assert message.channel == "email"
    assert (
        f"You have an appointment with Riverside Centre on {local:%A %-d %B} at {local:%H:%M}."
        in message.body
    )
    for word in ("IPT", "therapy", "Therapy", "session", "psych", "Cara", "Tess"):
        assert word not in message.body and word not in message.subject
    assert not [m for m in again if SentReminder.objects.filter(message=m, appointment=appointment)]
    assert SentReminder.objects.filter(appointment=appointment).count() == 1


def test_no_reminder_when_the_person_opted_out_or_the_team_chose_zero(
    cara_reachable: User, cara_course: Course, team: Team
) -> None:
    at = _two_days_before_at_noon(_later(cara_course))
    ReminderPreference.objects.create(user=cara_reachable, choice=ReminderChoice.OFF)
    assert send_due_reminders(at) == []

    ReminderPreference.objects.filter(user=cara_reachable).update(choice=ReminderChoice.SMS)
    TeamReminders.objects.create(team=team, days_before=0)
    assert send_due_reminders(at) == []

    TeamReminders.objects.filter(team=team).update(days_before=2)
    sent = send_due_reminders(at)
    assert sent and all(m.channel == "sms" for m in sent)


def test_a_rebooked_appointment_gets_a_fresh_reminder(
    cara_reachable: User, cara_course: Course, tess: User
) -> None:
    appointment = _later(cara_course)
    at = _two_days_before_at_noon(appointment)
    send_due_reminders(at)
    assert SentReminder.objects.filter(appointment=appointment).count() == 1

    course_services.set_attendance(appointment, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)
    replacement = course_services.rebook(
        appointment, actor=tess, starts_at=appointment.starts_at + timedelta(days=1)
    )
    sent = send_due_reminders(at + timedelta(days=1))

    assert SentReminder.objects.filter(appointment=replacement).count() == 1
    assert SentReminder.objects.filter(appointment=appointment).count() == 1
    assert any(SentReminder.objects.filter(message=m, appointment=replacement) for m in sent)


def test_no_reminder_to_someone_without_a_portal_account(cara: Client, cara_course: Course) -> None:
    appointment = _next(cara_course)
    day = appointment.starts_at.astimezone(LON).date() - timedelta(days=1)
    assert send_due_reminders(datetime.combine(day, time(12), tzinfo=LON)) == []
    assert Message.objects.count() == 0


def test_no_reminder_at_night(cara_reachable: User, cara_course: Course) -> None:
    later = cara_course.appointments.order_by("-starts_at").first()
    day = later.starts_at.astimezone(LON).date() - timedelta(days=1)
    assert send_due_reminders(datetime.combine(day, time(23, 30), tzinfo=LON)) == []


def test_the_workers_clock_runs_the_reminders() -> None:
    assert "iptclinic.notifications.tasks.send_reminders" in {p.task_path for p in PERIODIC}


def test_the_service_lead_sets_the_days_and_a_plain_name(client, lee: User, tess: User) -> None:
    client.force_login(tess)
    assert client.get("/messages/appointment-reminders/").status_code == 404
    client.force_login(lee)

    refused = client.post("/messages/appointment-reminders/", {"days_before": "30"})
    saved = client.post(
        "/messages/appointment-reminders/", {"days_before": "0", "sender_name": "Mill House"}
    )

    assert "at most 14 days" in refused.content.decode()
    assert saved.status_code == 302
    settings = TeamReminders.objects.get(team=lee.team)
    assert (settings.days_before, settings.sender_name) == (0, "Mill House")
