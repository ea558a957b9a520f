"""Backup and restore round-trip the demo database, every table identical (issue 10 item 7).

The demo database is built by the real commands in a separate process (``migrate``,
``load_demo``, ``load_demo_measures``), backed up with ``manage.py backup``, restored into a
second, empty database with ``manage.py restore``, and then every table the database reports is
compared: the row count and a SHA-256 of every row in primary-key order.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from iptclinic.retention import backup as backup_module

ROOT = Path(settings.BASE_DIR)
Tables = dict[str, tuple[int, str]]


def manage(database_url: str, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "IPTCLINIC_ENV": "development"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
    )


def load_demo(database_url: str) -> None:
    manage(database_url, "migrate", "--verbosity", "0")
    manage(database_url, "load_demo")
    manage(database_url, "load_demo_measures")


def digest_rows(rows: Iterator[tuple[Any, ...]]) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    for row in rows:
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def sqlite_tables(path: Path) -> Tables:
    database = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        tables = {}
        for name in names:
            columns = database.execute(f'PRAGMA table_info("{name}")').fetchall()
            keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]] or ["rowid"]
            order = ", ".join(f'"{k}"' for k in keys)
            tables[name] = digest_rows(database.execute(f'SELECT * FROM "{name}" ORDER BY {order}'))  # noqa: S608
        return tables
    finally:
        database.close()


def audit_chain_intact(database_url: str) -> None:
    """The restored copy's audit verifies: every chain links up and every head matches."""
    result = manage(database_url, "verify_audit")
    assert re.search(r"Audit intact: [1-9]\d* events in \d+ chains", result.stdout), result.stdout


def test_a_sqlite_demo_database_comes_back_identical(tmp_path: Path) -> None:
    source, copy, backup_file = tmp_path / "live.db", tmp_path / "restored.db", tmp_path / "b.bak"
    load_demo(f"sqlite:///{source}")

    made = manage(f"sqlite:///{source}", "backup", str(backup_file))
    assert "Backed up the SQLite database" in made.stdout
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    restored = manage(f"sqlite:///{copy}", "restore", str(backup_file))
    assert "Restored the SQLite database" in restored.stdout

    before, after = sqlite_tables(source), sqlite_tables(copy)
    assert len(before) > 50
    assert sum(count for count, _ in before.values()) > 1000
    assert after == before
    audit_chain_intact(f"sqlite:///{copy}")

    refused = manage(f"sqlite:///{copy}", "restore", str(backup_file), check=False)
    assert refused.returncode != 0
    assert "holds data" in refused.stderr and "--replace" in refused.stderr
    again = manage(f"sqlite:///{copy}", "restore", "--replace", str(backup_file))
    assert "replacing what it held" in again.stdout
    assert sqlite_tables(copy) == before


@pytest.mark.django_db
def test_it_says_clearly_what_is_wrong_with_a_backup_file(tmp_path: Path) -> None:
    with pytest.raises(backup_module.BackupError, match="There is no file"):
        backup_module.restore(tmp_path / "missing.bak")
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"hello")
    with pytest.raises(backup_module.BackupError, match="not an IPT Clinic backup"):
        backup_module.restore(junk)
    other = tmp_path / "other.bak"
    other.write_bytes(
        backup_module.PG_CUSTOM_MAGIC
        if connection.vendor == "sqlite"
        else backup_module.SQLITE_MAGIC
    )
    with pytest.raises(backup_module.BackupError, match="backup but this service runs on"):
        backup_module.restore(other)
    existing = tmp_path / "exists.bak"
    existing.write_bytes(b"")
    with pytest.raises(backup_module.BackupError, match="already exists"):
        backup_module.backup(existing)


def test_a_missing_pg_dump_gets_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    with pytest.raises(backup_module.BackupError, match="postgresql-client"):
        backup_module._tool("pg_dump")


def test_the_password_goes_to_pg_dump_in_the_environment_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(arguments: list[str], **options: Any) -> subprocess.CompletedProcess:
        seen["arguments"], seen["env"] = arguments, options["env"]
        Path(arguments[-1].removeprefix("--file=")).write_bytes(backup_module.PG_CUSTOM_MAGIC)
        return subprocess.CompletedProcess(arguments, 0, "", "")

    monkeypatch.setattr(backup_module, "engine", lambda: "postgresql")
    monkeypatch.setattr(backup_module, "_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup_module, "_table_count", lambda: 1)
    monkeypatch.setattr(backup_module.subprocess, "run", fake_run)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-Pass")
    backup_module.backup(tmp_path / "pg.bak")
    assert "s3cret-Pass" not in " ".join(seen["arguments"])
    assert seen["env"]["PGPASSWORD"] == "s3cret-Pass"
    assert stat.S_IMODE((tmp_path / "pg.bak").stat().st_mode) == 0o600


# PostgreSQL ---------------------------------------------------------------------------------


def postgres_tables(url: str) -> Tables:
    import psycopg

    with psycopg.connect(url) as database:
        names = [
            name
            for (name,) in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        tables = {}
        for name in names:
            keys = [
                key
                for (key,) in database.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                    [f'"{name}"'],
                )
            ]
            order = ", ".join(f'"{k}"' for k in keys) or "1"
            tables[name] = digest_rows(
                iter(database.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall())  # noqa: S608
            )
        return tables


@pytest.fixture
def two_postgres_databases() -> Iterator[Callable[[str], str]]:
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL only (DATABASE_URL=postgres://...)")
    import psycopg
    from psycopg import sql

    server = dict(connection.settings_dict)
    base = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/"
    password = {"PGPASSWORD": server["PASSWORD"]} if server.get("PASSWORD") else {}
    names = [f"iptclinic_backup_{uuid.uuid4().hex[:12]}_{role}" for role in ("live", "copy")]
    admin = psycopg.connect(
        base + "postgres", autocommit=True, **({"password": server["PASSWORD"]} if password else {})
    )
    for name in names:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ.update(password)
    try:
        yield lambda role: base + names[0 if role == "live" else 1]
    finally:
        for name in names:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()


def test_a_postgresql_demo_database_comes_back_identical(
    tmp_path: Path, two_postgres_databases: Callable[[str], str]
) -> None:
    live, copy = two_postgres_databases("live"), two_postgres_databases("copy")
    backup_file = tmp_path / "pg.bak"
    load_demo(live)
    made = manage(live, "backup", str(backup_file))
    assert "Backed up the PostgreSQL database" in made.stdout
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    manage(copy, "restore", str(backup_file))

    before, after = postgres_tables(live), postgres_tables(copy)
    assert len(before) > 50
    assert after == before
    audit_chain_intact(copy)

    refused = manage(copy, "restore", str(backup_file), check=False)
    assert refused.returncode != 0 and "--replace" in refused.stderr
    manage(copy, "restore", "--replace", str(backup_file))
    assert postgres_tables(copy) == before
