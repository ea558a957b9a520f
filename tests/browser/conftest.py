"""Helpers for browser journeys: sign in, and fail on any console error (a CSP breach shows there)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from iptclinic.accounts.models import User
from iptclinic.test import PASSWORD, fresh_totp_code, give_authenticator_app


@pytest.fixture
def console_errors(page: Page) -> Iterator[list[str]]:
    errors: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", collect)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Sign in as a real person does: the password, then the code of their authenticator app
    (the persona has one with a known key; the test computes its code as the app would)."""
    person = User.objects.get(username=username)
    give_authenticator_app(person)
    sign_in_with_password(page, base_url, username)
    page.get_by_label("Code").fill(fresh_totp_code(person))
    page.get_by_role("button", name="Continue").click()


def sign_in_with_password(page: Page, base_url: str, username: str) -> None:
    """Only the first step: what follows is up to the test."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation on the page as it stands."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def appointment_rows(page: Page):
    return page.locator("table.appointments tbody tr")


def set_attendance(page: Page, row_index: int, status_label: str) -> None:
    """Save one appointment's attendance on the client page and wait until the course section
    has been swapped in. The response arrives before htmx swaps it in: a second save started on
    the old section would be lost in the swap."""
    row = appointment_rows(page).nth(row_index)
    (status,) = row.get_by_role("combobox").select_option(label=status_label)
    with page.expect_response(re.compile(r"/attendance/$")):
        row.get_by_role("button", name=re.compile("^Save")).click()
    expect(appointment_rows(page).nth(row_index)).to_have_class(
        re.compile(rf"\bappointment--{status}\b")
    )


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


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


def press_passkey_button(page: Page, name: str, started_event: str) -> None:
    """Press a passkey button ("Add a passkey", "Use a passkey") once its script listens.

    The passkey package's scripts show the button a moment before they attach its click handler,
    so a click that comes at once can fall in between and do nothing; a person never clicks that
    fast. The scripts announce a start with an event (``started_event``): the click is repeated
    until that event is seen.
    """
    page.evaluate(
        "event => document.addEventListener(event, () => { window.passkeyStarted = true; })",
        started_event,
    )
    for _ in range(10):
        page.get_by_role("button", name=name).click()
        try:
            page.wait_for_function("window.passkeyStarted === true", timeout=500)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"The passkey script behind {name!r} never started.")


def add_passkey(page: Page) -> None:
    press_passkey_button(page, "Add a passkey", "otp_webauthn.register_start")


def use_passkey(page: Page) -> None:
    press_passkey_button(page, "Use a passkey", "otp_webauthn.verification_start")
