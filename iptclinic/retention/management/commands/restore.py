"""manage.py restore PATH [--replace]: put a backup in place of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptclinic.retention.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the whole database from a backup made by manage.py backup. Refuses a database "
        "that holds data unless --replace is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds data (everything in it is lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = restore(options["path"], replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the {outcome.engine} database from {outcome.path} "
            f"({outcome.tables} tables"
            + (", replacing what it held)." if options["replace"] else ").")
            + " Run manage.py migrate if this code is newer than the backup."
        )
