"""Maintenance IPT in real Chromium: Tess opens Cara's ended course, whose ending agreed
maintenance, starts maintenance IPT from it and sees sessions every four weeks at the same time,
with both courses linked (issue 14)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.courses.models import Course
from iptclinic.courses.tests.maintenance_helpers import ended_acute_course
from tests.browser.conftest import assert_accessible, sign_in

LONDON = ZoneInfo("Europe/London")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # A Wednesday in the autumn: the maintenance sessions cross the change back to GMT.
    pytest.mark.time_machine(datetime(2026, 10, 7, 12, 0, tzinfo=LONDON)),
]


def test_tess_starts_maintenance_after_an_ended_course_and_sees_monthly_dates(
    page: Page, live_server, tess, cara, console_errors
):
    acute = ended_acute_course(cara, tess)
    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/clients/{cara.pk}/")
    acute_section = page.locator(f"#course-{acute.pk}")
    acute_section.get_by_role("link", name="Start maintenance IPT").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start maintenance IPT")
    expect(page.get_by_label("Number of sessions")).to_have_value("12")
    expect(page.get_by_label("Time")).to_have_value("10:00")
    assert_accessible(page)
    page.get_by_label("Number of sessions").fill("6")
    page.get_by_role("button", name="Start maintenance IPT").click()

    expect(page.get_by_role("status")).to_contain_text("Maintenance IPT is open")
    maintenance = Course.objects.get(continues=acute)
    section = page.locator(f"#course-{maintenance.pk}")
    expect(section).to_contain_text("Continues the course from")
    expect(section).to_contain_text("Maintenance IPT")
    expect(page.locator(f"#course-{acute.pk}")).to_contain_text("Continued by Maintenance IPT")
    dates = [a.starts_at.astimezone(LONDON) for a in maintenance.appointments.order_by("starts_at")]
    rows = section.locator("table.appointments tbody tr")
    expect(rows).to_have_count(6)
    for index, moment in enumerate(dates[:3]):
        expect(rows.nth(index)).to_contain_text(f"{moment:%a} {moment.day} {moment:%b %Y}, 10:00")
    assert {(b.date() - a.date()).days for a, b in zip(dates, dates[1:], strict=False)} == {28}
    assert_accessible(page)
    assert not console_errors
