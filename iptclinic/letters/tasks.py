"""Background work of the letters app: making a letter someone asked for."""

from __future__ import annotations

from iptclinic.jobs.api import JobFailed, retrying, task

from . import services


@task()
def make_letter(request_id: int, attempt: int = 1) -> str:
    """Make the letter of one request. Safe to run twice (a retry, a killed worker's task run
    again by the clock, two workers): only one letter is ever stored for a request.

    A letter that cannot be made as asked (the record changed, a format tool is missing) fails at
    once with the reason; a fault is retried, then handed to the therapist who asked.
    """
    asked = services.start_making(request_id)
    if asked is None:
        return "already made, or given up"

    def last_attempt(summary: str) -> None:
        services.give_up(request_id, summary)

    try:
        with retrying(
            make_letter,
            request_id,
            attempt=attempt,
            max_attempts=services.MAX_ATTEMPTS,
            give_up=last_attempt,
        ):
            try:
                letter = services.make_letter(asked)
            except services.LetterError as refusal:
                services.mark_failed(request_id, str(refusal))
                return "could not be made as asked"
    except JobFailed:
        if attempt < services.MAX_ATTEMPTS:
            services.try_again_later(request_id)
        raise
    return "made" if letter is not None else "made by another run"
