"""The clock the tasks API does not have: periodic jobs, and work lost with a killed worker.

Every worker process runs :func:`tick` every few seconds (``manage.py run_worker``). Choosing the
workers rather than cron or a separate scheduler process means nothing extra to deploy or watch:
as long as one worker runs, the safety net runs; with many workers on many machines each slot is
still started once, because starting it is an insert into ``PeriodicRun`` under a unique
constraint, in the same transaction as the enqueue. Only the latest due slot of each job is
started, so a worker that was down catches up once rather than replaying every missed slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .api import TaskResultStatus
from .models import PeriodicRun, WorkerHeartbeat


@dataclass(frozen=True)
class Periodic:
    """A job started on a schedule: every ``every`` (counted from midnight), or daily at
    ``daily_at``, in the service's time zone."""

    name: str
    task_path: str
    every: timedelta | None = None
    daily_at: time | None = None

    def latest_slot(self, now: datetime) -> datetime:
        zone = ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone)
        midnight = datetime.combine(local.date(), time(0), tzinfo=zone)
        if self.every is not None:
            # Elapsed real time since midnight, so the slots stay evenly spaced on the night
            # the clocks change.
            elapsed = now - midnight
            return midnight + (elapsed // self.every) * self.every
        assert self.daily_at is not None
        today = datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if local >= today:
            return today
        return datetime.combine(local.date() - timedelta(days=1), self.daily_at, tzinfo=zone)


PERIODIC = (
    Periodic("safety_net", "iptclinic.attention.tasks.run_safety_net", every=timedelta(minutes=5)),
    Periodic("digests", "iptclinic.notifications.tasks.send_digests", daily_at=time(8, 0)),
    Periodic(
        "unusual_access",
        "iptclinic.audit.tasks.check_unusual_access",
        every=timedelta(minutes=15),
    ),
    Periodic(
        "erase_subject_access_copies",
        "iptclinic.subject_access.tasks.erase_old_copies",
        daily_at=time(2, 30),
    ),
    Periodic("retention", "iptclinic.retention.tasks.check_retention", daily_at=time(6, 30)),
    # portal appointments (issue 11): reminders, sent in the day (docs/portal-appointments.md)
    Periodic(
        "appointment_reminders",
        "iptclinic.notifications.tasks.send_reminders",
        every=timedelta(minutes=30),
    ),
)
"""decisions §33, §38 and issue 8: the rules every 5 minutes, the daily digest at 08:00; issue 10:
the audit read for unusual access every 15 minutes (docs/audit-reading.md), the copies of whole
records released more than a month ago erased at 02:30 (docs/subject-access.md), and the retention
check daily at 06:30, so its item is there before the digest (docs/retention.md)."""


def tick(now: datetime) -> list[str]:
    """Start every periodic job whose latest slot has not been started; return their names."""
    started = []
    for periodic in PERIODIC:
        slot = periodic.latest_slot(now)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=periodic.name, slot=slot)
                import_string(periodic.task_path).enqueue(slot=slot.isoformat())
        except IntegrityError:
            continue  # another worker's clock started this slot
        started.append(periodic.name)
    return started


LOST = "iptclinic.jobs.clock.WorkerLost"


def recover_lost_tasks(now: datetime, lost_after: timedelta) -> int:
    """Run again, exactly once, every task held by a worker that stopped saying it is alive.

    The lost run is marked failed with a plain reason and a copy is enqueued, in one transaction
    and only if the run is still marked running, so two clocks never both copy it. The work
    itself must be safe to repeat: the tasks make their effect and its "done" mark together.
    """
    dead = set(
        WorkerHeartbeat.objects.filter(seen_at__lt=now - lost_after).values_list(
            "worker_id", flat=True
        )
    )
    if not dead:
        return 0
    recovered = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if not result.worker_ids or result.worker_ids[-1] not in dead:
            continue
        with transaction.atomic():
            taken = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=LOST,
                traceback="The worker running this task stopped before it finished. "
                "It was enqueued again.",
            )
            if taken:
                args = result.args_kwargs
                result.task.enqueue(*args["args"], **args["kwargs"])
                recovered += 1
    WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    return recovered
