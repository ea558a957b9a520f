"""Group IPT in the WHO format: the meetings each member has, in order, with their phases.

Source: ``domain/ipt-method.md`` §0.2, §1.6 row IPT_G_WHO and §10.2 [S10] (VARIANT): an
individual pre-group meeting, then 8 group sessions; initial = pre-group meeting + group session 1,
middle = group sessions 2–7, termination = group session 8; groups of 6–10 members.

PRODUCT choices, UNVERIFIED in the sources (the WHO session length and midpoint procedures are not
in the retrieved text; see ``docs/group-ipt.md``):

- a mid-group individual meeting after group session 4 and a closing individual meeting in the
  week after group session 8, borrowed from IPT-G (§10.3 [S9]); both count in the phase around them;
- group sessions of 90 minutes (§1.6: "90 min common" for groups), individual meetings of 60;
- each member's individual meetings are proposed on working days, four a day from the group's time,
  one an hour, in the order members joined: the pre-group meetings from the group's weekday one week
  before the first group session, the mid-group meetings from the day after group session 4, the
  closing meetings from the group's weekday one week after group session 8.

A member's course holds all their meetings, so "session n of N" and the phase rules of
:mod:`iptclinic.ipt.phases` apply to it unchanged: 11 meetings, sessions 1–2 initial, 3–9 middle,
10–11 ending under the :attr:`Variant.IPT_G_WHO` row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType

from iptclinic.ipt.phases import Phase, phase_plan
from iptclinic.ipt.variants import Variant


class MeetingKind(StrEnum):
    PRE_GROUP = "pre_group"
    GROUP = "group"
    MID_GROUP = "mid_group"
    CLOSING = "closing"


MEETING_LABELS: Mapping[MeetingKind, str] = MappingProxyType(
    {
        MeetingKind.PRE_GROUP: "Individual meeting before the group",
        MeetingKind.GROUP: "Group session",
        MeetingKind.MID_GROUP: "Individual meeting halfway through",
        MeetingKind.CLOSING: "Closing individual meeting",
    }
)


@dataclass(frozen=True)
class GroupFormat:
    """The numbers of one group format; ``WHO_FORMAT`` is the product's default."""

    variant: Variant
    group_sessions: int
    mid_group_after: int
    group_minutes: int
    individual_minutes: int
    min_members: int
    max_members: int
    individual_per_day: int

    @property
    def meetings(self) -> int:
        """Meetings in a member's course: pre-group, the group sessions, mid-group, closing."""
        return self.group_sessions + 3


WHO_FORMAT = GroupFormat(
    variant=Variant.IPT_G_WHO,
    group_sessions=8,
    mid_group_after=4,
    group_minutes=90,
    individual_minutes=60,
    min_members=6,
    max_members=10,
    individual_per_day=4,
)


@dataclass(frozen=True)
class Meeting:
    """One of a member's meetings: its number in their course, what it is, when, and its phase."""

    number: int
    kind: MeetingKind
    group_session: int | None
    starts: datetime
    minutes: int
    phase: Phase

    @property
    def label(self) -> str:
        if self.group_session is not None:
            return f"{MEETING_LABELS[self.kind]} {self.group_session}"
        return MEETING_LABELS[self.kind]


def group_session_days(first_session: date, fmt: GroupFormat = WHO_FORMAT) -> list[date]:
    """The weekly days of the group sessions, from the first."""
    return [first_session + timedelta(weeks=i) for i in range(fmt.group_sessions)]


def _working_day(start: date, later: int) -> date:
    """The working day ``later`` working days after the first working day on or after ``start``."""
    day = start
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for _ in range(later):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def _individual(base: date, at: time, member_index: int, fmt: GroupFormat) -> datetime:
    day = _working_day(base, member_index // fmt.individual_per_day)
    return datetime.combine(day, at) + timedelta(hours=member_index % fmt.individual_per_day)


def member_schedule(
    first_session: date, at: time, member_index: int, fmt: GroupFormat = WHO_FORMAT
) -> list[Meeting]:
    """A member's meetings in date order, numbered as their course counts them.

    ``first_session`` is the day of group session 1, ``at`` the group's wall-clock time and
    ``member_index`` the member's place in the order they joined (0 for the first). Times are
    naive wall-clock times; the caller places them in the service's time zone.
    """
    if not 0 <= member_index < fmt.max_members:
        raise ValueError(f"A group has at most {fmt.max_members} members.")
    days = group_session_days(first_session, fmt)
    plan = phase_plan(fmt.meetings, fmt.variant)
    individual = fmt.individual_minutes
    slots: list[tuple[MeetingKind, int | None, datetime, int]] = [
        (
            MeetingKind.PRE_GROUP,
            None,
            _individual(first_session - timedelta(weeks=1), at, member_index, fmt),
            individual,
        )
    ]
    for number, day in enumerate(days, start=1):
        slots.append((MeetingKind.GROUP, number, datetime.combine(day, at), fmt.group_minutes))
        if number == fmt.mid_group_after:
            mid = _individual(day + timedelta(days=1), at, member_index, fmt)
            slots.append((MeetingKind.MID_GROUP, None, mid, individual))
    closing = _individual(days[-1] + timedelta(weeks=1), at, member_index, fmt)
    slots.append((MeetingKind.CLOSING, None, closing, individual))
    return [
        Meeting(
            number=n,
            kind=kind,
            group_session=session,
            starts=starts,
            minutes=minutes,
            phase=plan.phase_of(n),
        )
        for n, (kind, session, starts, minutes) in enumerate(slots, start=1)
    ]


def joining_problem(members: int, joining: int, fmt: GroupFormat = WHO_FORMAT) -> str:
    """Why ``joining`` more people cannot join a group of ``members``, or "" if they can."""
    if joining < 1:
        return "Choose at least one person to add."
    if members + joining > fmt.max_members:
        room = fmt.max_members - members
        return f"A group has at most {fmt.max_members} members; " + (
            "this group is full." if room <= 0 else f"there is room for {room} more."
        )
    return ""


def size_note(members: int, fmt: GroupFormat = WHO_FORMAT) -> str:
    """What the group's page says about its size, or "" when it is within the usual range."""
    if members < fmt.min_members:
        return (
            f"Groups usually have {fmt.min_members} to {fmt.max_members} members; "
            f"this one has {members}."
        )
    return ""
