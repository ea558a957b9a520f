"""Group IPT (WHO format): each member's meetings, in order, with their phases (ipt/groups.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.groups import (
    WHO_FORMAT,
    MeetingKind,
    joining_problem,
    member_schedule,
    size_note,
)
from iptclinic.ipt.phases import Phase, phase_for_session
from iptclinic.ipt.variants import Variant, individual_variant_choices, variant_config

TUESDAY = date(2027, 1, 12)
TEN = time(10, 0)


def test_a_member_has_a_pre_group_meeting_eight_group_sessions_a_mid_and_a_closing_meeting() -> (
    None
):
    meetings = member_schedule(TUESDAY, TEN, 0)
    assert [(m.number, m.kind, m.group_session) for m in meetings] == [
        (1, MeetingKind.PRE_GROUP, None),
        (2, MeetingKind.GROUP, 1),
        (3, MeetingKind.GROUP, 2),
        (4, MeetingKind.GROUP, 3),
        (5, MeetingKind.GROUP, 4),
        (6, MeetingKind.MID_GROUP, None),
        (7, MeetingKind.GROUP, 5),
        (8, MeetingKind.GROUP, 6),
        (9, MeetingKind.GROUP, 7),
        (10, MeetingKind.GROUP, 8),
        (11, MeetingKind.CLOSING, None),
    ]
    assert [m.label for m in meetings][:2] == [
        "Individual meeting before the group",
        "Group session 1",
    ]


@pytest.mark.parametrize(
    ("kind", "session", "phase"),
    [
        # The spec's table: initial = pre-group + session 1, middle = 2–7, termination = 8.
        (MeetingKind.PRE_GROUP, None, Phase.INITIAL),
        (MeetingKind.GROUP, 1, Phase.INITIAL),
        (MeetingKind.GROUP, 2, Phase.MIDDLE),
        (MeetingKind.GROUP, 4, Phase.MIDDLE),
        (MeetingKind.MID_GROUP, None, Phase.MIDDLE),
        (MeetingKind.GROUP, 7, Phase.MIDDLE),
        (MeetingKind.GROUP, 8, Phase.ENDING),
        (MeetingKind.CLOSING, None, Phase.ENDING),
    ],
)
def test_phases_follow_the_who_table(kind: MeetingKind, session: int | None, phase: Phase) -> None:
    meeting = next(
        m for m in member_schedule(TUESDAY, TEN, 0) if (m.kind, m.group_session) == (kind, session)
    )
    assert meeting.phase is phase
    # the course's own phase rule gives the same answer for the same number
    assert phase_for_session(meeting.number, 11, Variant.IPT_G_WHO) is phase


@pytest.mark.parametrize(
    ("index", "pre_group", "mid_group", "closing"),
    [
        (0, datetime(2027, 1, 5, 10), datetime(2027, 2, 3, 10), datetime(2027, 3, 9, 10)),
        (3, datetime(2027, 1, 5, 13), datetime(2027, 2, 3, 13), datetime(2027, 3, 9, 13)),
        (4, datetime(2027, 1, 6, 10), datetime(2027, 2, 4, 10), datetime(2027, 3, 10, 10)),
        (9, datetime(2027, 1, 7, 11), datetime(2027, 2, 5, 11), datetime(2027, 3, 11, 11)),
    ],
)
def test_individual_meetings_are_four_a_day_one_an_hour_in_joining_order(
    index: int, pre_group: datetime, mid_group: datetime, closing: datetime
) -> None:
    meetings = {m.kind: m for m in member_schedule(TUESDAY, TEN, index)}
    assert meetings[MeetingKind.PRE_GROUP].starts == pre_group
    assert meetings[MeetingKind.MID_GROUP].starts == mid_group
    assert meetings[MeetingKind.CLOSING].starts == closing
    assert meetings[MeetingKind.PRE_GROUP].minutes == 60
    assert meetings[MeetingKind.GROUP].minutes == 90


def test_individual_meetings_skip_the_weekend() -> None:
    friday = date(2027, 1, 15)
    mid = next(m for m in member_schedule(friday, TEN, 0) if m.kind is MeetingKind.MID_GROUP)
    assert mid.starts == datetime(2027, 2, 8, 10)  # Monday after group session 4 on 5 February


def test_a_group_has_at_most_ten_members() -> None:
    with pytest.raises(ValueError, match="at most 10"):
        member_schedule(TUESDAY, TEN, 10)
    assert joining_problem(8, 2) == ""
    assert joining_problem(8, 3) == "A group has at most 10 members; there is room for 2 more."
    assert joining_problem(10, 1) == "A group has at most 10 members; this group is full."
    assert joining_problem(3, 0) == "Choose at least one person to add."
    assert size_note(5) == "Groups usually have 6 to 10 members; this one has 5."
    assert size_note(6) == ""


def test_the_group_variant_is_not_offered_for_an_individual_course() -> None:
    assert variant_config(Variant.IPT_G_WHO).in_group
    assert variant_config(Variant.IPT_G_WHO).label == (
        "Group IPT (WHO format): 11 sessions, starting with sessions 1–2 and ending with the last 2"
    )
    offered = {value for value, _ in individual_variant_choices()}
    assert Variant.IPT_G_WHO.value not in offered
    assert Variant.LEAFLET.value in offered
    assert WHO_FORMAT.meetings == variant_config(Variant.IPT_G_WHO).default_sessions


@given(
    first=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    at=st.times(min_value=time(7, 0), max_value=time(19, 0)),
    index=st.integers(min_value=0, max_value=WHO_FORMAT.max_members - 1),
)
def test_every_member_meets_in_number_order_and_never_at_the_weekend_for_individual_meetings(
    first: date, at: time, index: int
) -> None:
    meetings = member_schedule(first, at, index)
    assert len(meetings) == WHO_FORMAT.meetings
    assert [m.number for m in meetings] == list(range(1, 12))
    starts = [m.starts for m in meetings]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for meeting in meetings:
        if meeting.group_session is not None:
            assert meeting.starts == datetime.combine(
                first + timedelta(weeks=meeting.group_session - 1), at
            )
        else:
            assert meeting.starts.weekday() < 5
    assert sum(m.kind is MeetingKind.GROUP for m in meetings) == 8
