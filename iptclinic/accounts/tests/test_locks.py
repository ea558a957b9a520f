"""The service lead's sign-in locks: their own team's people, and places shown shortened."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client as HttpClient
from django.urls import reverse

from iptclinic.accounts.locks import address_key, shortened
from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.test import PASSWORD, VerifiedClient

LOCKS = "/accounts/locks/"


def fail_five_times(username: str, address: str) -> None:
    stranger = HttpClient()
    for n in range(5):
        stranger.post(
            "/accounts/login/",
            {"username": username, "password": f"wrong-{n}"},
            REMOTE_ADDR=address,
        )


def signed_in_as(user: User) -> HttpClient:
    browser = VerifiedClient()
    browser.force_login(user)
    return browser


def test_the_lead_sees_locked_people_of_their_team_only(tess: User, hana: User, lee: User) -> None:
    fail_five_times("tess", "127.0.0.21")
    fail_five_times("hana", "127.0.0.22")

    page = signed_in_as(lee).get(LOCKS).content.decode()

    assert "Tess" in page
    assert reverse("accounts:release_account", args=[tess.pk]) in page
    assert "hana" not in page.lower()


def test_places_are_shown_shortened_and_never_in_full(tess: User, lee: User) -> None:
    for n in range(5):
        fail_five_times(f"guess-{n}", "127.0.0.23")

    page = signed_in_as(lee).get(LOCKS).content.decode()

    assert "127.0.0.…" in page
    assert "127.0.0.23" not in page
    assert address_key("127.0.0.23") in page  # what the release button sends instead


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("203.0.113.45", "203.0.113.…"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3:8d3:…"),
        ("2001:db8::1", "2001:db8:0:0:…"),
    ],
)
def test_an_address_is_shortened_to_its_network(address: str, shown: str) -> None:
    assert shortened(address) == shown


def test_releasing_a_place_is_audited_without_the_address(tess: User, lee: User) -> None:
    fail_five_times("guess", "127.0.0.24")
    refused = HttpClient().post(
        "/accounts/login/", {"username": "tess", "password": PASSWORD}, REMOTE_ADDR="127.0.0.24"
    )
    assert refused.status_code == 429

    response = signed_in_as(lee).post(
        reverse("accounts:release_address"), {"address": address_key("127.0.0.24")}, follow=True
    )

    assert "Signing in from that address works again." in response.content.decode()
    event = AuditEvent.objects.get(action="signin_lock.release_address")
    assert event.actor == lee
    assert "127.0.0" not in str(event.detail)
    assert not AccessAttempt.objects.filter(ip_address="127.0.0.24").exists()
    again = HttpClient().post(
        "/accounts/login/", {"username": "tess", "password": PASSWORD}, REMOTE_ADDR="127.0.0.24"
    )
    assert again.status_code == 302


def test_releasing_a_lock_that_has_ended_says_so(lee: User) -> None:
    response = signed_in_as(lee).post(
        reverse("accounts:release_address"), {"address": address_key("127.0.0.25")}, follow=True
    )

    assert "That lock had already ended." in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="signin_lock").exists()


def test_a_lead_cannot_release_someone_in_another_team(hana: User, lee: User) -> None:
    fail_five_times("hana", "127.0.0.26")

    response = signed_in_as(lee).post(reverse("accounts:release_account", args=[hana.pk]))

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(username="hana").exists()


@pytest.mark.parametrize("who", ["tess", "otto", "sam", "hana", "cara_user"])
def test_only_service_leads_reach_the_locks(who: str, request: Any, lee: User) -> None:
    fail_five_times("lee", "127.0.0.27")
    browser = signed_in_as(request.getfixturevalue(who))

    assert browser.get(LOCKS).status_code == 404
    assert browser.post(reverse("accounts:release_account", args=[lee.pk])).status_code == 404
    assert (
        browser.post(
            reverse("accounts:release_address"), {"address": address_key("127.0.0.27")}
        ).status_code
        == 404
    )
    assert AccessAttempt.objects.filter(username="lee").count() == 1


def test_the_lead_finds_the_locks_from_the_team_settings(lee: User) -> None:
    page = signed_in_as(lee).get(reverse("measures:team_settings")).content.decode()

    assert f'href="{LOCKS}"' in page
