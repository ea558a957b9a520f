"""/health/ for the load balancer: the database and a worker's heartbeat (H-112)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client as HttpClient
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def a_worker_seen(ago: timedelta) -> WorkerHeartbeat:
    seen = timezone.now() - ago
    return WorkerHeartbeat.objects.create(
        worker_id="node-1-123", host="node-1", pid=123, started_at=seen, seen_at=seen
    )


def test_it_answers_200_when_the_database_answers_and_a_worker_is_alive(
    client: HttpClient,
) -> None:
    a_worker_seen(timedelta(seconds=10))

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]


def test_it_answers_503_when_no_worker_has_said_it_is_alive_recently(client: HttpClient) -> None:
    a_worker_seen(timedelta(seconds=61))

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "ok", "worker": "failing"}


def test_it_answers_503_when_no_worker_ever_started(client: HttpClient) -> None:
    assert client.get("/health/").json()["worker"] == "failing"


def test_how_recent_a_heartbeat_must_be_is_configurable(client: HttpClient, settings: Any) -> None:
    settings.IPTCLINIC_HEALTH_WORKER_WITHIN = 300
    a_worker_seen(timedelta(minutes=4))

    assert client.get("/health/").status_code == 200


def test_it_answers_503_when_the_database_does_not_answer(
    client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_worker_seen(timedelta(seconds=1))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("iptclinic.operations.health.connection.cursor", refuse)
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "failing", "worker": "failing"}


def test_it_reads_and_writes_no_session_and_no_audit_event(client: HttpClient, tess) -> None:
    a_worker_seen(timedelta(seconds=1))
    events = AuditEvent.objects.count()

    response = client.get("/health/")

    assert response.status_code == 200
    assert not response.cookies
    assert AuditEvent.objects.count() == events


def test_a_load_balancer_asking_often_is_never_throttled(client: HttpClient) -> None:
    a_worker_seen(timedelta(seconds=1))

    assert {client.get("/health/").status_code for _ in range(30)} == {200}


def test_it_takes_only_safe_methods(client: HttpClient) -> None:
    assert client.post("/health/").status_code in (403, 405)


def test_it_is_not_sent_to_https_in_production(client: HttpClient, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    a_worker_seen(timedelta(seconds=1))

    assert client.get("/health/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
