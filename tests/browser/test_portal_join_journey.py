"""Joining the portal on a phone (issue 11, item 1): Tess invites Cara by email from her client
page; Cara opens the link, sees her username, sets a password, is offered a second factor and
reaches her portal page. In real Chromium at 375 x 812."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from iptclinic.audit.models import AuditEvent
from iptclinic.notifications.channels import Recording
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "harbour-thistle-copper-72"  # noqa: S105 - test only


def test_tess_invites_cara_by_email_and_cara_joins_on_her_phone(
    page: Page, live_server, tess, cara, console_errors, settings
):
    settings.IPTCLINIC_BASE_URL = live_server.url
    cara.email = "cara@example.org"
    cara.save(update_fields=["email"])
    page.set_viewport_size({"width": 375, "height": 812})

    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/clients/{cara.pk}/")
    page.get_by_role("link", name="Invite to the portal").click()
    expect(page.get_by_role("heading", name="Invite Cara Whitfield to the portal")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send by email to cara@example.org").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent by email")
    expect(page.get_by_role("heading", name="An invitation is waiting")).to_be_visible()
    sign_out(page)

    (message,) = Recording.outbox  # what the email channel sent (tests record every message)
    assert message.address == "cara@example.org"
    words = (message.subject + message.body).replace(cara.team.name, "the team")
    assert not re.search(r"therap|\bIPT\b|mental|Cara|Whitfield", words, re.I)
    link = re.search(r"https?://\S+/portal/join/link/\S+/", message.body).group(0)

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/portal/join/set-up/$"))
    expect(page.get_by_role("heading", name="Set up your account")).to_be_visible()
    username = page.locator(".join-username").inner_text()
    assert username.startswith("cara")
    assert_accessible(page)
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("Type the password again").fill("short")
    page.get_by_role("button", name="Set up my account").click()
    expect(page.get_by_role("alert")).to_contain_text("too short")
    assert_accessible(page)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set up my account").click()

    expect(page.get_by_role("heading", name="Your account is ready")).to_be_visible()
    expect(page.get_by_role("link", name="Add a second way to sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Not now, go to your page").click()
    expect(page.get_by_role("heading", name="Hello Cara")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    assert console_errors == []

    # The link works once: opened again, it says so (HTTP 410) and asks for a new one.
    sign_out(page)
    page.goto(link)
    expect(
        page.get_by_role("heading", name="This link or code has already been used")
    ).to_be_visible()
    expect(page.get_by_text("for a new link or code")).to_be_visible()
    assert_accessible(page)

    cara.refresh_from_db()
    assert cara.portal_user is not None and cara.portal_user.username == username
    actions = list(
        AuditEvent.objects.filter(client=cara, action__startswith="portal.invitation").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["portal.invitation_sent", "portal.invitation_used"]
    assert len(console_errors) == 1 and "status of 410" in console_errors[0], console_errors


def test_cara_types_a_printed_code_on_her_phone(
    page: Page, live_server, tess, cara, console_errors
):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/portal/invitations/{cara.pk}/")
    page.get_by_role("button", name="Print a one-time code").click()
    expect(
        page.get_by_role("heading", name=re.compile("^Set up your account with"))
    ).to_be_visible()
    assert_accessible(page)
    code = page.locator(".join-code").inner_text()
    page.goto(f"{live_server.url}/portal/invitations/{cara.pk}/")
    sign_out(page)

    page.goto(f"{live_server.url}/portal/join/")
    assert_accessible(page)
    page.get_by_label("Your code").fill("WRONG123")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    assert_accessible(page)
    page.get_by_label("Your code").fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/portal/join/set-up/$"))
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set up my account").click()
    page.get_by_role("link", name="Add a second way to sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/set-up/"))
    cara.refresh_from_db()
    assert cara.portal_user is not None
    assert console_errors == []
