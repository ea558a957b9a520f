"""The ways a message can leave IPT Clinic, chosen in settings (``IPTCLINIC_MESSAGE_CHANNELS``).

* :class:`DjangoEmail`: Django's email backends (the console in development, SMTP in production);
* :class:`NotifyEmail` and :class:`NotifySms`: GOV.UK Notify, through its Python client, with one
  template per channel whose personalisation is ``subject`` and ``body``;
* :class:`Recording`: keeps messages in memory, for tests and demonstrations.

A channel's ``send`` returns the sending service's reference, or raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class Sendable(Protocol):
    subject: str
    body: str


class MessageChannel(Protocol):
    def send(self, message: Sendable, address: str) -> str: ...


class DjangoEmail:
    def send(self, message: Sendable, address: str) -> str:
        EmailMessage(message.subject, message.body, to=[address]).send(fail_silently=False)
        return ""


def _notify_client():  # type: ignore[no-untyped-def]
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.GOVUK_NOTIFY_API_KEY, base_url=settings.GOVUK_NOTIFY_BASE_URL, timeout=20
    )


class NotifyEmail:
    def send(self, message: Sendable, address: str) -> str:
        response = _notify_client().send_email_notification(
            email_address=address,
            template_id=settings.GOVUK_NOTIFY_EMAIL_TEMPLATE,
            personalisation={"subject": message.subject, "body": message.body},
        )
        return str(response.get("id", ""))


class NotifySms:
    def send(self, message: Sendable, address: str) -> str:
        response = _notify_client().send_sms_notification(
            phone_number=address,
            template_id=settings.GOVUK_NOTIFY_SMS_TEMPLATE,
            personalisation={"body": message.body},
        )
        return str(response.get("id", ""))


@dataclass(frozen=True)
class Recorded:
    address: str
    subject: str
    body: str


class Recording:
    """Holds every message sent, in this process, in ``Recording.outbox``."""

    outbox: ClassVar[list[Recorded]] = []

    def send(self, message: Sendable, address: str) -> str:
        Recording.outbox.append(Recorded(address, message.subject, message.body))
        return f"recorded-{len(Recording.outbox)}"


def channel_for(name: str) -> MessageChannel | None:
    """The configured channel for ``email`` or ``sms``; None when that channel is not set up."""
    path = settings.IPTCLINIC_MESSAGE_CHANNELS.get(name)
    return import_string(path)() if path else None
