"""The workers' clock: each periodic slot started once, and work of a dead worker run again once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from iptclinic.jobs.api import JobFailed, TaskResultStatus, failure_summary, retrying, task
from iptclinic.jobs.clock import LOST, Periodic, recover_lost_tasks, tick
from iptclinic.jobs.models import PeriodicRun, WorkerHeartbeat

LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("periodic", "now", "slot"),
    [
        (
            Periodic("a", "x", every=timedelta(minutes=5)),
            at(2026, 12, 1, 17, 3),
            at(2026, 12, 1, 17, 0),
        ),
        (
            Periodic("a", "x", every=timedelta(minutes=5)),
            at(2026, 12, 1, 17, 5),
            at(2026, 12, 1, 17, 5),
        ),
        (Periodic("d", "x", daily_at=time(8)), at(2026, 12, 1, 7, 59), at(2026, 11, 30, 8, 0)),
        (Periodic("d", "x", daily_at=time(8)), at(2026, 12, 1, 10, 0), at(2026, 12, 1, 8, 0)),
        # The night the clocks go back: 01:30 comes twice; the slots stay 5 real minutes apart.
        (
            Periodic("a", "x", every=timedelta(minutes=5)),
            datetime(2026, 10, 25, 1, 32, tzinfo=LONDON, fold=1),
            datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1),
        ),
    ],
)
def test_the_latest_slot(periodic: Periodic, now: datetime, slot: datetime) -> None:
    assert periodic.latest_slot(now) == slot


@pytest.mark.django_db
def test_a_slot_is_started_once_however_many_clocks_reach_it() -> None:
    now = at(2026, 12, 1, 8, 2)
    assert sorted(tick(now)) == [
        "appointment_reminders",
        "digests",
        "erase_subject_access_copies",
        "retention",
        "safety_net",
        "unusual_access",
    ]
    assert tick(now) == []
    assert tick(now + timedelta(minutes=1)) == []
    assert tick(now + timedelta(minutes=3)) == ["safety_net"]
    assert PeriodicRun.objects.count() == 7
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == [
        "iptclinic.attention.tasks.run_safety_net",
        "iptclinic.attention.tasks.run_safety_net",
        "iptclinic.audit.tasks.check_unusual_access",
        "iptclinic.notifications.tasks.send_digests",
        "iptclinic.notifications.tasks.send_reminders",
        "iptclinic.retention.tasks.check_retention",
        "iptclinic.subject_access.tasks.erase_old_copies",
    ]


@task()
def noted(value: int) -> int:
    return value


@pytest.mark.django_db
def test_work_held_by_a_worker_that_stopped_is_run_again_exactly_once() -> None:
    now = at(2026, 12, 1, 11, 0)
    lost = noted.enqueue(7).db_result
    lost.claim("dead-worker")
    alive = noted.enqueue(8).db_result
    alive.claim("live-worker")
    WorkerHeartbeat.objects.create(
        worker_id="dead-worker", host="a", pid=1, started_at=now, seen_at=now - timedelta(minutes=5)
    )
    WorkerHeartbeat.objects.create(
        worker_id="live-worker", host="b", pid=2, started_at=now, seen_at=now
    )

    assert recover_lost_tasks(now, timedelta(seconds=60)) == 1
    assert recover_lost_tasks(now, timedelta(seconds=60)) == 0
    lost.refresh_from_db()
    assert (lost.status, lost.exception_class_path) == (TaskResultStatus.FAILED, LOST)
    again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert again.args_kwargs == {"args": [7], "kwargs": {}}
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["live-worker"]
    assert DBTaskResult.objects.get(pk=alive.pk).status == TaskResultStatus.RUNNING


@task()
def flaky(attempt: int = 1) -> None:
    with retrying(flaky, attempt=attempt, max_attempts=2, give_up=given_up.append):
        raise ValueError("Cara Whitfield's letter")


given_up: list[str] = []


@pytest.mark.django_db
def test_a_failed_attempt_is_retried_later_then_given_up_without_its_message() -> None:
    given_up.clear()
    with pytest.raises(JobFailed) as first:
        flaky.call()
    assert "Cara" not in str(first.value) and "ValueError at" in str(first.value)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after >= datetime.now(tz=LONDON) + timedelta(seconds=59)
    with pytest.raises(JobFailed):
        flaky.call(attempt=2)
    assert DBTaskResult.objects.count() == 1  # no third attempt
    assert len(given_up) == 1 and "Cara" not in given_up[0]


def test_a_failure_summary_names_the_type_and_place_only() -> None:
    try:
        raise KeyError("someone@example.org")
    except KeyError as error:
        summary = failure_summary(error)
    assert summary.startswith("KeyError at ") and "example.org" not in summary
