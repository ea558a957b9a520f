"""Back up and restore the whole database (issue 10 item 7; docs/operations/backup-and-restore.md).

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): a consistent copy
page by page, safe while the web server and workers write. PostgreSQL uses ``pg_dump
--format=custom`` and ``pg_restore`` with the connection settings of ``DATABASE_URL``; the
password goes to them in the ``PGPASSWORD`` environment variable, never on a command line or in a
message. A backup holds special-category health data: it is written owner-only (mode 0600).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore, fixed argument lists, no shell
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
OWNER_ONLY = 0o600
POSTGRES_TOOLS_HINT = (
    "Install the PostgreSQL client tools (Debian package postgresql-client: "
    "sudo apt-get install postgresql-client), then try again."
)


class BackupError(Exception):
    """A plain message for the person at the command line; nothing was changed."""


@dataclass(frozen=True)
class Outcome:
    engine: str
    path: Path
    size: int
    tables: int


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are supported on SQLite and PostgreSQL, not {vendor}.")
    return vendor


def file_engine(path: Path) -> str:
    """Which engine wrote the backup at ``path``, from its first bytes."""
    if not path.exists():
        raise BackupError(f"There is no file at {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not an IPT Clinic backup (neither SQLite nor pg_dump custom).")


def _pg_environment() -> dict[str, str]:
    """libpq's own variables for the connection settings: nothing secret on a command line."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    options: dict[str, Any] = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found. {POSTGRES_TOOLS_HINT}")
    return found


def _run(arguments: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        arguments, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        # pg_dump's own message names tables and settings, never row contents or the password.
        raise BackupError(
            f"{Path(arguments[0]).name} failed (exit {result.returncode}): "
            + (result.stderr.strip().splitlines() or ["no message"])[-1]
        )


def tables_with_rows() -> list[str]:
    """The tables of the connected database that hold at least one row."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        found = []
        for name in names:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(name)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                found.append(name)
    return found


def _table_count() -> int:
    with connection.cursor() as cursor:
        return len(connection.introspection.table_names(cursor))


def _create_owner_only(path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    os.close(descriptor)


def backup(path: Path) -> Outcome:
    """Write a consistent copy of the whole database to ``path`` (which must not exist)."""
    kind = engine()
    if path.exists():
        raise BackupError(f"{path} already exists. Choose a new file name; nothing was written.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    _create_owner_only(partial)
    try:
        if kind == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"])
        os.chmod(partial, OWNER_ONLY)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Outcome(_ENGINE_NAMES[kind], path, path.stat().st_size, _table_count())


def restore(path: Path, *, replace: bool = False) -> Outcome:
    """Put the backup at ``path`` in place of the connected database.

    Refuses a database that holds data unless ``replace`` is set, and a backup of the other
    engine always.
    """
    kind = engine()
    made_by = file_engine(path)
    if made_by != kind:
        raise BackupError(
            f"{path} is a {_ENGINE_NAMES[made_by]} backup but this service runs on "
            f"{_ENGINE_NAMES[kind]}. Restore it into a {_ENGINE_NAMES[made_by]} database."
        )
    holding = tables_with_rows()
    if holding and not replace:
        raise BackupError(
            f"The database holds data ({len(holding)} tables have rows). Nothing was changed. "
            "To overwrite it with the backup, run the command again with --replace."
        )
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    else:
        arguments = [_tool("pg_restore"), "--no-owner", "--no-password", "--exit-on-error"]
        if holding or replace:
            arguments += ["--clean", "--if-exists"]
        arguments += ["--single-transaction", f"--dbname={connection.settings_dict['NAME']}"]
        connection.close()
        _run([*arguments, str(path)])
    return Outcome(_ENGINE_NAMES[kind], path, path.stat().st_size, _table_count())


_ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
