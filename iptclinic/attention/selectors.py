"""What the "Needs attention" lists show: items with the place to act, in a fixed number of
queries, and whether the safety net is running."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from iptclinic.accounts.models import Team

from .links import act_link
from .models import Item, SafetyNetRun

STALE_AFTER = timedelta(minutes=15)
"""Three missed 5-minute runs: long enough to ride out a restart, short enough for risk."""


@dataclass(frozen=True)
class ItemRow:
    item: Item
    url: str
    act: str


def item_rows(items: QuerySet[Item]) -> list[ItemRow]:
    rows = []
    for item in items.select_related("client", "owner", "resolved_by"):
        url, act = act_link(item)
        rows.append(ItemRow(item=item, url=url, act=act))
    return rows


def open_items(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.filter(resolved_at__isnull=True).order_by("-urgent", "due", "id")


def recently_closed(items: QuerySet[Item], days: int = 7) -> QuerySet[Item]:
    since = timezone.now() - timedelta(days=days)
    return items.filter(resolved_at__gte=since).order_by("-resolved_at", "-id")


@dataclass(frozen=True)
class SafetyNetStatus:
    last_run: datetime | None
    stale: bool


def safety_net_status(team: Team) -> SafetyNetStatus:
    run = SafetyNetRun.objects.filter(team=team).first()
    last = run.succeeded_at if run else None
    return SafetyNetStatus(last_run=last, stale=last is None or timezone.now() - last > STALE_AFTER)
