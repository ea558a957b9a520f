"""Contact and concerns on a phone (issue 11, items 7 and 8), in real Chromium at 375 x 812:
Cara sends a message, Tess finds it in "Needs attention" and answers it, Cara sees it answered;
Cara asks about an entry of "who has looked at my record" and Lee finds her question."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_a_message_reaches_the_therapist_who_answers_it_and_a_question_reaches_the_lead(
    page: Page, live_server, tess, lee, cara, cara_user, console_errors
):
    base = live_server.url
    page.set_viewport_size(PHONE)

    # Cara sends a message from her phone.
    sign_in(page, base, "cara")
    page.goto(f"{base}/portal/")
    page.get_by_role("link", name=re.compile("^Send a message, tell us what you think")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact us")
    expect(page.get_by_role("region", name="If you need help now")).to_contain_text("999")
    assert_accessible(page)
    page.get_by_role("link", name="Send a message to your therapist").click()
    expect(page.get_by_text("This is not for emergencies").first).to_be_visible()
    page.get_by_role("button", name="Send the message").click()  # empty: refused, kept on page
    expect(page.get_by_role("alert")).to_contain_text("Write your message before you send it.")
    assert_accessible(page)
    page.get_by_label("Your message").fill("Could we meet an hour later next Thursday?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We have your message")
    crisis = page.get_by_role("region", name="If you need help now")
    assert crisis.bounding_box()["y"] < page.get_by_role("heading", level=1).bounding_box()["y"]
    assert_accessible(page)
    _sign_out(page)

    # Tess finds it in Needs attention, reads it and marks it answered.
    sign_in(page, base, "tess")
    page.goto(f"{base}/attention/")
    queue = page.locator("table.attention")
    expect(queue).to_contain_text("A message from a client")
    expect(queue).to_contain_text("Cara Whitfield")
    queue.get_by_role("link", name=re.compile("^Read it")).click()
    expect(page.get_by_text("Could we meet an hour later next Thursday?")).to_be_visible()
    page.get_by_label("How was it answered?").fill("Phoned Cara: moved to 11 am.")
    page.get_by_role("button", name="Mark as answered").click()
    expect(page.get_by_text("Answered by Tess")).to_be_visible()
    page.goto(f"{base}/attention/")
    expect(page.locator("table.attention")).to_have_count(0)
    _sign_out(page)

    # Cara sees it was answered, then asks about Tess's look at her record.
    sign_in(page, base, "cara")
    page.goto(f"{base}/portal/contact/")
    expect(page.locator("table.who-looked")).to_contain_text("Yes, on")
    page.goto(f"{base}/portal/who-has-looked/")
    row = page.locator("table.who-looked tbody tr").filter(has_text="Tess").first
    row.get_by_role("link", name=re.compile("^Ask about this")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask about this")
    assert_accessible(page)
    page.get_by_label("Your question").fill("Why was my record opened that day?")
    page.get_by_role("button", name="Send your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your question has been sent")
    assert_accessible(page)
    page.goto(f"{base}/portal/contact/")
    expect(page.get_by_text(re.compile("about Tess .*not answered yet"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _sign_out(page)

    # Lee, the service lead, finds the question.
    sign_in(page, base, "lee")
    page.goto(f"{base}/attention/")
    queue = page.locator("table.attention")
    expect(queue).to_contain_text("A client asked who looked at their record")
    queue.get_by_role("link", name=re.compile("^Read the question")).click()
    expect(page.get_by_text("Why was my record opened that day?")).to_be_visible()
    expect(page.get_by_role("link", name="what they did that day")).to_be_visible()
    assert console_errors == []
