"""What the other apps use to do work in the background.

``task`` is Django's tasks API: the ``django-tasks`` backport on Django 5.2, the built-in
``django.tasks`` from Django 6, so application code does not change when the project moves
(decisions §35). ``retrying`` adds what the API leaves to projects: a failed attempt is enqueued
again later, and the last failure is handed to someone instead of being lost.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

try:  # Django 6 has the tasks framework built in.
    from django.tasks import Task, TaskResultStatus, task
except ImportError:
    from django_tasks import TaskResultStatus, task
    from django_tasks.base import Task

__all__ = ["JobFailed", "RETRY_DELAYS", "Task", "TaskResultStatus", "retrying", "task"]

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
"""Waits before the second, third, fourth and later attempts."""


class JobFailed(Exception):
    """A background attempt failed. It carries the error's type and place, never its message:
    messages can name a client, and failed tasks are logged and stored (no personal data in logs).
    """


def failure_summary(error: BaseException) -> str:
    """``ValueError at letters/services.py:123`` from the innermost frame of the project's code."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/iptclinic/" in frame.filename] or frames
    if not ours:
        return type(error).__name__
    frame = ours[-1]
    where = "/".join(Path(frame.filename).parts[-2:])
    return f"{type(error).__name__} at {where}:{frame.lineno}"


@contextmanager
def retrying(
    job: Task[..., Any],
    *args: Any,
    attempt: int,
    max_attempts: int,
    give_up: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Run the body; if it raises, enqueue ``job(*args, attempt=attempt + 1)`` after a wait, or
    on the last attempt call ``give_up`` with a summary so a person is told. Then fail this
    attempt with :class:`JobFailed`, so the task's own record shows the failure.

    The body should do its database writes in its own transaction: a failure rolls them back
    before the retry is enqueued, so every attempt starts clean.
    """
    try:
        yield
    except Exception as error:
        summary = failure_summary(error)
        if attempt < max_attempts:
            wait = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
            job.using(run_after=timezone.now() + wait).enqueue(*args, attempt=attempt + 1)
        elif give_up is not None:
            give_up(summary)
        raise JobFailed(f"Attempt {attempt} of {max_attempts} failed: {summary}") from None
