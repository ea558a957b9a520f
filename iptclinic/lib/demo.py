"""Demo data never reaches a production database (issue 9).

Every demo loader (``manage.py load_demo*``) is a :class:`DemoCommand`: in production it stops
before it touches the database. The demo's logins share a password printed in the README.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class DemoCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        if settings.PRODUCTION:
            raise CommandError(
                "This loads invented demo people whose password is public. It never runs in "
                "production (IPTCLINIC_ENV=production)."
            )
        return super().execute(*args, **options)
