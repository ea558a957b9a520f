"""Shared pytest set-up: fast settings, the named personas, and Chromium for browser journeys."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

# live_server and Playwright's sync API share the thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from iptclinic.test import *  # noqa: E402,F403  (the persona fixtures)


def _flush_around_the_audit_triggers() -> None:
    """Test databases only: emptying the tables after a transactional test (pytest-django's
    flush: DELETE on SQLite, TRUNCATE on PostgreSQL) steps round the audit log's triggers, which
    refuse both (audit migration 0003). The SQLite triggers are dropped and made again around the
    statements; the PostgreSQL truncate trigger is disabled and enabled again, in the same
    transaction. Production has no such path: ``manage.py flush`` fails on the audit table
    (iptclinic/audit/tests/test_tamper.py)."""
    from importlib import import_module

    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    SQLite, PostgreSQL = SQLiteWrapper.ops_class, PostgreSQLWrapper.ops_class

    triggers = import_module("iptclinic.audit.migrations.0003_refuse_update_and_delete")
    table = "audit_auditevent"
    around = {
        SQLite: (triggers.SQLITE_DROP, triggers.SQLITE_CREATE),
        PostgreSQL: (
            [f"ALTER TABLE {table} DISABLE TRIGGER audit_auditevent_no_truncate"],
            [f"ALTER TABLE {table} ENABLE TRIGGER audit_auditevent_no_truncate"],
        ),
    }
    for operations, (before, after) in around.items():
        original = operations.sql_flush
        if getattr(original, "steps_round_the_audit", False):
            continue

        def sql_flush(
            self: Any,
            style: Any,
            tables: Any,
            *,
            _original: Any = original,
            _before: list[str] = before,
            _after: list[str] = after,
            **kwargs: Any,
        ) -> list[str]:
            statements = _original(self, style, tables, **kwargs)
            if table not in tables or not statements:
                return statements
            return [*_before, *statements, *_after]

        sql_flush.steps_round_the_audit = True  # type: ignore[attr-defined]
        sql_flush.original = original  # type: ignore[attr-defined]
        operations.sql_flush = sql_flush  # type: ignore[method-assign]


_flush_around_the_audit_triggers()


def _suite_instant() -> datetime:
    """The instant every test starts at: ``IPTCLINIC_TEST_NOW`` if set, else when the run began.

    A naive value is read in Europe/London, the service's time zone. Every test travels to this
    instant (with the clock ticking on from it), so a run is repeatable: the header prints it.
    """
    given = os.environ.get("IPTCLINIC_TEST_NOW", "").strip()
    if not given:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        instant = datetime.fromisoformat(given)
    except ValueError:
        raise pytest.UsageError(
            f"IPTCLINIC_TEST_NOW={given!r} is not a date and time such as 2026-10-25T01:30+01:00."
        ) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo("Europe/London"))


SUITE_NOW = _suite_instant()
# The test processes (pytest-xdist) start after this and inherit the environment: all of them run
# at the one instant the header prints, not each at the moment it happened to start.
os.environ["IPTCLINIC_TEST_NOW"] = SUITE_NOW.isoformat()


def pytest_report_header() -> str:
    local = SUITE_NOW.astimezone(ZoneInfo("Europe/London"))
    return (
        f"clock: every test starts at {local:%A %Y-%m-%d %H:%M:%S %Z} "
        f"(repeat with IPTCLINIC_TEST_NOW={local.isoformat()})"
    )


@pytest.fixture(autouse=True)
def _clock_at_the_suite_instant() -> Iterator[None]:
    """No test reads the wall clock (decisions §36); ``time_machine`` moves it further."""
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


@pytest.fixture(name="time_machine")
def _time_machine_inside_the_suite_clock(
    _clock_at_the_suite_instant: None, request: pytest.FixtureRequest
) -> Iterator[time_machine.TimeMachineFixture]:
    """The plugin's fixture, started after the suite clock so that its travel wins."""
    fixture = time_machine.TimeMachineFixture()
    marker = request.node.get_closest_marker("time_machine")
    if marker:
        fixture.move_to(*marker.args, **marker.kwargs)
    yield fixture
    fixture.stop()


@pytest.fixture
def client() -> Any:
    """pytest-django's client, whose force_login also passes the second factor (see
    ``iptclinic.test.VerifiedClient``)."""
    from iptclinic.test import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def unverified_client() -> Any:
    """A client whose force_login passes only the password: for tests of the second factor."""
    from django.test import Client

    return Client()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, django_db_blocker: Any
) -> None:
    """Suites run at the same time on one machine each get their own test database.

    On SQLite it is a file rather than memory, so that a worker started as a separate process
    (the killed-worker test of letters) reaches the same database as the test.
    """
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("postgresql"):
            with django_db_blocker.unblock():
                _drop_test_databases_of_ended_runs()
            database.setdefault("TEST", {})["NAME"] = f"test_iptclinic_{os.getpid()}"
        elif database["ENGINE"].endswith("sqlite3"):
            name = Path(tempfile.gettempdir()) / f"iptclinic-test-{os.getpid()}.sqlite3"
            database.setdefault("TEST", {})["NAME"] = str(name)


def _drop_test_databases_of_ended_runs() -> None:
    """A run that was killed leaves its PostgreSQL test database behind; its process is gone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_iptclinic_%%'")
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            pid = name.removeprefix("test_iptclinic_")
            if pid.isdigit() and not _running(int(pid)):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test database, then at the end: the live server answers each request in a
    thread of its own, and one that outlives its browser keeps a PostgreSQL session open, which
    would stop the test database from being dropped. End such sessions first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: object) -> Iterator[None]:
    from iptclinic.notifications.channels import Recording

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # Messages stay in memory (Recording.outbox), whatever the environment says.
    settings.IPTCLINIC_MESSAGE_CHANNELS = {  # type: ignore[attr-defined]
        "email": "iptclinic.notifications.channels.Recording",
        "sms": "iptclinic.notifications.channels.Recording",
    }
    Recording.outbox.clear()
    settings.STORAGES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    Recording.outbox.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Debian's Chromium, never a downloaded browser; no background traffic on a closed network."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-gpu",
        ],
    }
