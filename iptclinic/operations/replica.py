"""Reports read from a read replica when one is configured (``DATABASE_REPLICA_URL``).

The outcomes report and its CSV read every referral of a team; on a large service those reads
can run on a streaming replica instead of the primary that clinicians write to. Everything else
stays on the primary, and so does any read inside a transaction on the primary (the audit chain
reads its last event before appending; a write reads its own rows back): a replica lags by a
moment, so it serves only reads that may be a moment old. See docs/deploy.md.

``ReplicaRouter`` routes by who is asking, not by model: the report's models are the same
clients and courses that every page reads. ``reports_from_replica`` marks the asking (the
request middleware below marks every page of the ``reports`` namespace).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

REPLICA = "replica"
# The apps whose records a report reads. The audit, the sessions, the workers' tables and the
# sign-in locks are never read from a copy that may be behind.
REPORTED_APPS = frozenset(
    {"accounts", "clients", "courses", "measures", "inventory", "endings", "reports"}
)
REPORT_NAMESPACES = frozenset({"reports"})

_reading_for_a_report: ContextVar[bool] = ContextVar("reading_for_a_report", default=False)


@contextmanager
def reports_from_replica() -> Iterator[None]:
    token = _reading_for_a_report.set(True)
    try:
        yield
    finally:
        _reading_for_a_report.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry; without a ``replica`` database it routes nothing."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if (
            REPLICA in settings.DATABASES
            and _reading_for_a_report.get()
            and model._meta.app_label in REPORTED_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: a row read from one may point at a row of the
        # other.
        together = {first._state.db, second._state.db}
        return True if together <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary's own changes, migrations included.
        return False if db == REPLICA else None


def _is_report(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).namespace in REPORT_NAMESPACES
    except Resolver404:
        return False


def _streamed_from_replica(content: Iterable[bytes]) -> Iterator[bytes]:
    with reports_from_replica():
        yield from content


def reports_read_from_replica(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Marks the reports' pages, and a streamed CSV while it streams (its rows are read after
    the view has returned)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if REPLICA not in settings.DATABASES or not _is_report(request):
            return get_response(request)
        with reports_from_replica():
            response = get_response(request)
        if response.streaming:
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return middleware
