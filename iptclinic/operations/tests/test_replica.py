"""The reports read from a replica when one is configured; nothing else does (H-114)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses.models import Course
from iptclinic.jobs.models import WorkerHeartbeat
from iptclinic.operations.replica import (
    ReplicaRouter,
    reports_from_replica,
    reports_read_from_replica,
)

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
router = ReplicaRouter()


@pytest.fixture
def with_replica(settings: Any) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}


def test_a_reports_reads_of_the_record_go_to_the_replica(with_replica: None) -> None:
    with reports_from_replica():
        assert router.db_for_read(Client) == "replica"
        assert router.db_for_read(Course) == "replica"


def test_everything_else_reads_the_primary(with_replica: None) -> None:
    assert router.db_for_read(Client) is None  # Django's default: the primary
    with reports_from_replica():
        assert router.db_for_read(AuditEvent) is None
        assert router.db_for_read(WorkerHeartbeat) is None


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_there(with_replica: None) -> None:
    with reports_from_replica(), transaction.atomic():
        assert router.db_for_read(Client) is None


def test_writes_always_go_to_the_primary_and_the_replica_is_never_migrated(
    with_replica: None,
) -> None:
    with reports_from_replica():
        assert router.db_for_write(Client) == "default"
    assert router.allow_migrate("replica", "clients") is False
    assert router.allow_migrate("default", "clients") is None


def test_without_a_replica_nothing_is_routed() -> None:
    with reports_from_replica():
        assert router.db_for_read(Client) is None


def seen_by_the_view(path: str, streaming: bool = False) -> tuple[list[str | None], HttpResponse]:
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Client))
        if streaming:
            rows = (seen.append(router.db_for_read(Client)) or b"row\n" for _ in range(2))
            return StreamingHttpResponse(rows)
        return HttpResponse("page")

    response = reports_read_from_replica(view)(RequestFactory().get(path))
    if streaming:
        b"".join(response.streaming_content)
    return seen, response


def test_the_reports_pages_are_marked_and_other_pages_are_not(with_replica: None) -> None:
    assert seen_by_the_view("/reports/outcomes/")[0] == ["replica"]
    assert seen_by_the_view("/caseload/")[0] == [None]


def test_a_streamed_csv_reads_the_replica_while_it_streams(with_replica: None) -> None:
    seen, _ = seen_by_the_view("/reports/outcomes.csv", streaming=True)

    assert seen == ["replica", "replica", "replica"]
    assert router.db_for_read(Client) is None
