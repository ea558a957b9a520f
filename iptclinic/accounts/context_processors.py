"""Template context every page needs: the signed-in person's team and their open items."""

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest


def team(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "current_team": getattr(user, "team", None) if signed_in else None,
        # Counted only on pages that show it.
        "attention_count": _open_items_of(user) if signed_in and user.is_staff_member else None,
    }


def _open_items_of(user: object) -> Callable[[], int]:
    # A page may show the count twice (the menu and the caseload's heading): counted once.
    @cache
    def count() -> int:
        from iptclinic.attention.models import Item

        return Item.objects.filter(owner=user, resolved_at__isnull=True).count()

    return count
