"""Creating a group, members joining, attendance, and a member's risk alert (iptclinic/groups)."""

from __future__ import annotations

from datetime import datetime

import pytest

from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment
from iptclinic.groups import services
from iptclinic.groups.models import GroupMembership, MemberMeeting
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.phases import Phase
from iptclinic.ipt.variants import Variant
from iptclinic.measures import services as measure_services
from iptclinic.measures.models import RiskAlert
from iptclinic.measures.tests.helpers import phq9_total
from iptclinic.test import make_client

from .conftest import JOINING, LONDON, new_group


def member_meeting(group, position: int, number: int) -> MemberMeeting:
    return MemberMeeting.objects.select_related("appointment").get(
        membership__group=group, membership__position=position, number=number
    )


def test_a_group_books_eight_weekly_sessions_and_each_member_their_eleven_meetings(group):
    sessions = list(group.sessions.order_by("number"))
    assert [s.starts_at for s in sessions][:2] == [
        datetime(2026, 11, 10, 10, tzinfo=LONDON),
        datetime(2026, 11, 17, 10, tzinfo=LONDON),
    ]
    assert len(sessions) == 8
    memberships = list(group.memberships.select_related("course__referral__client"))
    assert len(memberships) == 6
    for membership in memberships:
        course = membership.course
        assert course.variant == Variant.IPT_G_WHO
        assert course.contracted_sessions == 11
        assert course.referral.client.therapist_id == group.lead_facilitator_id
        meetings = list(membership.meetings.select_related("appointment").order_by("number"))
        assert [m.kind for m in meetings].count("group") == 8
        group_meetings = [m for m in meetings if m.group_session_id]
        assert [m.appointment.starts_at for m in group_meetings] == [s.starts_at for s in sessions]
        assert {m.appointment.duration_minutes for m in group_meetings} == {90}
        assert {m.appointment.place for m in group_meetings} == {"Room 2, Riverside Centre"}
        assert {m.appointment.duration_minutes for m in meetings if m.is_individual} == {60}
    # The fifth member's pre-group meeting is the next working day (four a day, one an hour).
    assert member_meeting(group, 4, 1).appointment.starts_at == datetime(
        2026, 11, 4, 10, tzinfo=LONDON
    )


def test_a_members_course_numbers_and_phases_follow_the_who_table(group, tess):
    membership = group.memberships.get(position=0)
    course_services.set_attendance(
        member_meeting(group, 0, 1).appointment, actor=tess, status=Attendance.ATTENDED
    )
    for number in (1, 2):
        services.set_member_attendance(
            group.sessions.get(number=number),
            member_meeting(group, 0, number + 1),
            actor=tess,
            status=Attendance.ATTENDED,
        )
    course = (
        type(membership.course)
        .objects.prefetch_related("appointments")
        .get(pk=membership.course_id)
    )
    timeline = course.timeline()
    assert [r.phase for r in timeline.attended_rows] == [
        Phase.INITIAL,
        Phase.INITIAL,
        Phase.INITIAL,
    ]
    assert [(n, p) for n, p, _ in timeline.slots()][8:] == [
        (9, Phase.MIDDLE),
        (10, Phase.ENDING),
        (11, Phase.ENDING),
    ]


def test_only_the_lead_facilitators_clients_join_and_only_before_the_first_session(
    tess, otto, time_machine
):
    time_machine.move_to(JOINING)
    group = new_group(tess)
    ottos = make_client(otto, otto, "Olly", "Other")
    with pytest.raises(services.GroupRuleError, match="not allocated to the lead facilitator"):
        services.add_members(group, actor=tess, referrals=[ottos.referrals.get()])
    assert not GroupMembership.objects.exists()
    time_machine.move_to(datetime(2026, 11, 10, 9, 0, tzinfo=LONDON))
    late = make_client(tess, tess, "Lena", "Late")
    with pytest.raises(services.GroupRuleError, match="before the first group session"):
        services.add_members(group, actor=tess, referrals=[late.referrals.get()])


def test_a_group_never_takes_more_than_its_largest_size(tess, time_machine):
    time_machine.move_to(JOINING)
    group = new_group(tess, min_members=2, max_members=3)
    people = [make_client(tess, tess, name, "Many") for name in ("Ann", "Ben", "Col", "Dot")]
    with pytest.raises(services.GroupRuleError, match="at most 3 members"):
        services.add_members(group, actor=tess, referrals=[p.referrals.get() for p in people])
    assert not group.memberships.exists()
    assert not Appointment.objects.filter(course__referral__client__in=people).exists()


def test_attendance_is_saved_only_for_a_meeting_of_that_group_session(group, tess):
    second = group.sessions.get(number=2)
    first_sessions_meeting = member_meeting(group, 0, 2)  # group session 1
    with pytest.raises(services.GroupRuleError, match="not part of this group session"):
        services.set_member_attendance(
            second, first_sessions_meeting, actor=tess, status=Attendance.ATTENDED
        )
    first_sessions_meeting.appointment.refresh_from_db()
    assert first_sessions_meeting.appointment.status == Attendance.PLANNED


def test_everyone_attended_marks_each_members_own_appointment(group, tess):
    session = group.sessions.get(number=1)
    services.set_member_attendance(
        session, member_meeting(group, 5, 2), actor=tess, status=Attendance.DID_NOT_ATTEND
    )
    assert services.mark_everyone_attended(session, actor=tess) == 5
    statuses = dict(
        MemberMeeting.objects.filter(group_session=session).values_list(
            "membership__position", "appointment__status"
        )
    )
    assert statuses == {
        0: "attended",
        1: "attended",
        2: "attended",
        3: "attended",
        4: "attended",
        5: "did_not_attend",
    }


def test_a_members_item_9_alert_is_owned_by_the_lead_facilitator(group, tess, otto):
    session = group.sessions.get(number=2)
    meeting = member_meeting(group, 2, 3)
    services.set_member_attendance(session, meeting, actor=otto, status=Attendance.ATTENDED)
    member = meeting.appointment.course.referral.client
    measure_services.record_questionnaire(
        member,
        actor=tess,
        instrument_code="phq9",
        answers=phq9_total(15, item9=1),
        appointment=meeting.appointment,
    )
    alert = RiskAlert.objects.open().get()
    assert alert.client_id == member.pk
    sync_team(tess.team)
    item = Item.objects.get(kind="risk_alert", resolved_at__isnull=True)
    assert (item.client_id, item.owner_id) == (member.pk, tess.pk)


def test_a_members_copy_of_their_record_names_their_group_but_no_other_member(group):
    from iptclinic.subject_access.collect import collect

    member = group.memberships.get(position=0).course.referral.client
    text = str(collect(member).as_json())
    assert "Tuesday group" in text and "Group session 8" in text
    for other in ("Bea", "Cal", "Dana", "Eli", "Fay"):
        assert other not in text
