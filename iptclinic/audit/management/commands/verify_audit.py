"""``manage.py verify_audit``: walk every audit chain; the first broken link, or "intact"."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptclinic.audit.verify import verify


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chains: prints the first broken link and exits 1, or "
        "'Audit intact' with each chain's head hash (keep these elsewhere) and exits 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="Rows read at a time (default 2000)."
        )

    def handle(self, *args: Any, chunk_size: int, **options: Any) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        report = verify(chunk_size=chunk_size)
        if report.broken is not None:
            raise CommandError(str(report.broken), returncode=1)
        for chain, head in sorted(report.heads.items()):
            self.stdout.write(f"{chain}\t{head}")
        self.stdout.write(f"Audit intact: {report.events} events in {len(report.heads)} chains")
