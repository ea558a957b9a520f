"""A lead invites a new therapist from the people page; the therapist sets a password from the
emailed link, sets up an authenticator app and a passkey at the first sign-in, and signs in again
with the passkey (issue 9), in real Chromium."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.test import totp_code
from tests.browser.conftest import (
    add_passkey,
    sign_in,
    sign_out,
    use_passkey,
    virtual_authenticator,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "riverside-kettle-lantern-9"  # noqa: S105 - test only


def test_a_lead_invites_a_therapist_who_sets_up_an_app_and_a_passkey_and_signs_in(
    page: Page, passkey_origin, lee, sam, mailoutbox, console_errors
):
    base = passkey_origin
    virtual_authenticator(page)
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

    # First sign-in: an authenticator app, set up from the key shown as text.
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/set-up/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    vic = User.objects.get(username="vic.osei@example.org")
    device = TOTPDevice.objects.get(user=vic, confirmed=False)
    key = "".join(page.locator("#totp-secret").inner_text().split())
    assert b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Check the code").click()

    # Then a passkey, made by Chromium's virtual authenticator.
    expect(page.get_by_role("heading", name="Your authenticator app is set up")).to_be_visible()
    add_passkey(page)
    expect(page.get_by_text("You have added 1 passkey.")).to_be_visible()
    assert WebAuthnCredential.objects.filter(user=vic, confirmed=True).count() == 1
    page.get_by_role("button", name="Continue").click()

    # Ten recovery codes, shown once; then the caseload.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out Vic Osei")).to_be_visible()
    sign_out(page)

    # Again: the password, then the passkey instead of a code.
    page.get_by_label("Username").fill("vic.osei@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Check it is you")).to_be_visible()
    use_passkey(page)
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    actions = set(AuditEvent.objects.filter(actor=vic).values_list("action", flat=True))
    assert {
        "account.create",
        "second_factor.device_added",
        "second_factor.recovery_codes_made",
    } <= actions
    assert console_errors == []
