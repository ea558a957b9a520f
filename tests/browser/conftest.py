"""Helpers for browser journeys: sign in, and fail on any console error (a CSP breach shows there)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page

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


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
