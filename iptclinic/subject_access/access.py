"""Who reaches a subject access request: the service leads of the client's team, nobody else
(someone else's request is a 404, like someone else's client)."""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.access import visible_clients

from .models import SubjectAccessRequest, ThirdParty


def request_for(user: User, request_id: int) -> SubjectAccessRequest:
    if not user.is_service_lead:
        raise Http404
    try:
        return SubjectAccessRequest.objects.select_related(
            "client__therapist", "client__team", "team", "recorded_by", "released_by"
        ).get(pk=request_id, team_id=user.team_id, client__in=visible_clients(user))
    except SubjectAccessRequest.DoesNotExist:
        raise Http404 from None


def third_party_for(user: User, third_party_id: int) -> ThirdParty:
    if not user.is_service_lead:
        raise Http404
    try:
        return ThirdParty.objects.select_related("request__client").get(
            pk=third_party_id,
            request__team_id=user.team_id,
            request__client__in=visible_clients(user),
        )
    except ThirdParty.DoesNotExist:
        raise Http404 from None
