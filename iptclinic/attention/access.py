"""Who sees which items: their own; a supervisor also their supervisees'; a lead the team's.

Someone else's item is a 404 (style.md §5). Only the owner closes an item.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from iptclinic.accounts.models import User

from .models import Item


def own_items(user: User) -> QuerySet[Item]:
    return Item.objects.filter(owner=user, team_id=user.team_id)


def team_items(user: User) -> QuerySet[Item]:
    """The items a supervisor or service lead oversees; a therapist oversees only their own."""
    items = Item.objects.filter(team_id=user.team_id)
    if user.is_service_lead:
        return items
    if user.is_supervisor:
        return items.filter(Q(owner=user) | Q(owner__supervisor=user))
    return items.filter(owner=user)


def item_for_owner(user: User, item_id: int) -> Item:
    try:
        return own_items(user).select_related("client", "team").get(pk=item_id)
    except Item.DoesNotExist:
        raise Http404 from None
