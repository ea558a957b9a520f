"""The safety net's periodic run: every team's rules, then the messages they call for."""

from __future__ import annotations

from django.utils import timezone

from iptclinic.accounts.models import Team
from iptclinic.jobs.api import failure_summary, task
from iptclinic.notifications import services as notifications

from .services import record_run, sync_team


@task()
def run_safety_net(slot: str = "") -> dict[str, int]:
    """Started every 5 minutes by the workers' clock (``slot`` names the run). A team whose run
    fails does not stop the others; the next run, minutes later, tries it again."""
    now = timezone.now()
    totals = {"teams": 0, "opened": 0, "closed": 0, "messages": 0, "failed": 0}
    for team in Team.objects.all():
        try:
            result = sync_team(team, now)
            told = notifications.tell_about(result.opened, now)
            reminded = notifications.remind_about_risk(team.pk, now)
        except Exception as error:
            totals["failed"] += 1
            record_run(team, now, failure=failure_summary(error))
            continue
        record_run(team, now)
        totals["teams"] += 1
        totals["opened"] += len(result.opened)
        totals["closed"] += result.closed
        totals["messages"] += len(told) + len(reminded)
    if totals["failed"]:
        raise RuntimeError(f"The safety net could not run for {totals['failed']} team(s).")
    return totals
