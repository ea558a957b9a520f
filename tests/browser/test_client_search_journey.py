"""A service lead finds a client among many, in real Chromium: by part of a name, by what stands
with their course, and page by page, with the search kept in the address (issue 12)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from iptclinic.clients.selectors import PAGE_SIZE
from iptclinic.test import make_client, open_course_for
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The course filter, not "Phase of an open course" (labels match on part of their words).
COURSE = re.compile(r"^Course")


def test_a_lead_finds_a_client_by_name_by_course_and_page_by_page(
    page: Page, live_server, lee, tess, cara, console_errors
):
    open_course_for(cara, tess)
    for number in range(PAGE_SIZE + 5):
        make_client(lee, None, f"Person{number:03d}", "Waiting")
    sign_in(page, live_server.url, "lee")

    page.get_by_role("link", name="Find a client").click()
    expect(page.get_by_role("heading", name="Find a client", level=1)).to_be_visible()
    results = page.locator("#client-results")
    expect(results.get_by_role("link", name="Next page")).to_be_visible()
    assert_accessible(page)

    # Part of her family name, in any case: only Cara, with her therapist and her course.
    page.get_by_label("Name or NHS number").fill("whitf")
    page.get_by_role("button", name="Search").click()
    expect(results.get_by_role("link", name="Cara Whitfield")).to_be_visible()
    expect(results.get_by_role("row")).to_have_count(2)  # the header and Cara
    expect(results).to_contain_text(tess.display_name)
    assert "text=whitf" in page.url  # a search can be kept and shared as a link
    assert_accessible(page)

    # Everyone waiting for a course, a page at a time: the next page holds the rest.
    page.get_by_label("Name or NHS number").fill("")
    page.get_by_label(COURSE).select_option(label="Waiting for a course")
    page.get_by_role("button", name="Search").click()
    expect(results.get_by_role("row")).to_have_count(PAGE_SIZE + 1)
    expect(results.get_by_role("link", name="Cara Whitfield")).to_have_count(0)
    results.get_by_role("link", name="Next page").click()
    expect(results.get_by_role("row")).to_have_count(5 + 1)
    expect(results.get_by_role("link", name="Previous page")).to_be_visible()
    expect(page.get_by_label(COURSE)).to_have_value("waiting")
    assert_accessible(page)

    results.get_by_role("link", name="Person054 Waiting").click()
    expect(page.get_by_role("heading", name="Person054 Waiting", level=1)).to_be_visible()
    assert console_errors == []
