"""Who reaches a group: its facilitators and their team's service lead. Anyone else gets 404.

A group's pages show only what running the group needs across members (names, attendance,
whether a record or questionnaire is done, an open risk alert). A member's own record is reached
through the client's pages, under the client access rules: the lead facilitator holds every
member's course; co-facilitators run the group but do not open members' records.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from iptclinic.accounts.models import User

from .models import Group, GroupSession, MemberMeeting


def visible_groups(user: User) -> QuerySet[Group]:
    if not user.is_authenticated or not user.is_staff_member:
        return Group.objects.none()
    groups = Group.objects.filter(team_id=user.team_id)
    if user.is_service_lead:
        return groups
    return groups.filter(
        Q(lead_facilitator=user)
        | Q(pk__in=Group.co_facilitators.through.objects.filter(user=user).values("group"))
    )


def group_for(user: User, group_id: int) -> Group:
    try:
        return visible_groups(user).select_related("lead_facilitator").get(pk=group_id)
    except Group.DoesNotExist:
        raise Http404 from None


def group_session_for(user: User, session_id: int) -> GroupSession:
    try:
        return GroupSession.objects.select_related("group__lead_facilitator").get(
            pk=session_id, group__in=visible_groups(user)
        )
    except GroupSession.DoesNotExist:
        raise Http404 from None


def is_facilitator(user: User, group: Group) -> bool:
    """The lead and co-facilitators run the group's sessions (attendance)."""
    return group.lead_facilitator_id == user.pk or group.co_facilitators.filter(pk=user.pk).exists()


def can_manage(user: User, group: Group) -> bool:
    """Only the lead facilitator, who holds every member's course, adds members."""
    return user.is_therapist and group.lead_facilitator_id == user.pk


def meeting_in_session(session: GroupSession, meeting_id: int) -> MemberMeeting:
    """A member's meeting of this group session; any other id is a 404 (H-135)."""
    try:
        return MemberMeeting.objects.select_related(
            "appointment__course__referral__client", "group_session"
        ).get(pk=meeting_id, group_session=session)
    except (MemberMeeting.DoesNotExist, ValueError):
        raise Http404 from None
