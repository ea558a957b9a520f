"""Inviting a client to the portal, and their joining: each change checked and audited in one
transaction (style.md §3; docs/portal-join.md).

The invitation's secret (a link's token, or a printed code) is given to the caller once and
stored only as a SHA-256 digest, like a password reset token. The message that carries a link
names the team and nothing clinical (decisions §34): no client name, no word about therapy.
It goes straight to the notification channel and is not kept in the table of sent messages,
because it holds the secret and goes to someone who has no account yet.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit import services as audit
from iptclinic.clients.access import can_edit_details
from iptclinic.clients.models import Client
from iptclinic.ipt import join_codes
from iptclinic.notifications.channels import channel_for
from iptclinic.notifications.reminders import name_for_clients

from .models import PortalChannel, PortalInvitation, Role, User


class InvitationError(ValueError):
    """An invitation the rules do not allow; the message says why, in plain words."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def expiry_days() -> int:
    return settings.IPTCLINIC_PORTAL_INVITATION_DAYS


@dataclass(frozen=True)
class InvitationMessage:
    subject: str
    body: str


def invitation_message(team_name: str, link: str, days: int) -> InvitationMessage:
    """The words of the email or text: the team's name and the link, nothing clinical."""
    return InvitationMessage(
        subject=f"Your account with {team_name}",
        body=(
            f"{team_name} has made an account for you, so you can see your appointments and "
            f"information online. To set it up, open this link within {days} days: {link}\n"
            "The link works once. If you did not expect this message, you can ignore it, or "
            "call the team."
        ),
    )


def address_for(client: Client, channel: PortalChannel) -> str:
    address = client.email if channel == PortalChannel.EMAIL else client.phone
    if not address.strip():
        noun = "email address" if channel == PortalChannel.EMAIL else "phone number"
        raise InvitationError(f"No {noun} is recorded for this client.")
    return address.strip()


def channel_ready(channel: PortalChannel) -> bool:
    """Whether this service can send by ``channel`` (texts need GOV.UK Notify)."""
    return channel == PortalChannel.PRINTED or channel_for(channel.value) is not None


def open_invitation(client: Client) -> PortalInvitation | None:
    """The client's invitation that can still be used, if any."""
    found = (
        PortalInvitation.objects.filter(
            client=client, used_at__isnull=True, withdrawn_at__isnull=True
        )
        .select_related("invited_by")
        .first()
    )
    return found if found is not None and found.is_usable else None


def _check(actor: User, client: Client) -> None:
    if not can_edit_details(actor, client):
        raise InvitationError("Only the client's therapist or a service lead can do this.")
    if client.portal_user_id is not None:
        raise InvitationError("This client already has an account.")


def _withdraw_open(client: Client, now: datetime) -> list[int]:
    earlier = list(
        PortalInvitation.objects.select_for_update()
        .filter(client=client, used_at__isnull=True, withdrawn_at__isnull=True)
        .values_list("pk", flat=True)
    )
    PortalInvitation.objects.filter(pk__in=earlier).update(withdrawn_at=now)
    return earlier


def _create(
    client: Client, *, actor: User, channel: PortalChannel, secret: str
) -> tuple[PortalInvitation, list[int]]:
    now = timezone.now()
    replaced = _withdraw_open(client, now)
    invitation = PortalInvitation.objects.create(
        team_id=client.team_id,
        client=client,
        channel=channel,
        secret_digest=digest(secret),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=expiry_days()),
    )
    return invitation, replaced


