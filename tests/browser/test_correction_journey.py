"""A therapist corrects a client's phone number, in real Chromium: the reason is asked, the page
says it was corrected, and the history shows the old number, the new one and why (H-069)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from iptclinic.clients import services as client_services
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Cara gave her new mobile number at the session."


def test_a_therapist_corrects_a_phone_number_and_finds_the_old_one_in_the_history(
    page: Page, live_server, tess, cara, console_errors
):
    client_services.update_client_details(
        cara, actor=tess, changes={"phone": "0117 496 0001"}, expected_version=1, reason="Given."
    )
    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/clients/{cara.pk}/")
    page.get_by_role("link", name="Edit details").click()

    # Without a reason nothing is saved, and the new number stays in the form.
    page.get_by_label("Phone").fill("07700 900123")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what changed and why")
    expect(page.get_by_label("Phone")).to_have_value("07700 900123")
    assert_accessible(page)

    page.get_by_label("What changed, and why?").fill(REASON)
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", name="Cara Whitfield", level=1)).to_be_visible()
    expect(page.get_by_text("Corrected on")).to_contain_text(f"by {tess.display_name}")
    assert_accessible(page)

    page.get_by_role("link", name="History of the client's details").click()
    expect(page.get_by_role("heading", name="History of the client's details")).to_be_visible()
    newest = page.locator(".history-version").first
    expect(newest).to_contain_text(REASON)
    row = newest.get_by_role("row", name="Phone")
    expect(row).to_contain_text("0117 496 0001")
    expect(row).to_contain_text("07700 900123")
    assert_accessible(page)
    assert console_errors == []
