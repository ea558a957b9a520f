"""The second factor in real Chromium: a service user signs in with her app's code. (A new
therapist setting up an app and a passkey is the invitation journey.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_service_user_signs_in_with_her_authenticator_app(
    page: Page, live_server, cara_user, console_errors
):
    sign_in(page, live_server.url, "cara")
    expect(page).to_have_url(re.compile(r"/portal/"))
    expect(page.get_by_role("heading", name="Keeping your account safe")).to_be_visible()
    assert not console_errors, console_errors