@transaction.atomic
def send_invitation(client: Client, *, actor: User, channel: PortalChannel) -> PortalInvitation:
    """Send a one-time link by email or text. An earlier open invitation is withdrawn. If the
    channel refuses the message, nothing is kept and the error says so."""
    _check(actor, client)
    if channel not in (PortalChannel.EMAIL, PortalChannel.SMS):
        raise InvitationError("Choose email or a text message.")
    address = address_for(client, channel)
    sender = channel_for(channel.value)
    if sender is None:
        raise InvitationError("This service cannot send text messages yet. Print a code instead.")
    token = secrets.token_urlsafe(32)
    invitation, replaced = _create(client, actor=actor, channel=channel, secret=token)
    link = settings.IPTCLINIC_BASE_URL.rstrip("/") + reverse("portal:join_link", args=[token])
    message = invitation_message(name_for_clients(client.team), link, expiry_days())
    try:
        sender.send(message, address)
    except Exception as error:  # noqa: BLE001 - any refusal of the channel: nothing is kept
        raise InvitationError(
            "The message could not be sent. Check the client's contact details and try again, "
            "or print a code."
        ) from error
    audit.record(
        actor=actor,
        action="portal.invitation_sent",
        client=client,
        obj=invitation,
        detail={"invitation_id": invitation.pk, "channel": channel.value, "replaced": replaced},
    )
    return invitation


@transaction.atomic
def print_code(client: Client, *, actor: User) -> tuple[PortalInvitation, str]:
    """Make a printed one-time code; returns it once (only its digest is kept)."""
    _check(actor, client)
    code = join_codes.new_code()
    while PortalInvitation.objects.filter(secret_digest=digest(code)).exists():
        code = join_codes.new_code()  # pragma: no cover - one chance in 10^11
    invitation, replaced = _create(client, actor=actor, channel=PortalChannel.PRINTED, secret=code)
    audit.record(
        actor=actor,
        action="portal.invitation_printed",
        client=client,
        obj=invitation,
        detail={"invitation_id": invitation.pk, "replaced": replaced},
    )
    return invitation, code


@transaction.atomic
def withdraw(client: Client, *, actor: User) -> list[int]:
    """Withdraw the client's open invitation, so its link or code no longer works."""
    if not can_edit_details(actor, client):
        raise InvitationError("Only the client's therapist or a service lead can do this.")
    withdrawn = _withdraw_open(client, timezone.now())
    if withdrawn:
        audit.record(
            actor=actor,
            action="portal.invitation_withdrawn",
            client=client,
            detail={"invitation_ids": withdrawn},
        )
    return withdrawn


def find(secret: str) -> PortalInvitation | None:
    """The invitation a link's token or a typed code opens, whatever its state."""
    return (
        PortalInvitation.objects.select_related("team", "client")
        .filter(secret_digest=digest(secret))
        .first()
    )


def find_code(typed: str) -> PortalInvitation | None:
    code = join_codes.normalise(typed)
    return find(code) if join_codes.is_well_formed(code) else None


def proposed_username(client: Client) -> str:
    """A username that is free now: the first name's letters and four digits (``cara4821``)."""
    stem = join_codes.username_stem(client.given_name)
    while True:
        username = f"{stem}{secrets.randbelow(9000) + 1000}"
        if not User.objects.filter(username__iexact=username).exists():
            return username


def new_account(invitation: PortalInvitation, username: str) -> User:
    """The account joining will make, unsaved (the password validators compare with it)."""
    client = invitation.client
    user = User(
        username=username,
        first_name=client.given_name,
        last_name=client.family_name,
        email=client.email,
        mobile_phone=client.phone if invitation.channel == PortalChannel.SMS else "",
        team_id=client.team_id,
    )
    user.roles = [Role.SERVICE_USER]
    return user


@transaction.atomic
def join(invitation: PortalInvitation, *, username: str, password: str) -> User:
    """Use the invitation: make the service-user account in the client's team and link it to
    the client. The invitation is then spent."""
    invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    client = Client.objects.select_for_update().get(pk=invitation.client_id)
    if not invitation.is_usable:
        raise InvitationError(invitation.state)
    if client.portal_user_id is not None:
        raise InvitationError("used")
    if User.objects.filter(username__iexact=username).exists():
        username = proposed_username(client)
    invitation.client = client
    user = new_account(invitation, username)
    user.set_password(password)
    user.save()
    client.portal_user = user
    client.save(update_fields=["portal_user"])
    invitation.used_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["used_at", "user"])
    audit.record(
        actor=user,
        action="portal.invitation_used",
        client=client,
        obj=invitation,
        detail={"invitation_id": invitation.pk, "channel": invitation.channel, "user_id": user.pk},
    )
    return user
