"""Reading the audit in real Chromium (issue 10): a lead looks up who opened a client's record in
a given week and sees an out-of-caseload access flagged; a service user sees who has looked at
their record, in plain words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.audit.services import record
from tests.browser.conftest import assert_accessible, sign_in

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
MONDAY_BEFORE = datetime(2026, 11, 23, 9, 30, tzinfo=LONDON)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(NOW),
]


@pytest.fixture
def last_week(time_machine, tess, sam, otto, cara):
    """Tess opens Cara's session record on Monday, Sam her page on Tuesday, and Otto, who has
    nothing to do with Cara, opens her page on Wednesday evening."""
    for moment, who, page in [
        (MONDAY_BEFORE, tess, "session_record"),
        (MONDAY_BEFORE + timedelta(days=1), sam, "client"),
        (MONDAY_BEFORE + timedelta(days=2, hours=9), otto, "client"),
    ]:
        time_machine.move_to(moment, tick=False)
        record(actor=who, action="client.view", client=cara, detail={"page": page})
    time_machine.move_to(NOW)


def test_a_lead_finds_who_opened_a_record_in_a_week_and_sees_an_outsider_flagged(
    page: Page, live_server, lee, cara, otto, last_week, console_errors
):
    sign_in(page, live_server.url, "lee")
    page.goto(f"{live_server.url}/clients/{cara.pk}/")
    page.get_by_role("link", name="Who has looked at this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Who has looked at {cara.full_name}'s record"
    )
    page.get_by_label("From").fill("2026-11-23")
    page.get_by_label("To").fill("2026-11-29")
    page.get_by_role("button", name="Show").click()

    rows = page.locator("table.audit-lines tbody tr")
    expect(rows).to_have_count(3)
    outsider = rows.filter(has_text=otto.display_name)
    expect(outsider).to_contain_text("Not on their caseload")
    expect(outsider).to_contain_text("Opened a client not on their caseload")
    expect(outsider).to_contain_text("25 Nov 2026, 18:30")
    expect(rows.filter(has_text="Tess")).to_contain_text("Allocated therapist")
    expect(rows.filter(has_text="Tess")).to_contain_text("Looked at a session record")
    expect(rows.filter(has_text="Sam")).to_contain_text("Supervisor of the allocated therapist")
    expect(rows.filter(has_text="Sam")).not_to_contain_text("not on their caseload")
    assert_accessible(page)

    # From the flagged line to what Otto did that week.
    outsider.get_by_role("link", name=otto.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Activity of {otto.display_name}")
    expect(page.locator("table.audit-lines")).to_contain_text(cara.full_name)
    assert_accessible(page)

    page.get_by_role("link", name="Audit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unusual access")
    assert_accessible(page)
    assert console_errors == []


def test_a_service_user_sees_their_therapists_visit_in_plain_words(
    page: Page, live_server, cara_user, tess, last_week, console_errors
):
    sign_in(page, live_server.url, cara_user.username)
    page.get_by_role("link", name="See who has looked at your record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at your record")
    therapist = page.locator("table.who-looked tbody tr").filter(has_text="23 November 2026")
    expect(therapist).to_contain_text(tess.display_name)
    expect(therapist).to_contain_text("Your therapist")
    expect(therapist).to_contain_text("Looked at your record")
    expect(page.locator("table.who-looked")).to_contain_text("Another member of staff")
    assert_accessible(page)

    # Usable on a small phone: no sideways scrolling at 320 px.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    # Printable: the header and navigation drop away.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text("Your therapist").first).to_be_visible()
    assert console_errors == []
