"""What the background workers keep about themselves: their heartbeats and the periodic runs.

The tasks themselves are the ``django_tasks_db`` results table; these two tables add what the
tasks API leaves to the project: a clock (``PeriodicRun``) and a way to notice a worker that was
killed mid-task (``WorkerHeartbeat``). See ``docs/background-work.md``.
"""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """One run of a periodic job for one time slot. The unique pair makes starting it idempotent:
    however many workers' clocks reach the slot, only the first one to insert the row enqueues."""

    job = models.CharField(max_length=60)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_and_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """A running worker says it is alive every few seconds; one that stops is presumed dead and
    the task it held is run again (once) by another worker's clock."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"Worker {self.worker_id} on {self.host}"
