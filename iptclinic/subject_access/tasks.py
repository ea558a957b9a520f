"""Background work of subject access: making the copy of a whole record, and erasing old ones."""

from __future__ import annotations

from iptclinic.jobs.api import JobFailed, retrying, task

from . import services


@task()
def make_copy(request_id: int, attempt: int = 1) -> str:
    """Make the copy of one request. Safe to run twice: only a request still in hand gets a
    copy. A fault is retried, then handed to the lead who recorded the request; the task's
    failure names the error's type and place only (no personal data in task errors or logs)."""
    request = services.start_making(request_id)
    if request is None:
        return "already made, released, or given up"

    def last_attempt(summary: str) -> None:
        services.give_up(request_id, summary)

    try:
        with retrying(
            make_copy,
            request_id,
            attempt=attempt,
            max_attempts=services.MAX_ATTEMPTS,
            give_up=last_attempt,
        ):
            made = services.make_copy(request)
    except JobFailed:
        if attempt < services.MAX_ATTEMPTS:
            services.try_again_later(request_id)
        raise
    return "made" if made else "made by another run"


@task()
def erase_old_copies(slot: str = "") -> int:
    """Daily: erase the files of copies released more than a month ago."""
    return services.erase_old_copies()
