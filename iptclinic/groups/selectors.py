"""What the group's pages show: a constant number of queries however many members or sessions.

Across members the pages show only what running the group needs: names, attendance, whether a
record or questionnaire is done and whether a risk alert is open, never a member's notes (H-133).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from iptclinic.accounts.models import User
from iptclinic.clients.access import visible_clients
from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Appointment, Course
from iptclinic.courses.selectors import OPEN_STATES
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert

from .models import Group, GroupMembership, GroupSession, MemberMeeting


@dataclass(frozen=True)
class MemberRow:
    """One member at one group session."""

    meeting: MemberMeeting
    client: Client
    appointment: Appointment
    record: str  # "" (none), "draft" or "signed"
    questionnaires: tuple[str, ...]
    alert_open: bool


def session_rows(session: GroupSession) -> list[MemberRow]:
    meetings = list(
        MemberMeeting.objects.filter(group_session=session)
        .select_related(
            "group_session",
            "membership",
            "appointment__record",
            "appointment__course__referral__client",
        )
        .order_by("membership__position")
    )
    appointment_ids = [m.appointment_id for m in meetings]
    done: dict[int, list[str]] = {}
    for appointment_id, code in QuestionnaireResponse.objects.filter(
        appointment_id__in=appointment_ids
    ).values_list("appointment_id", "instrument"):
        form = INSTRUMENTS.get(code)
        done.setdefault(appointment_id, []).append(form.short_name if form else code)
    client_ids = [m.appointment.course.referral.client_id for m in meetings]
    alerted = set(
        RiskAlert.objects.open()
        .filter(client_id__in=client_ids)
        .values_list("client_id", flat=True)
    )
    rows = []
    for meeting in meetings:
        appointment = meeting.appointment
        record = getattr(appointment, "record", None)
        client = appointment.course.referral.client
        rows.append(
            MemberRow(
                meeting=meeting,
                client=client,
                appointment=appointment,
                record="" if record is None else ("signed" if record.is_signed else "draft"),
                questionnaires=tuple(sorted(done.get(appointment.pk, []))),
                alert_open=client.pk in alerted,
            )
        )
    return rows


def group_sessions(group: Group) -> QuerySet[GroupSession]:
    attended = Q(member_meetings__appointment__status=Attendance.ATTENDED)
    return group.sessions.annotate(attended=Count("member_meetings", filter=attended))


def memberships(group: Group) -> list[GroupMembership]:
    """Members with their course and their individual meetings (not the group sessions)."""
    return list(
        group.memberships.select_related("course__referral__client").prefetch_related(
            Prefetch(
                "meetings",
                queryset=MemberMeeting.objects.filter(group_session__isnull=True)
                .select_related("appointment")
                .order_by("number"),
                to_attr="individual_meetings",
            )
        )
    )


def joinable_referrals(user: User, group: Group) -> QuerySet[Referral]:
    """Open referrals, without an open course, of clients the lead facilitator holds."""
    open_course = Course.objects.filter(referral=OuterRef("pk"), state__in=OPEN_STATES)
    return (
        Referral.objects.filter(
            client__in=visible_clients(user).filter(therapist_id=group.lead_facilitator_id),
            closed_on__isnull=True,
        )
        .exclude(Exists(open_course))
        .select_related("client")
        .order_by("client__family_name", "client__given_name", "pk")
    )
