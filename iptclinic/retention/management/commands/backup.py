"""manage.py backup PATH: a consistent copy of the whole database, owner-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptclinic.retention.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to a new file (SQLite online backup or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The new backup file (must not exist).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {outcome.engine} database ({outcome.tables} tables) to "
            f"{outcome.path}: {outcome.size:,} bytes, readable by this account only. "
            "It holds health records: keep it encrypted and access-controlled."
        )
