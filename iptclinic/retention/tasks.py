"""The daily retention check: tell each team's service lead when records newly fall due."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Team
from iptclinic.attention.facts import lead_of
from iptclinic.attention.services import raise_event_item
from iptclinic.clients.models import Client
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.jobs.api import task

from .models import RetentionCheck
from .selectors import awaiting_review, due_by

REVIEW_WITHIN = timedelta(days=28)


def check_team(team: Team, now: datetime) -> int:
    """Count the records of ``team`` newly past their date since the last check; one item for
    the lead if there are any. Safe to repeat: a second run the same day finds nothing new."""
    today = timezone.localdate(now)
    with transaction.atomic():
        check = RetentionCheck.objects.select_for_update().filter(team=team).first()
        waiting = awaiting_review(Client.objects.filter(team=team), today)
        if check is not None:
            if check.checked_through >= today:
                return 0
            waiting = waiting.exclude(due_by(check.checked_through))
        count = waiting.count()
        RetentionCheck.objects.update_or_create(team=team, defaults={"checked_through": today})
        lead = lead_of(team)
        if count and lead is not None:
            raise_event_item(
                team,
                owner=lead,
                kind=NeedKind.RETENTION_DUE,
                key=f"retention_due:{team.pk}:{today.isoformat()}",
                title=f"{count} record{'s have' if count != 1 else ' has'} reached the end of "
                "the retention period. Review each and record a decision.",
                due=now + REVIEW_WITHIN,
                subject=("team", team.pk),
            )
    return count


@task()
def check_retention(slot: str = "") -> dict[str, int]:
    """Started daily by the workers' clock (``iptclinic/jobs/clock.py``)."""
    now = timezone.now()
    return {str(team.pk): check_team(team, now) for team in Team.objects.all()}
