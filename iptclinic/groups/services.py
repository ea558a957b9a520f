"""Every change to a group goes through one of these functions, which audits it (style.md §3).

A member's course is opened by :func:`iptclinic.courses.services.open_course` and their
attendance saved by :func:`iptclinic.courses.services.set_attendance`, so the course rules and
their audit events are the same as for anyone else's course.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from datetime import datetime as dt

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.audit import services as audit
from iptclinic.clients.models import Referral
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment
from iptclinic.courses.schedule import first_on_or_after
from iptclinic.courses.selectors import OPEN_STATES
from iptclinic.history.services import bulk_update_kept
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.groups import MeetingKind, group_session_days, joining_problem, member_schedule

from .models import Group, GroupMembership, GroupSession, MemberMeeting, aware


class GroupRuleError(ValueError):
    """A change the group's rules do not allow; the message says why."""


@transaction.atomic
def create_group(
    *,
    actor: User,
    team: Team,
    name: str,
    lead_facilitator: User,
    co_facilitators: Iterable[User] = (),
    start_date: date,
    weekday: int,
    session_time: time,
    place: str = "",
    rules: str = "",
    min_members: int = 6,
    max_members: int = 10,
    time_zone: str = "Europe/London",
) -> Group:
    """Create a group and book its group sessions, weekly from the first chosen weekday."""
    co = list(co_facilitators)
    if not lead_facilitator.is_therapist or lead_facilitator.team_id != team.pk:
        raise GroupRuleError("The lead facilitator must be a therapist of this team.")
    if any(person.team_id != team.pk or person.pk == lead_facilitator.pk for person in co):
        raise GroupRuleError("Co-facilitators are other people of this team.")
    if not 2 <= min_members <= max_members <= 12:
        raise GroupRuleError("Choose a group size between 2 and 12, the smallest first.")
    group = Group.objects.create(
        team=team,
        name=name,
        lead_facilitator=lead_facilitator,
        first_session_on=first_on_or_after(start_date, weekday),
        session_time=session_time,
        time_zone=time_zone,
        place=place,
        rules=rules,
        min_members=min_members,
        max_members=max_members,
        created_by=actor,
    )
    group.co_facilitators.set(co)
    GroupSession.objects.bulk_create(
        GroupSession(
            group=group,
            number=number,
            starts_at=aware(dt.combine(day, session_time), time_zone),
        )
        for number, day in enumerate(group_session_days(group.first_session_on, group.format), 1)
    )
    audit.record(
        actor=actor,
        action="group.create",
        obj=group,
        detail={"co_facilitator_ids": sorted(p.pk for p in co)},
    )
    return group


@transaction.atomic
def add_members(
    group: Group, *, actor: User, referrals: Sequence[Referral], on: date | None = None
) -> list[GroupMembership]:
    """Open a group course for each referral's client and book all their meetings.

    Members join before the first group session (a closed group); ``on`` is the day they join
    (today unless given, as the demo data does). The members' therapist must be the lead
    facilitator, so their risk alerts, records and work are the lead's (H-134).
    """
    group = Group.objects.select_for_update().get(pk=group.pk)
    joined_on = on or timezone.localdate()
    if joined_on >= group.first_session_on:
        raise GroupRuleError("Members join before the first group session.")
    members = group.memberships.count()
    problem = joining_problem(members, len(referrals), group.format)
    if problem:
        raise GroupRuleError(problem)
    sessions = {s.number: s for s in group.sessions.all()}
    joined = []
    for position, referral in enumerate(referrals, start=members):
        client = referral.client
        if client.team_id != group.team_id or client.therapist_id != group.lead_facilitator_id:
            raise GroupRuleError(
                f"{client.full_name} is not allocated to the lead facilitator; "
                "ask the service lead to allocate them first."
            )
        schedule = member_schedule(
            group.first_session_on, group.session_time, position, group.format
        )
        try:
            course = course_services.open_course(
                referral,
                actor=actor,
                contracted_sessions=len(schedule),
                start_date=schedule[0].starts.date(),
                weekday=group.first_session_on.weekday(),
                session_time=group.session_time,
                variant=group.format.variant,
                time_zone=group.time_zone,
                meetings=[(aware(m.starts, group.time_zone), m.minutes) for m in schedule],
            )
        except course_services.CourseRuleError as error:
            raise GroupRuleError(f"{client.full_name}: {error}") from None
        membership = GroupMembership.objects.create(group=group, course=course, position=position)
        appointments = list(course.appointments.order_by("starts_at", "pk"))
        if group.place:
            at_group = [
                appointment
                for meeting, appointment in zip(schedule, appointments, strict=True)
                if meeting.kind is MeetingKind.GROUP
            ]
            for appointment in at_group:
                appointment.place = group.place
            bulk_update_kept(at_group, Appointment, ["place"], actor=actor)
        MemberMeeting.objects.bulk_create(
            MemberMeeting(
                membership=membership,
                appointment=appointment,
                number=meeting.number,
                kind=meeting.kind,
                group_session=sessions[meeting.group_session] if meeting.group_session else None,
            )
            for meeting, appointment in zip(schedule, appointments, strict=True)
        )
        joined.append(membership)
    audit.record(
        actor=actor,
        action="group.add_members",
        obj=group,
        detail={"client_ids": sorted(r.client_id for r in referrals)},
    )
    return joined


def set_member_attendance(
    session: GroupSession, meeting: MemberMeeting, *, actor: User, status: Attendance
) -> Appointment:
    """One member's attendance at a group session: their own appointment's status (H-135)."""
    if meeting.group_session_id != session.pk:
        raise GroupRuleError("That member's meeting is not part of this group session.")
    try:
        return course_services.set_attendance(meeting.appointment, actor=actor, status=status)
    except course_services.CourseRuleError as error:
        name = meeting.appointment.course.referral.client.full_name
        raise GroupRuleError(f"{name}: {error}") from None


@transaction.atomic
def mark_everyone_attended(session: GroupSession, *, actor: User) -> int:
    """Every member whose meeting is still planned attended; returns how many were marked."""
    meetings = MemberMeeting.objects.select_related("appointment__course__referral__client").filter(
        group_session=session,
        appointment__status=Attendance.PLANNED,
        appointment__course__state__in=OPEN_STATES,
    )
    marked = 0
    for meeting in meetings:
        set_member_attendance(session, meeting, actor=actor, status=Attendance.ATTENDED)
        marked += 1
    return marked
