"""A group of six of Tess's clients: they join on 2 November 2026, the first group session is on
Tuesday 10 November at 10:00, and the clock then stands at noon on 17 November, after session 2."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from iptclinic.groups import services
from iptclinic.groups.models import Group
from iptclinic.test import make_client

LONDON = ZoneInfo("Europe/London")
JOINING = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
AFTER_SESSION_2 = datetime(2026, 11, 17, 12, 0, tzinfo=LONDON)
NAMES = ["Amir", "Bea", "Cal", "Dana", "Eli", "Fay"]


def new_group(tess, **extra) -> Group:
    return services.create_group(
        actor=tess,
        team=tess.team,
        name="Tuesday group",
        lead_facilitator=tess,
        start_date=date(2026, 11, 9),
        weekday=1,
        session_time=time(10, 0),
        place="Room 2, Riverside Centre",
        rules="What is said in the group stays in the group.",
        **extra,
    )


@pytest.fixture
def group(tess, otto, time_machine) -> Group:
    time_machine.move_to(JOINING)
    group = new_group(tess, co_facilitators=[otto])
    members = [make_client(tess, tess, name, "Groupmember") for name in NAMES]
    services.add_members(group, actor=tess, referrals=[m.referrals.get() for m in members])
    time_machine.move_to(AFTER_SESSION_2)
    return group
