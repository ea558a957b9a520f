"""Load a licensed eating-disorder questionnaire for a team from a JSON definition.

    .venv/bin/python manage.py load_eating_measure path/to/measure.json --team "Team name"

The definition's fields are described in docs/ipt-for-eating-disorders.md. A definition with a
mistake is refused with the field named, and nothing is stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iptclinic.accounts.models import Team
from iptclinic.eating.services import MeasureLoadError, load_measure
from iptclinic.ipt.configured_measures import DefinitionError


class Command(BaseCommand):
    help = "Load a licensed eating-disorder questionnaire (JSON) for a team's IPT-ED courses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--team", required=True, help="The team's name, exactly.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            team = Team.objects.get(name=options["team"])
        except Team.DoesNotExist:
            raise CommandError(f"No team is called {options['team']!r}.") from None
        path: Path = options["path"]
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: not JSON (line {error.lineno}: {error.msg}).") from None
        try:
            measure = load_measure(team, definition)
        except (DefinitionError, MeasureLoadError) as error:
            raise CommandError(f"{path}: {error} Nothing was stored.") from None
        instrument = measure.instrument
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {instrument.short_name} ({len(instrument.items)} items, totals 0 to "
                f"{instrument.max_total}) for {team.name}."
            )
        )
