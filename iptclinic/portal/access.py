"""The portal's own access rule: a service user reaches only their own record."""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client


def own_client(user: User) -> Client:
    if not user.is_authenticated or not user.is_service_user:
        raise Http404
    try:
        return Client.objects.select_related("team").get(portal_user=user, team_id=user.team_id)
    except Client.DoesNotExist:
        raise Http404 from None
