"""The database refuses to change or delete an audit event, whatever the path (H-061).

Every route around the model's own guard (the four of the security review, raw SQL, and the
command-line clients ``sqlite3`` and ``psql``) fails with a database error and leaves the row as
it was. The suite runs on SQLite and on PostgreSQL; each test takes the engine it is given.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from iptclinic.accounts.models import User
from iptclinic.audit import services
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client

REFUSED = "audit events cannot be"
TRIGGERS = import_module("iptclinic.audit.migrations.0003_refuse_update_and_delete")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def event(tess: User, cara: Client) -> AuditEvent:
    return services.record(actor=tess, action="client.view", client=cara, detail={"page": "x"})


def as_written(event: AuditEvent) -> tuple[Any, ...]:
    row = AuditEvent._base_manager.filter(pk=event.pk).values_list(
        "action", "actor_id", "client_id", "detail", "hash"
    )
    return tuple(row.get())


def _base_manager_update(pk: int) -> None:
    AuditEvent._base_manager.filter(pk=pk).update(action="client.nothing")


def _queryset_update(pk: int) -> None:
    QuerySet(AuditEvent).filter(pk=pk).update(action="client.nothing")


def _raw_delete(pk: int) -> None:
    rows = QuerySet(AuditEvent).filter(pk=pk)
    rows._raw_delete(rows.db)


def _base_manager_delete(pk: int) -> None:
    AuditEvent._base_manager.filter(pk=pk).delete()


def _raw_sql_update(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'client.nothing' WHERE id = %s", [pk])


def _raw_sql_delete(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [pk])


@pytest.mark.parametrize(
    "tamper",
    [
        _base_manager_update,
        _queryset_update,
        _raw_delete,
        _base_manager_delete,
        _raw_sql_update,
        _raw_sql_delete,
    ],
)
def test_no_route_around_the_model_changes_or_deletes_an_event(
    event: AuditEvent, tamper: Callable[[int], None]
) -> None:
    before = as_written(event)

    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        tamper(event.pk)

    assert as_written(event) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_audit(event: AuditEvent) -> None:
    checks_done_now()
    with (
        pytest.raises(DatabaseError, match=REFUSED),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent CASCADE")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def checks_done_now() -> None:
    """PostgreSQL will not truncate a table with foreign-key checks still pending in the same
    transaction (the test's own insert): run them now, as a committed row would have had them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["audit_auditevent"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND NOT tgisinternal AND tgenabled = 'O'"
            )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_the_triggers_are_in_place_after_every_migration() -> None:
    """On SQLite a later migration that alters audit_auditevent rebuilds the table without its
    triggers: this fails until that migration creates them again (docs/security/audit.md)."""
    expected = {
        "sqlite": {"audit_auditevent_no_update", "audit_auditevent_no_delete"},
        "postgresql": {"audit_auditevent_no_change", "audit_auditevent_no_truncate"},
    }[connection.vendor]

    assert installed_triggers() == expected


def command_line(sql: str) -> subprocess.CompletedProcess[str]:
    """``sql`` run by the engine's own command-line client, as a person at a terminal would."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        command = ["sqlite3", settings["NAME"], sql]
    else:
        command = [
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            "-d",
            settings["NAME"],
            "-c",
            sql,
        ]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)


@pytest.mark.django_db(transaction=True)
def test_the_command_line_client_cannot_change_or_delete_an_event(tess: User, cara: Client) -> None:
    event = services.record(actor=tess, action="client.view", client=cara)  # committed
    before = as_written(event)
    statements = [
        f"UPDATE audit_auditevent SET action = 'client.nothing' WHERE id = {int(event.pk)}",  # noqa: S608
        f"DELETE FROM audit_auditevent WHERE id = {int(event.pk)}",  # noqa: S608
    ]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE audit_auditevent CASCADE")

    for sql in statements:
        result = command_line(sql)
        assert result.returncode != 0, sql
        assert REFUSED in result.stderr, result.stderr

    assert as_written(event) == before


@pytest.mark.django_db
def test_flush_without_the_test_suites_patch_fails_on_the_audit_table(event: AuditEvent) -> None:
    """Only the test suite's flush steps round the triggers (conftest.py); Django's own does not."""
    flush = type(connection.ops).sql_flush
    original = getattr(flush, "original", flush)
    statements = original(connection.ops, no_style(), ["audit_auditevent"])
    checks_done_now()

    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        connection.ops.execute_sql_flush(statements)

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a separate SQLite file database")
def test_manage_py_flush_fails_on_a_real_database(tmp_path: Path) -> None:
    """``manage.py flush`` on a database of its own (not the test suite's), with one event."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'real.sqlite3'}",
        "IPTCLINIC_ENV": "development",
    }

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert manage("migrate", "--verbosity", "0").returncode == 0
    written = manage(
        "shell",
        "-c",
        "from iptclinic.audit.services import record; record(actor=None, action='test.event')",
    )
    assert written.returncode == 0, written.stderr

    flushed = manage("flush", "--no-input")

    assert flushed.returncode != 0
    assert "couldn't be flushed" in flushed.stderr
    counted = manage(
        "shell",
        "-c",
        "from iptclinic.audit.models import AuditEvent; print(AuditEvent.objects.count())",
    )
    assert counted.stdout.strip().splitlines()[-1] == "1"
