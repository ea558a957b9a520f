"""Telling people about their "Needs attention" items, and sending each message reliably.

Risk escalations always go at once; other items go at once or in the 08:00 digest, as each
person chooses. A message is stored before it is sent, sent by a background task, retried, and
if it still cannot be sent the service lead gets an item saying so (decisions §34).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.facts import lead_of
from iptclinic.attention.models import Item
from iptclinic.attention.services import raise_event_item
from iptclinic.ipt.safety_net import NeedKind, reminder_due

from .channels import channel_for
from .models import Channel, Message, Preference, Routine, Status
from .wording import compose

MAX_ATTEMPTS = 5
CLAIM_LEASE_SECONDS = 300


class MessageError(ValueError):
    """A message that cannot be sent; the text is safe to store and show (no address)."""


def attention_link() -> str:
    return settings.IPTCLINIC_BASE_URL.rstrip("/") + reverse("attention:mine")


def preference_of(user: User) -> Preference:
    return getattr(user, "message_preference", None) or Preference(user=user)


def queue_message(user: User, template: str, *, count: int, due: datetime) -> Message:
    """Store a message for ``user`` and ask a worker to send it.

    The task is a row in the same database, written in the same transaction as the message, so
    both exist or neither does (decisions §35: the database task backend).
    """
    from .tasks import deliver_message

    now = timezone.now()
    subject, body = compose(template, count=count, due=due, now=now, link=attention_link())
    message = Message.objects.create(
        recipient=user,
        team_id=user.team_id,
        channel=preference_of(user).channel,
        template=template,
        subject=subject,
        body=body,
        created_at=now,
    )
    deliver_message.enqueue(message.pk)
    return message


def _by_owner(items: Iterable[Item]) -> dict[int, list[Item]]:
    grouped: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        grouped[item.owner_id].append(item)
    return grouped


@transaction.atomic
def tell_about(items: Iterable[Item], now: datetime | None = None) -> list[Message]:
    """Message the owners of newly opened items: urgent ones always, others if they chose to
    hear at once. Each owner gets one message however many items are new."""
    now = now or timezone.now()
    messages = []
    grouped = _by_owner(items)
    owners = User.objects.filter(pk__in=grouped).select_related("message_preference")
    for owner in owners:
        mine = grouped[owner.pk]
        urgent = [item for item in mine if item.urgent]
        routine = preference_of(owner).routine
        if urgent:
            told = urgent
            messages.append(
                queue_message(owner, "risk", count=len(urgent), due=min(i.due for i in urgent))
            )
        elif routine == Routine.IMMEDIATE:
            told = mine
            messages.append(
                queue_message(owner, "new_items", count=len(mine), due=min(i.due for i in mine))
            )
        else:
            continue
        Item.objects.filter(pk__in=[item.pk for item in told]).update(told_at=now)
    return messages


@transaction.atomic
def remind_about_risk(team_id: int, now: datetime | None = None) -> list[Message]:
    """Each working morning, everyone still holding an unreviewed alert is told again."""
    now = now or timezone.now()
    items = list(
        Item.objects.filter(
            team_id=team_id, kind=NeedKind.RISK_ALERT, resolved_at__isnull=True
        ).select_related("team", "owner__message_preference")
    )
    if not items:
        return []
    week = items[0].team.working_week()
    due = [item for item in items if reminder_due(item.told_at, now, week)]
    messages = []
    for mine in _by_owner(due).values():
        owner = mine[0].owner
        messages.append(queue_message(owner, "risk_reminder", count=len(mine), due=now))
        Item.objects.filter(pk__in=[item.pk for item in mine]).update(told_at=now)
    return messages


@transaction.atomic
def send_digests(now: datetime | None = None) -> list[Message]:
    """The 08:00 message to everyone who chose a daily digest and holds open items."""
    now = now or timezone.now()
    open_items = Item.objects.filter(resolved_at__isnull=True)
    digest_people = User.objects.filter(
        is_active=True, pk__in=open_items.values("owner_id")
    ).filter(Q(message_preference__isnull=True) | Q(message_preference__routine=Routine.DIGEST))
    messages = []
    grouped = _by_owner(open_items.filter(owner__in=digest_people))
    for owner in digest_people.select_related("message_preference"):
        mine = grouped[owner.pk]
        if not owner.team.working_week().is_working_day(timezone.localdate(now)):
            continue
        messages.append(
            queue_message(owner, "digest", count=len(mine), due=min(i.due for i in mine))
        )
    return messages


def address_of(user: User, channel: Channel) -> str:
    address = user.mobile_phone if channel == Channel.SMS else user.email
    if not address.strip():
        noun = "mobile phone number" if channel == Channel.SMS else "email address"
        raise MessageError(f"No {noun} is recorded for this person.")
    return address.strip()


def claim(message_id: int, now: datetime) -> Message | None:
    """Take the message for sending, unless it is sent or another worker is sending it now."""
    stale = now - timezone.timedelta(seconds=CLAIM_LEASE_SECONDS)
    taken = (
        Message.objects.filter(pk=message_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.SENDING, claimed_at__lt=stale))
        .update(status=Status.SENDING, claimed_at=now)
    )
    if not taken:
        return None
    return Message.objects.select_related("recipient").get(pk=message_id)


def send(message: Message) -> Message:
    """Hand the message to its channel. Raises if it could not be sent (the task retries)."""
    message.attempts += 1
    message.save(update_fields=["attempts"])
    channel = channel_for(message.channel)
    if channel is None:
        raise MessageError(f"Sending by {message.get_channel_display().lower()} is not set up.")
    reference = channel.send(message, address_of(message.recipient, Channel(message.channel)))
    message.status = Status.SENT
    message.sent_at = timezone.now()
    message.reference = reference[:100]
    message.error = ""
    message.save(update_fields=["status", "sent_at", "reference", "error"])
    return message


def release(message_id: int, error: str) -> None:
    """After a failed attempt: back in the queue for the next one."""
    Message.objects.filter(pk=message_id).update(status=Status.QUEUED, error=error[:200])


@transaction.atomic
def give_up(message_id: int, error: str) -> None:
    """The last attempt failed: mark it so, and give the service lead an item to act on."""
    message = Message.objects.select_related("recipient", "team").get(pk=message_id)
    message.status = Status.FAILED
    message.failed_at = timezone.now()
    message.error = error[:200]
    message.save(update_fields=["status", "failed_at", "error"])
    lead = lead_of(message.team) or message.recipient
    raise_event_item(
        message.team,
        owner=lead,
        kind=NeedKind.MESSAGE_FAILED,
        key=f"message:{message.pk}",
        title=f"A message to {message.recipient.display_name} could not be sent by "
        f"{message.get_channel_display().lower()}: check their contact details and tell them "
        "what it said",
        due=message.team.working_week().within_working_days(message.failed_at, 1),
        subject=("message", message.pk),
    )
