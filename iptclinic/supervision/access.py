"""Who reaches supervision pages. Anyone else gets 404 (style.md §5).

- a supervisor records meetings only with their own supervisees (``User.supervisor``), only
  about that therapist's clients, and reads the meetings they recorded;
- a therapist reads the meetings about their own work;
- a person who holds both roles has both (their own caseload and their supervision pages);
- service leads and everyone else: 404. Nobody sees across teams.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from iptclinic.accounts.models import User

from .models import Meeting


def supervisees(user: User) -> QuerySet[User]:
    """The therapists ``user`` supervises, in their team."""
    if not user.is_authenticated or not user.is_staff_member or not user.is_supervisor:
        return User.objects.none()
    return (
        User.objects.filter(
            supervisor=user, team_id=user.team_id, is_therapist=True, is_active=True
        )
        .exclude(pk=user.pk)
        .order_by("first_name", "last_name", "pk")
    )


def supervisee_for(user: User, therapist_id: int) -> User:
    try:
        return supervisees(user).get(pk=therapist_id)
    except User.DoesNotExist:
        raise Http404 from None


def visible_meetings(user: User) -> QuerySet[Meeting]:
    if not user.is_authenticated or not user.is_staff_member:
        return Meeting.objects.none()
    seen = Q(pk__in=[])
    if user.is_supervisor:
        seen |= Q(supervisor=user)
    if user.is_therapist:
        seen |= Q(therapist=user)
    return Meeting.objects.filter(seen, team_id=user.team_id)


def meeting_for(user: User, meeting_id: int) -> Meeting:
    try:
        return visible_meetings(user).select_related("supervisor", "therapist").get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def can_see_supervision(user: User, therapist_id: int | None) -> bool:
    """Whether ``user`` sees when a client of ``therapist_id`` was last discussed: the client's
    therapist and that therapist's supervisor."""
    if therapist_id is None or not user.is_authenticated:
        return False
    if user.is_therapist and therapist_id == user.pk:
        return True
    return user.is_supervisor and supervisees(user).filter(pk=therapist_id).exists()
