"""Who may open the service pages: the service lead of a team, for that team only.

Everyone else gets 404 (``accounts.decorators.staff_required``); the lead sees every client of
their own team and nothing of another's, so each query here is filtered by ``lead_team``.
"""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import Team, User


def lead_team(user: User) -> Team:
    if not user.is_authenticated or not user.is_service_lead or user.team_id is None:
        raise Http404
    return user.team


def team_therapist(user: User, therapist_id: int) -> User:
    """A therapist of the lead's own team, or 404."""
    team = lead_team(user)
    try:
        return User.objects.get(pk=therapist_id, team=team, is_therapist=True)
    except User.DoesNotExist:
        raise Http404 from None
