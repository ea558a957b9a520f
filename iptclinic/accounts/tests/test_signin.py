"""Throttled sign-in: the 30-wrong-passwords probe of issue 9, told as stories.

Five wrong passwords for one username, or from one address, lock it for 30 minutes (the
defaults); the right password is then refused until the cool-off ends or a service lead releases
the lock. Every refusal says the same words, and a locked or busy refusal checks no password.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.accounts.signin import client_address, password_checks, refusal_message
from iptclinic.audit.models import AuditEvent
from iptclinic.test import PASSWORD, VerifiedClient

LOGIN = "/accounts/login/"
WORDS = refusal_message()


def sign_in(client: HttpClient, username: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: HttpClient) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def password_checks_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each username whose password Django's ModelBackend checked (the costly hash)."""
    checked: list[str] = []
    original = ModelBackend.authenticate

    def counting(self: ModelBackend, request: Any, username: Any = None, **kwargs: Any) -> Any:
        checked.append(username)
        return original(self, request, username=username, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    yield checked


def test_thirty_wrong_passwords_lock_the_account_until_the_cool_off_ends(
    client: HttpClient, tess: User, time_machine: Any, password_checks_run: list[str]
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    answers = [sign_in(client, "tess", f"wrong-{n}").status_code for n in range(30)]

    # Four plain refusals, then the fifth failure locks: every later try is refused at once.
    assert answers == [200] * 4 + [429] * 26
    assert len(password_checks_run) == 5
    refused = sign_in(client, "tess", PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)
    assert len(password_checks_run) == 5  # the right password was never even checked

    time_machine.shift(timedelta(minutes=29))
    assert sign_in(client, "tess", PASSWORD).status_code == 429
    assert not signed_in(client)

    time_machine.shift(timedelta(minutes=2))
    response = sign_in(client, "tess", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_service_leads_release_lets_the_right_password_in_at_once(
    client: HttpClient, tess: User, lee: User
) -> None:
    for n in range(30):
        sign_in(client, "tess", f"wrong-{n}")
    assert sign_in(client, "tess", PASSWORD).status_code == 429

    lead = VerifiedClient()
    lead.force_login(lee)
    released = lead.post(reverse("accounts:release_account", args=[tess.pk]), follow=True)

    assert "Tess can sign in again." in released.content.decode()
    event = AuditEvent.objects.get(action="signin_lock.release_account")
    assert event.actor == lee
    assert event.object_id == str(tess.pk)
    assert event.detail == {"user_id": tess.pk, "attempts_cleared": 1}
    assert sign_in(client, "tess", PASSWORD).status_code == 302
    assert signed_in(client)


def test_every_refusal_says_the_same_words(client: HttpClient, tess: User) -> None:
    tess_inactive = User.objects.filter(pk=tess.pk)
    unknown = sign_in(client, "nobody-by-this-name", PASSWORD)
    wrong = sign_in(client, "tess", "not-her-password", address="127.0.0.2")
    for n in range(5):
        sign_in(client, "otto-who-does-not-exist", f"wrong-{n}", address="127.0.0.3")
    locked = sign_in(client, "otto-who-does-not-exist", "wrong", address="127.0.0.3")
    tess_inactive.update(is_active=False)
    inactive = sign_in(client, "tess", PASSWORD, address="127.0.0.4")

    for response in (unknown, wrong, locked, inactive):
        page = response.content.decode()
        assert WORDS in page
        assert "locked" not in page.lower()
        assert "does not exist" not in page.lower()
    assert "After 5 wrong tries, signing in stops for 30 minutes" in WORDS


def test_a_locked_sign_in_answers_429_with_retry_after_the_cool_off(
    client: HttpClient, tess: User
) -> None:
    for n in range(5):
        sign_in(client, "tess", f"wrong-{n}")

    response = sign_in(client, "tess", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(30 * 60)
    assert 'value="tess"' in response.content.decode()  # the username stays in its box


def test_one_address_trying_many_usernames_is_locked_for_every_account(
    client: HttpClient, tess: User, password_checks_run: list[str]
) -> None:
    for n in range(5):
        sign_in(client, f"guess-{n}", "password1", address="127.0.0.9")

    from_there = sign_in(client, "tess", PASSWORD, address="127.0.0.9")
    assert from_there.status_code == 429
    assert not signed_in(client)
    assert password_checks_run == [f"guess-{n}" for n in range(5)]

    # Her own account is not locked: from anywhere else she signs in.
    assert sign_in(client, "tess", PASSWORD, address="127.0.0.10").status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client: HttpClient, tess: User) -> None:
    for n in range(4):
        sign_in(client, "tess", f"wrong-{n}")
    assert sign_in(client, "tess", PASSWORD).status_code == 302

    assert not AccessAttempt.objects.filter(username="tess").exists()


def test_signing_in_to_ones_own_account_clears_no_count_against_another(
    client: HttpClient, tess: User, otto: User
) -> None:
    for n in range(4):
        sign_in(client, "tess", f"wrong-{n}")
    assert sign_in(client, "otto", PASSWORD).status_code == 302  # an account of one's own
    client.logout()

    assert sign_in(client, "tess", "wrong-4").status_code == 429
    assert sign_in(client, "tess", PASSWORD).status_code == 429


def test_when_every_password_check_is_busy_a_sign_in_is_refused_at_once(
    client: HttpClient, tess: User, settings: Any, password_checks_run: list[str]
) -> None:
    settings.IPTCLINIC_SIGNIN_CONCURRENCY = 2
    slots = password_checks.slots()
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)
    try:
        response = sign_in(client, "tess", PASSWORD)
    finally:
        slots.release()
        slots.release()

    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert WORDS in response.content.decode()
    assert password_checks_run == []
    assert not AccessAttempt.objects.exists()  # a busy refusal counts against nobody
    assert sign_in(client, "tess", PASSWORD).status_code == 302


def test_the_sign_in_page_itself_is_never_refused(client: HttpClient, tess: User) -> None:
    for n in range(5):
        sign_in(client, "tess", f"wrong-{n}")

    assert client.get(LOGIN, REMOTE_ADDR="127.0.0.1").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "127.0.0.1"),  # no proxy: the header is anyone's to write
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is ignored
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "127.0.0.1"),  # shorter than the proxies promise
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_address_counted_is_the_one_the_outermost_trusted_proxy_saw(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.IPTCLINIC_TRUSTED_PROXIES = proxies
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_behind_a_proxy_each_real_address_is_counted_apart(
    client: HttpClient, tess: User, settings: Any
) -> None:
    settings.IPTCLINIC_TRUSTED_PROXIES = 1
    for n in range(5):
        client.post(
            LOGIN,
            {"username": f"guess-{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    other = client.post(
        LOGIN, {"username": "tess", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 302
