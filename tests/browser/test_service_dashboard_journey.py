"""Running the service in real Chromium: the service lead picks a period, opens the list behind a
figure and downloads the figures as CSV (issue 13, item 4)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.courses import services as course_services
from iptclinic.ipt.attendance import Attendance
from iptclinic.test import attend_next
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(datetime(2026, 12, 1, 11, 0, tzinfo=ZoneInfo("Europe/London"))),
]


def test_a_lead_picks_a_period_opens_a_figures_list_and_downloads_the_csv(
    page: Page, live_server, lee, tess, cara, cara_course, console_errors
):
    first, second = attend_next(cara_course, tess, 2)
    course_services.set_attendance(second, actor=tess, status=Attendance.DID_NOT_ATTEND)
    sign_in(page, live_server.url, "lee")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Running the service"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Running the service")
    assert_accessible(page)

    page.get_by_label("Last 3 months").check()
    page.get_by_role("button", name="Show the figures").click()
    table = page.get_by_role("table", name="All appointments")
    expect(table).to_contain_text("1 of 2 (50.0%)")
    assert_accessible(page)

    table.get_by_role("link", name="1 of 2 (50.0%)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Did not attend: appointments in the period"
    )
    expect(page.get_by_role("table")).to_contain_text("Cara Whitfield")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the figures").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the figures as CSV").click()
    text = download.value.path().read_text()
    assert text.startswith("period_start,period_end,section,figure,group,numerator,denominator")
    assert "Attendance,Did not attend,All,1,2,50.0" in text
