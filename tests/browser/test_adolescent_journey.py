"""IPT for adolescents in real Chromium: Tess records Jade's mum with Jade's consent, makes one
appointment a parent session and another a session with Mum and Jade, records attendance and sees
on the schedule that the parent session is an extra outside the contract (issue 14).

The weekly risk check reaching "Needs attention" is tested without a browser:
``iptclinic/attention/tests/test_weekly_risk_check.py``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.ipt.variants import Variant
from iptclinic.test import make_client, open_course_for
from tests.browser.conftest import appointment_rows, assert_accessible, set_attendance, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # A Wednesday: the course opened three weeks before has sessions at 10:00 from 28 October.
    pytest.mark.time_machine(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/London"))),
]


def test_tess_records_jades_mum_and_a_parent_session_outside_the_contract(
    page: Page, live_server, tess, console_errors
):
    jade = make_client(tess, tess, "Jade", "Example", date_of_birth=date(2011, 5, 2))
    open_course_for(jade, tess, weeks_ago=3, contracted=12, variant=Variant.IPT_A)
    base = live_server.url
    sign_in(page, base, "tess")
    page.goto(f"{base}/clients/{jade.pk}/")
    expect(page.get_by_text("0 of 3 parent or carer sessions held")).to_be_visible()

    page.get_by_role("link", name="Parents and carers").click()
    expect(page.get_by_text("No parent or carer is recorded.")).to_be_visible()
    page.get_by_label("Name").fill("Helen Example")
    page.get_by_label("Relationship").fill("Mum")
    page.get_by_label("Has parental responsibility").check()
    page.get_by_label("Phone").fill("07700 900456")
    page.get_by_label("Preferred contact method").select_option(label="Text message")
    page.get_by_label("Consent to involve them given on").fill("2026-11-11")
    page.get_by_label("Consent to contact them given on").fill("2026-11-11")
    assert_accessible(page)
    page.get_by_role("button", name="Add the parent or carer").click()
    expect(page.get_by_role("status")).to_contain_text("The parent or carer is saved")
    carer_row = page.locator("table.carers tbody tr").first
    expect(carer_row).to_contain_text("Agreed 11 Nov 2026")
    expect(carer_row).to_contain_text("07700 900456")
    assert_accessible(page)

    # The second appointment (4 November) becomes a session with Mum alone.
    page.get_by_role("link", name="Back to Jade's page").click()
    appointment_rows(page).nth(1).get_by_role("link", name=re.compile("^Who attends")).click()
    page.get_by_label("Who attends").select_option(label="The parent or carer alone")
    page.get_by_label("Parent or carer").select_option(label="Helen Example (Mum)")
    assert_accessible(page)
    page.get_by_role("button", name="Save who attends").click()
    expect(page.get_by_role("status")).to_contain_text("Who attends is saved")

    # The fifth (25 November) is with Mum and Jade together.
    appointment_rows(page).nth(4).get_by_role("link", name=re.compile("^Who attends")).click()
    page.get_by_label("Who attends").select_option(label="The client with their parent or carer")
    page.get_by_label("Parent or carer").select_option(label="Helen Example (Mum)")
    page.get_by_role("button", name="Save who attends").click()
    expect(appointment_rows(page).nth(4)).to_contain_text("With Mum and Jade")

    for index in range(3):
        set_attendance(page, index, "Attended")
    rows = appointment_rows(page)
    expect(rows.nth(0).get_by_role("cell").nth(1)).to_have_text("1 of 12")
    expect(rows.nth(1)).to_contain_text("Parent or carer session with Mum")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("Extra, not in the contract")
    expect(rows.nth(2).get_by_role("cell").nth(1)).to_have_text("2 of 12")
    summary = page.locator(".course-summary").first
    expect(summary).to_contain_text("Session 2 of 12")
    expect(summary).to_contain_text("1 of 3 parent or carer sessions held")
    assert_accessible(page)
    assert not console_errors
