"""The only way a people page reaches a person: staff of the lead's own team. Anyone else is a
404, as for clinical records (style.md §5)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from iptclinic.accounts.models import User


def team_people(lead: User) -> QuerySet[User]:
    """The staff of a service lead's team (service-user accounts are not managed here)."""
    if not (lead.is_authenticated and lead.is_staff_member and lead.is_service_lead):
        return User.objects.none()
    return User.objects.filter(team_id=lead.team_id, is_service_user=False)


def person_for(lead: User, person_id: int) -> User:
    try:
        return team_people(lead).select_related("supervisor", "team").get(pk=person_id)
    except User.DoesNotExist:
        raise Http404 from None
