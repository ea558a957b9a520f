"""Background work of the notifications app."""

from __future__ import annotations

from django.utils import timezone

from iptclinic.jobs.api import JobFailed, retrying, task

from . import services


@task()
def deliver_message(message_id: int, attempt: int = 1) -> str:
    """Send one stored message; retried with growing waits, then handed to the service lead."""
    message = services.claim(message_id, timezone.now())
    if message is None:
        return "already sent or being sent"

    def last_attempt(summary: str) -> None:
        services.give_up(message_id, summary)

    try:
        with retrying(
            deliver_message,
            message_id,
            attempt=attempt,
            max_attempts=services.MAX_ATTEMPTS,
            give_up=last_attempt,
        ):
            services.send(message)
    except JobFailed as failure:
        if attempt < services.MAX_ATTEMPTS:
            services.release(message_id, str(failure))
        raise
    return "sent"


@task()
def send_digests(slot: str = "") -> int:
    """The daily digest, started by the workers' clock at 08:00 (``slot`` names the run)."""
    return len(services.send_digests(timezone.now()))


@task()
def send_reminders(slot: str = "") -> int:
    """Appointment reminders to service users (issue 11), started by the workers' clock."""
    from .reminders import send_due_reminders

    return len(send_due_reminders(timezone.now()))
