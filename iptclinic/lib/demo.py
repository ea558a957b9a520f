"""Demo data never reaches a production database (issue 9).

Every demo command (``manage.py load_demo*``, ``demo_code``) is a :class:`DemoCommand`: in
production it stops before it touches the database. The demo's logins share a password printed
in the README, and their sign-in codes can be printed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class DemoCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        if settings.PRODUCTION:
            raise CommandError(
                "This is for the invented demo only: its logins' password and sign-in codes are "
                "public. It never runs in production (IPTCLINIC_ENV=production)."
            )
        return super().execute(*args, **options)
