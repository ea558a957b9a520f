"""``manage.py run_safety_net``: run the safety-net checks once now, for every team.

The workers run them every 5 minutes; this is for the demo data and for checking a deployment.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from iptclinic.accounts.models import Team
from iptclinic.attention.services import record_run, sync_team
from iptclinic.notifications.services import tell_about


class Command(BaseCommand):
    help = "Run the safety-net checks once now, for every team, and queue the messages."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        opened = closed = 0
        for team in Team.objects.all():
            result = sync_team(team, now)
            tell_about(result.opened, now)
            record_run(team, now)
            opened += len(result.opened)
            closed += result.closed
        self.stdout.write(f"The safety net ran: {opened} item(s) opened, {closed} closed.")
