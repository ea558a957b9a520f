"""A staff member signs in through a real OpenID provider in Chromium and reaches their caseload."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from iptclinic.accounts.models import ExternalIdentity
from iptclinic.audit.models import AuditEvent
from tests.openid_provider import Account, openid_provider  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_therapist_signs_in_with_single_sign_on_and_reaches_her_caseload(
    page: Page,
    live_server,
    settings,
    tess,
    cara,
    console_errors,
    openid_provider,  # noqa: F811
):
    tess.email = "tess.therapist@nhs.example"
    tess.save(update_fields=["email"])
    provider = openid_provider(
        live_server.url,
        {
            "555512345678": Account(
                "smartcard-pin", {"email": "tess.therapist@nhs.example", "email_verified": True}
            )
        },
    )
    settings.IPTCLINIC_OIDC_PROVIDERS = provider.settings(
        IPTCLINIC_OIDC_STAFF_LABEL="Sign in with your NHS Care Identity"
    )
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Sign in with your NHS Care Identity").click()

    # At the provider: its own sign-in and consent pages.
    expect(page.get_by_role("heading", name="Test identity provider: sign in")).to_be_visible()
    page.get_by_label("Login").fill("555512345678")
    page.get_by_label("Secret").fill("smartcard-pin")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Test identity provider: allow access")).to_be_visible()
    page.get_by_role("button", name="Allow").click()

    # Back at IPT Clinic, signed in as Tess, without a password.
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Cara Whitfield")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out Tess")).to_be_visible()
    assert ExternalIdentity.objects.get().user == tess
    assert AuditEvent.objects.filter(actor=tess, action="signin.sso").count() == 1

    # Signing out ends the session; the next visit asks again.
    page.get_by_role("button", name="Sign out Tess").click()
    page.goto(base + reverse("courses:caseload"))
    expect(page.get_by_role("heading", name="Sign in to IPT Clinic")).to_be_visible()
    assert console_errors == []
