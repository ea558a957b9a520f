"""Group IPT in real Chromium: Tess starts a group of six, runs two group sessions (attendance for
everyone, a member's own record), enters a member's PHQ-9 with item 9 above 0 at the second, and
finds the risk alert in her own Needs attention as its owner (issue 14)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.attention.models import Item
from iptclinic.attention.tasks import run_safety_net
from iptclinic.courses.models import SessionRecord
from iptclinic.groups.models import Group
from iptclinic.test import make_client
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_measures_journey import answer

LONDON = ZoneInfo("Europe/London")
JOINING = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
AFTER_SESSION_1 = datetime(2026, 11, 10, 12, 0, tzinfo=LONDON)
AFTER_SESSION_2 = datetime(2026, 11, 17, 12, 0, tzinfo=LONDON)
NAMES = ["Amir", "Bea", "Cal", "Dana", "Eli", "Fay"]
PHQ9_WITH_ITEM_9_AT_1 = ["More than half the days"] * 4 + ["Several days"] * 4 + ["Several days"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(JOINING),
]


def members_section(page: Page):
    return page.locator("#group-session-members")


def member_row(page: Page, name: str):
    return page.locator("table.group-session tbody tr").filter(has_text=f"{name} Groupmember")


def save_member_attendance(page: Page, name: str, label: str, status: str) -> None:
    """Save one member's attendance and wait until the members' section has been swapped in,
    so the next save never starts on a section that is about to be replaced."""
    row = member_row(page, name)
    row.get_by_role("combobox").select_option(label=label)
    with page.expect_response(re.compile(r"/attendance/$")):
        row.get_by_role("button", name=re.compile("^Save")).click()
    expect(member_row(page, name)).to_have_class(re.compile(rf"\bappointment--{status}\b"))


def test_a_facilitator_runs_two_sessions_of_a_group_of_six_and_owns_a_members_risk_alert(
    page: Page, live_server, tess, otto, console_errors, time_machine
):
    for name in NAMES:
        make_client(tess, tess, name, "Groupmember")
    base = live_server.url
    sign_in(page, base, "tess")

    # Start the group and add the six members, before the first session.
    page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_role("link", name="Start a group").click()
    page.get_by_label("Name of the group").fill("Tuesday group")
    page.get_by_label("Otto").check()
    page.get_by_label("First group session on or after").fill("2026-11-09")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Place").fill("Room 2, Riverside Centre")
    page.get_by_label("Group rules").fill("What is said in the group stays in the group.")
    page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday group")
    page.get_by_role("link", name="Add members").click()
    assert_accessible(page)
    for name in NAMES:
        page.get_by_label(re.compile(rf"\b{name} Groupmember,")).check()
    page.get_by_role("button", name="Add to the group").click()
    expect(page.get_by_role("status")).to_contain_text("6 joined the group")
    expect(page.locator("table.group-members tbody tr")).to_have_count(6)
    assert_accessible(page)

    # Group session 1: everyone came; Tess writes Amir's own record.
    # A week later the sign-in has long expired: Tess signs in again, as on any morning.
    group = Group.objects.get()
    time_machine.move_to(AFTER_SESSION_1)
    sign_in(page, base, "tess")
    page.goto(f"{base}/groups/{group.pk}/")
    page.get_by_role("link", name="Group session 1").click()
    with page.expect_response(re.compile(r"/attendance/$")):
        page.get_by_role("button", name=re.compile("^Mark everyone")).click()
    expect(members_section(page)).to_contain_text("Attended: 6 of 6")
    assert_accessible(page)
    member_row(page, "Amir").get_by_role("link", name=re.compile("^Write record")).click()
    page.get_by_label("Notes").fill("Amir named his brother's illness as the change.")
    page.get_by_role("button", name="Save the record", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("is saved")
    assert SessionRecord.objects.get().appointment.course.referral.client.given_name == "Amir"
    page.goto(f"{base}/groups/sessions/{group.sessions.get(number=1).pk}/")
    expect(member_row(page, "Amir")).to_contain_text("Draft")
    expect(members_section(page)).not_to_contain_text("brother")

    # Group session 2: Cal did not come, the others did, one by one.
    time_machine.move_to(AFTER_SESSION_2)
    sign_in(page, base, "tess")
    page.goto(f"{base}/groups/{group.pk}/")
    page.get_by_role("link", name="Group session 2").click()
    save_member_attendance(page, "Cal", "Did not attend", "did_not_attend")
    for name in ("Amir", "Bea", "Dana", "Eli", "Fay"):
        save_member_attendance(page, name, "Attended", "attended")
    expect(members_section(page)).to_contain_text("Attended: 5 of 6")

    # Bea's PHQ-9 answers item 9 with "Several days".
    member_row(page, "Bea").get_by_role("link", name=re.compile("^Record the PHQ-9")).click()
    for number, text in enumerate(PHQ9_WITH_ITEM_9_AT_1, start=1):
        answer(page, number, text)
    answer(page, 10, "Somewhat difficult")
    page.get_by_role("button", name="Save the PHQ-9").click()
    expect(page.get_by_role("status")).to_contain_text("The PHQ-9 is saved")
    page.goto(f"{base}/groups/sessions/{group.sessions.get(number=2).pk}/")
    expect(member_row(page, "Bea")).to_contain_text("Open risk alert")
    expect(member_row(page, "Bea")).to_contain_text("PHQ-9")
    expect(member_row(page, "Amir")).not_to_contain_text("Open risk alert")
    assert_accessible(page)

    # The alert is Tess's, in her own Needs attention.
    run_safety_net.call()
    page.get_by_role("link", name=re.compile("^Needs attention")).click()
    attention = page.locator("table.attention")
    expect(attention).to_contain_text("Risk alert not reviewed")
    expect(attention).to_contain_text("Bea Groupmember")
    item = Item.objects.get(kind="risk_alert", resolved_at__isnull=True)
    assert item.owner == tess
    assert console_errors == []
