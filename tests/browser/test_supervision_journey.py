"""Supervision in real Chromium: Sam records a meeting with Tess that discusses Cara and Jonah,
hears Cara's recording and sets an action; Tess finds the action in "Needs attention" and opens
the record (issue 13)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.supervision.tests.helpers import scene
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/London"))),
]


def test_sam_records_a_meeting_and_tess_finds_the_action_and_opens_the_record(
    page: Page, live_server, tess, sam, cara, console_errors
):
    s = scene(tess, cara)
    base = live_server.url
    sign_in(page, base, "sam")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("heading", level=2, name="Tess")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a meeting with Tess").click()
    cara_group = page.get_by_role("group", name="Cara Whitfield")
    cara_group.get_by_label("Discussed Cara Whitfield").check()
    cara_group.get_by_label("Session discussed").select_option(label=s["cara_label"])
    cara_group.get_by_label("Note about Cara Whitfield").fill("Talked about her sister.")
    page.get_by_role("group", name="Jonah Price").get_by_label("Discussed Jonah Price").check()
    page.get_by_label(f"Cara Whitfield: {s['cara_label']}").check()
    page.get_by_label("What was agreed").fill("Keep to the role transition.")
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("What to do").fill("Send Cara the relapse leaflet.")
    action.get_by_label("Due by").fill("2026-11-20")
    assert_accessible(page)
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting is recorded")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision on 18 November 2026")
    sign_out(page)

    sign_in(page, base, "tess")
    page.get_by_role("link", name="Needs attention").first.click()
    expect(page.get_by_role("cell", name="An action from supervision")).to_contain_text(
        "Send Cara the relapse leaflet."
    )
    page.get_by_role("link", name="Open the supervision record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision on 18 November 2026")
    expect(page.get_by_text("Talked about her sister.")).to_be_visible()
    expect(page.get_by_role("link", name="Jonah Price")).to_be_visible()
    expect(page.get_by_text("Keep to the role transition.")).to_be_visible()
    assert_accessible(page)
    assert not console_errors
