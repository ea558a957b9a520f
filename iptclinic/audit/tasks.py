"""The unusual-access check's periodic run (registered in ``jobs/clock.py``)."""

from __future__ import annotations

from django.utils import timezone

from iptclinic.accounts.models import Team
from iptclinic.jobs.api import failure_summary, task

from .checks import check_team


@task()
def check_unusual_access(slot: str = "") -> dict[str, int]:
    """Started every 15 minutes by the workers' clock. A team whose check fails does not stop
    the others; its events are read again by the next run, since its mark did not move."""
    now = timezone.now()
    totals = {"teams": 0, "events": 0, "opened": 0, "failed": 0}
    failures = []
    for team in Team.objects.all():
        try:
            result = check_team(team, now)
        except Exception as error:
            totals["failed"] += 1
            failures.append(failure_summary(error))
            continue
        totals["teams"] += 1
        totals["events"] += result.events
        totals["opened"] += len(result.opened)
    if failures:
        raise RuntimeError(
            f"The unusual-access check failed for {len(failures)} team(s): {failures[0]}"
        )
    return totals
