"""The second factor in real Chromium: a new therapist sets up an app and a passkey at first
sign-in and signs in again with the passkey; a service user signs in with her app's code."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from iptclinic.audit.models import AuditEvent
from iptclinic.test import totp_code
from tests.browser.conftest import sign_in, sign_in_with_password, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def passkey_origin(live_server, settings):
    """Passkeys belong to a domain name: the live server is reached as localhost."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    return settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]


def virtual_authenticator(page: Page) -> str:
    """A platform authenticator in Chromium (Chrome DevTools Protocol) that always verifies."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return added["authenticatorId"]


def test_a_new_therapist_sets_up_an_app_and_a_passkey_then_signs_in_with_the_passkey(
    page: Page, passkey_origin, tess, console_errors
):
    base = passkey_origin
    virtual_authenticator(page)

    # First sign-in: the password, then setting up the app from the key shown as text.
    sign_in_with_password(page, base, "tess")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/set-up/"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    device = TOTPDevice.objects.get(user=tess, confirmed=False)
    from base64 import b32decode

    key = "".join(secret.split())
    assert b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Check the code").click()

    # Then a passkey, made by Chromium's virtual authenticator.
    expect(page.get_by_role("heading", name="Your authenticator app is set up")).to_be_visible()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("You have added 1 passkey.")).to_be_visible()
    assert WebAuthnCredential.objects.filter(user=tess, confirmed=True).count() == 1
    page.get_by_role("button", name="Continue").click()

    # Ten recovery codes, shown once; then the caseload.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    sign_out(page)

    # Again: the password, then the passkey instead of a code.
    sign_in_with_password(page, base, "tess")
    expect(page.get_by_role("heading", name="Check it is you")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    actions = set(AuditEvent.objects.filter(actor=tess).values_list("action", flat=True))
    assert {"second_factor.device_added", "second_factor.recovery_codes_made"} <= actions
    assert not console_errors, console_errors


def test_a_service_user_signs_in_with_her_authenticator_app(
    page: Page, live_server, cara_user, console_errors
):
    sign_in(page, live_server.url, "cara")
    expect(page).to_have_url(re.compile(r"/portal/"))
    expect(page.get_by_role("heading", name="Keeping your account safe")).to_be_visible()
    assert not console_errors, console_errors
