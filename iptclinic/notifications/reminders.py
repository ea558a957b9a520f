"""Reminders of appointments to service users, by email or text message (issue 11, item 2).

A reminder names no therapy, no therapist's role and no clinical word: "You have an appointment
with <team> on <date> at <time>" (hazard H-087), where a team whose name says what it treats can
choose a plainer name for reminders (``TeamReminders.sender_name``). The team chooses how many
days before (0: none); each person chooses email, text message or none in the portal. The
periodic job sends each due reminder once: ``SentReminder`` is unique per appointment and day,
written in the same transaction as the message (H-088).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.audit import services as audit
from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.portal_sessions import reminder_due

from .models import (
    DEFAULT_REMINDER_DAYS,
    Channel,
    Message,
    ReminderChoice,
    ReminderPreference,
    SentReminder,
    TeamReminders,
)

logger = logging.getLogger(__name__)

LONGEST_LOOK_AHEAD_DAYS = 14
TEMPLATE = "session_reminder"


def team_settings(team: Team) -> TeamReminders:
    return TeamReminders.objects.filter(team=team).first() or TeamReminders(
        team=team, days_before=DEFAULT_REMINDER_DAYS
    )


def name_for_clients(team: Team) -> str:
    """How messages to service users name the team: the plainer name if the team chose one, since
    a full name such as "IPT Depression Service" on a lock screen says what the person is seen for."""
    return team_settings(team).sender_name.strip() or team.name


def reminder_choice_of(user: User) -> str:
    """The person's choice, or by default the way we can reach them (email first)."""
    chosen = ReminderPreference.objects.filter(user=user).values_list("choice", flat=True).first()
    if chosen:
        return str(chosen)
    if user.email.strip():
        return ReminderChoice.EMAIL
    if user.mobile_phone.strip():
        return ReminderChoice.SMS
    return ReminderChoice.OFF


@transaction.atomic
def set_reminder_choice(user: User, *, client: Client, choice: str) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.update_or_create(
        user=user, defaults={"choice": ReminderChoice(choice)}
    )
    audit.record(
        actor=user, action="portal.reminder_choice", client=client, detail={"choice": choice}
    )
    return preference


def reminder_words(team: Team, starts_at: datetime, time_zone: str) -> tuple[str, str]:
    """Subject and body: the team's (plain) name, the day and the time; nothing clinical."""
    name = name_for_clients(team)
    local = starts_at.astimezone(ZoneInfo(time_zone))
    when = f"{local:%A %-d %B} at {local:%H:%M}"
    phone = team.care_coordination_phone or team.phone
    link = settings.IPTCLINIC_BASE_URL.rstrip("/") + reverse("portal:appointments")
    body = f"You have an appointment with {name} on {when}."
    body += f" If you cannot come, tell us here: {link}"
    if phone:
        body += f" or call {phone}"
    body += "."
    return f"Appointment reminder: {local:%-d %B}", body


def _due_appointments(now: datetime) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            status=Attendance.PLANNED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=LONGEST_LOOK_AHEAD_DAYS),
            course__state__in=["referred", "active"],
            course__referral__client__portal_user__isnull=False,
            course__referral__client__portal_user__is_active=True,
        ).select_related(
            "course__referral__client__portal_user__reminder_preference",
            "course__referral__client__team",
        )
    )


def send_due_reminders(now: datetime | None = None) -> list[Message]:
    """Queue every reminder due now, once per appointment and day. Safe to run again at once."""
    from .tasks import deliver_message

    now = now or timezone.now()
    days_by_team: dict[int, int] = {}
    sent = []
    for appointment in _due_appointments(now):
        client = appointment.course.referral.client
        team = client.team
        if team.pk not in days_by_team:
            days_by_team[team.pk] = team_settings(team).days_before
        days = days_by_team[team.pk]
        if not reminder_due(now, appointment.starts_at, days, appointment.course.time_zone):
            continue
        user = client.portal_user
        assert user is not None
        choice = reminder_choice_of(user)
        if choice == ReminderChoice.OFF:
            continue
        channel = Channel.SMS if choice == ReminderChoice.SMS else Channel.EMAIL
        address = user.mobile_phone if channel == Channel.SMS else user.email
        if not address.strip():
            continue  # nowhere to send it; the person sees their sessions in the portal
        session_day = appointment.starts_at.astimezone(
            ZoneInfo(appointment.course.time_zone)
        ).date()
        if SentReminder.objects.filter(appointment=appointment, session_day=session_day).exists():
            continue
        subject, body = reminder_words(team, appointment.starts_at, appointment.course.time_zone)
        try:
            with transaction.atomic():
                reminder = SentReminder.objects.create(
                    appointment=appointment, session_day=session_day, created_at=now
                )
                message = Message.objects.create(
                    recipient=user,
                    team=team,
                    channel=channel,
                    template=TEMPLATE,
                    subject=subject,
                    body=body,
                    created_at=now,
                )
                reminder.message = message
                reminder.save(update_fields=["message"])
                deliver_message.enqueue(message.pk)
        except IntegrityError:
            continue  # another worker reminded of it at the same moment
        sent.append(message)
    if sent:
        logger.info("Queued %s appointment reminders.", len(sent))
    return sent
