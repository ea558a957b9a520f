"""``manage.py rebuild_outcomes``: rewrite every referral's stored outcome from its records.

With ``--check`` nothing is written: the referrals whose stored outcome is missing or differs from
their records are listed by id and the command exits 1 (hazard log H-109). Run the check after a
restore, a bulk import or any change made outside the services; run the rebuild to repair.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptclinic.reports.services import outcome_drift, rebuild_outcomes

SHOWN_IDS = 20
"""How many drifted referral ids the check prints: enough to start looking, never a flood."""


class Command(BaseCommand):
    help = (
        "Rewrite the stored outcome of every referral from its records. With --check, write "
        "nothing: list the referrals whose stored outcome has drifted and exit 1 if any has."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only look for drift; change nothing."
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        if not check:
            written = rebuild_outcomes()
            self.stdout.write(f"Stored outcomes rebuilt: {written} referrals.")
            return
        drifted = outcome_drift()
        if drifted:
            shown = ", ".join(str(pk) for pk in drifted[:SHOWN_IDS])
            more = f" and {len(drifted) - SHOWN_IDS} more" if len(drifted) > SHOWN_IDS else ""
            raise CommandError(
                f"{len(drifted)} stored outcomes differ from their records (referrals {shown}"
                f"{more}). Run manage.py rebuild_outcomes to rewrite them.",
                returncode=1,
            )
        self.stdout.write("Stored outcomes match the records.")
