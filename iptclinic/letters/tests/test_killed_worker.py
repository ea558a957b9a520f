"""A worker killed while making a letter, in real processes: the letter is made exactly once.

``manage.py run_worker`` runs as a subprocess against the test database (a file on SQLite, see
conftest.py), with a quick heartbeat and a short "lost after", so the second worker's clock soon
notices the first one stopped and runs its task again. The subprocesses keep real time, so the
test moves its own clock to the real instant: the letter is then about the same "today".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult
from time_machine import escape_hatch

from iptclinic.audit.models import AuditEvent
from iptclinic.jobs.api import TaskResultStatus
from iptclinic.jobs.clock import LOST
from iptclinic.letters.models import IssuedLetter, LetterFormat, LetterKind, RequestStatus
from iptclinic.letters.services import request_letter
from iptclinic.letters.tests.scenes import open_course_with_appointments

pytestmark = pytest.mark.django_db(transaction=True)

HEARTBEAT_SECONDS = "0.3"
LOST_AFTER_SECONDS = "2"


def database_url() -> str:
    """The test database, as the ``DATABASE_URL`` a separate process reads."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    who = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{who}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start ``run_worker`` processes; every one is stopped at the end, whatever happened."""
    started: list[subprocess.Popen[bytes]] = []
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "IPTCLINIC_WORKER_HEARTBEAT": HEARTBEAT_SECONDS,
        "IPTCLINIC_WORKER_LOST_AFTER": LOST_AFTER_SECONDS,
    }

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started) + 1}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own manage.py, no shell
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], what: str, tmp_path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(
                f"--- {log.name}\n{log.read_text(errors='replace')}"
                for log in sorted(tmp_path.glob("worker-*.log"))
            )
            pytest.fail(f"Gave up waiting {seconds:.0f} s for {what}.\n{logs}")
        time.sleep(0.05)


def test_a_worker_killed_mid_letter_leaves_exactly_one_letter_after_another_worker_runs(
    cara, tess, workers, tmp_path, time_machine
):
    time_machine.move_to(datetime.fromtimestamp(escape_hatch.time.time(), tz=UTC))
    scene = open_course_with_appointments(cara, tess, braille=True, audio=True)
    asked = request_letter(
        scene.course,
        actor=tess,
        kind=LetterKind.APPOINTMENTS,
        formats=[LetterFormat.LARGE_PRINT, LetterFormat.AUDIO, LetterFormat.BRAILLE],
    )

    def status() -> str:
        asked.refresh_from_db(fields=["status"])
        return asked.status

    first = workers()
    wait_for(lambda: status() == RequestStatus.MAKING, "the first worker to start", tmp_path, 60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    # Killed mid-job: taken, nothing stored.
    assert status() == RequestStatus.MAKING
    assert not IssuedLetter.objects.exists()

    workers()
    wait_for(lambda: status() == RequestStatus.READY, "the letter to be made", tmp_path, 90)

    letter = IssuedLetter.objects.get()
    assert letter.request_id == asked.pk
    assert {f.format for f in letter.files.all()} >= {"audio", "braille", "large_print", "pdf"}
    assert AuditEvent.objects.filter(action="letter.issue").count() == 1
    asked.refresh_from_db()
    assert asked.attempts == 2
    runs = DBTaskResult.objects.filter(task_path="iptclinic.letters.tasks.make_letter")
    # The worker marks its run done just after the task returns.
    wait_for(
        lambda: not runs.filter(status=TaskResultStatus.RUNNING).exists(),
        "the second run to be marked done",
        tmp_path,
        10,
    )
    assert sorted((run.status, run.exception_class_path) for run in runs) == [
        (TaskResultStatus.FAILED, LOST),
        (TaskResultStatus.SUCCESSFUL, ""),
    ]
