"""Leaving a page with unsaved typing asks first, in forms that htmx swaps in place too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_row_typed_in_place_is_guarded_until_it_is_saved(
    page: Page, live_server, tess, cara_course, console_errors
):
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    sign_in(page, live_server.url, "tess")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.goto(f"{live_server.url}/courses/{cara_course.pk}/inventory/")
    leave = page.get_by_role("link", name="Timeline").first

    # The row opened by htmx is clean until something is typed in it.
    page.get_by_role("link", name="Add a person or group").click()
    name = page.get_by_label("Name or pseudonym")
    expect(name).to_be_focused()
    page.keyboard.type("Jo")
    with page.expect_event("dialog"):
        leave.click()
    expect(name).to_have_value("Jo")

    # Sent with a mistake, it comes back still holding what was typed: still unsaved.
    page.get_by_label("Ring now").fill("9")
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.get_by_role("alert")).to_be_visible()
    with page.expect_event("dialog"):
        leave.click()

    # Once saved, leaving does not ask.
    page.get_by_label("Who they are").select_option(label="Friend")
    page.get_by_label("Ring now").fill("2")
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.locator(".person__name", has_text="Jo")).to_be_visible()
    leave.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    assert asked == ["beforeunload", "beforeunload"]
    assert console_errors == []
