"""``manage.py run_worker``: one background worker with its heartbeat and its clock.

It runs ``django_tasks_db``'s own worker loop in this process, and beside it a thread that says
every few seconds that this worker is alive, starts the periodic jobs that are due and re-runs
the work of workers that stopped saying so. Run one or more on each machine (see
``docs/background-work.md``). Ctrl+C or SIGTERM finishes the task in hand, then stops.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils import timezone

from iptclinic.jobs.clock import recover_lost_tasks, tick
from iptclinic.jobs.models import WorkerHeartbeat


class Command(BaseCommand):
    help = "Run a background worker: tasks, the periodic jobs, and recovery of lost work."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait for new work when the queue is empty (default 1).",
        )

    def handle(self, *args: Any, interval: float, verbosity: int, **options: Any) -> None:
        worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        stop = threading.Event()
        self._beat(worker_id, first=True)
        keeper = threading.Thread(
            target=self._keep_time, args=(worker_id, stop), name="worker-clock", daemon=True
        )
        keeper.start()
        self.stdout.write(f"Worker {worker_id} started (Ctrl+C to stop).")
        try:
            call_command(
                "db_worker",
                worker_id=worker_id,
                interval=interval,
                queue_name="*",
                reload=False,
                startup_delay=False,
                verbosity=verbosity,
            )
        finally:
            stop.set()
            keeper.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()

    def _beat(self, worker_id: str, *, first: bool = False) -> None:
        now = timezone.now()
        if first:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "started_at": now,
                    "seen_at": now,
                },
            )
        else:
            WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)

    def _keep_time(self, worker_id: str, stop: threading.Event) -> None:
        lost_after = timedelta(seconds=settings.IPTCLINIC_WORKER_LOST_AFTER)
        while not stop.wait(settings.IPTCLINIC_WORKER_HEARTBEAT):
            try:
                close_old_connections()
                self._beat(worker_id)
                now = timezone.now()
                tick(now)
                recover_lost_tasks(now, lost_after)
            except Exception as error:  # the clock must outlive one bad minute
                self.stderr.write(f"The worker's clock failed this time: {type(error).__name__}")
        connections.close_all()
