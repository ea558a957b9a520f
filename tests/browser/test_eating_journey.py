"""The eating log in real Chromium: Tess records two sessions of an IPT-ED course, the second with
more vomiting, sees both in the table and finds the rise in "Needs attention" (issue 14)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.eating.tests.helpers import ed_course, sessions
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/London"))),
]


def test_tess_enters_two_sessions_of_the_eating_log_and_finds_the_rise_in_purging(
    page: Page, live_server, tess, cara, console_errors
):
    course = ed_course(cara, tess, attended=2)
    first, second = sessions(course)
    base = live_server.url
    sign_in(page, base, "tess")
    page.goto(f"{base}/clients/{cara.pk}/")
    page.get_by_role("link", name="Eating log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eating log")
    assert_accessible(page)

    for appointment, binges, sick in ((first, "6", "1"), (second, "4", "5")):
        page.get_by_label("Session", exact=True).select_option(str(appointment.pk))
        page.get_by_label("Binge episodes").fill(binges)
        page.get_by_label("Making themselves sick").fill(sick)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("The eating log is saved")

    table = page.get_by_role("table")
    expect(table.get_by_role("row").nth(1)).to_contain_text("6")
    expect(table.get_by_role("row").nth(2)).to_contain_text("5")
    expect(page.get_by_text("Not recorded")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Binge episodes").fill("300")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a number from 0 to 200.")
    expect(page.get_by_label("Binge episodes")).to_have_value("300")
    assert_accessible(page)

    page.get_by_role("link", name="Needs attention").first.click()
    expect(page.get_by_role("cell", name="Scores reliably worse")).to_contain_text(
        "rose from 1 to 5 a week"
    )
    page.get_by_role("link", name="Open the eating log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eating log")
    assert not console_errors
