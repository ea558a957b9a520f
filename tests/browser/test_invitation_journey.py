"""A lead invites a new therapist from the people page; the therapist sets a password from the
emailed link and signs in (issue 9), in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "riverside-kettle-lantern-9"  # noqa: S105 - test only


def test_a_lead_invites_a_therapist_who_sets_a_password_and_signs_in(
    page: Page, live_server, lee, sam, mailoutbox, console_errors
):
    base = live_server.url
    sign_in(page, base, "lee")
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name=re.compile("^People in"))).to_be_visible()
    page.get_by_role("link", name="Invite a member of staff").click()
    page.get_by_label("First name").fill("Vic")
    page.get_by_label("Last name").fill("Osei")
    page.get_by_label("Email").fill("vic.osei@example.org")
    page.get_by_label("IPT therapist").check()
    page.get_by_label("Their supervisor").select_option(label="Sam")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent")
    expect(page.get_by_role("cell", name="vic.osei@example.org")).to_be_visible()
    sign_out(page)

    link = re.search(r"https?://\S+/accounts/welcome/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Welcome to IPT Clinic")).to_be_visible()
    page.locator("#id_password1").fill("short")
    page.get_by_label("New password again").fill("short")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("alert")).to_contain_text("too short")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    expect(page.get_by_role("status")).to_contain_text("Your password is set")
    page.get_by_label("Username").fill("vic.osei@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out Vic Osei")).to_be_visible()
    assert console_errors == []
