"""Sessions and responses: nothing cached, an absolute lifetime, a clean sign-out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.middleware import SIGNED_IN_AT
from iptclinic.accounts.models import User
from iptclinic.test import PASSWORD, VerifiedClient, fresh_totp_code

CASELOAD = "/caseload/"


def signed_in_as(user: User) -> HttpClient:
    browser = VerifiedClient()
    browser.force_login(user)
    return browser


def test_a_signed_in_page_is_never_stored_by_a_browser_or_proxy(tess: User) -> None:
    response = signed_in_as(tess).get(CASELOAD)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_redirects_and_errors_to_a_signed_in_person_are_not_stored_either(tess: User) -> None:
    browser = signed_in_as(tess)

    for response in (browser.get("/"), browser.get("/clients/999999/")):
        assert response.status_code in (302, 404)
        assert "no-store" in response["Cache-Control"]


def test_signing_in_records_when_in_the_session(client: HttpClient, tess: User) -> None:
    client.post("/accounts/login/", {"username": "tess", "password": PASSWORD})

    signed_in_at = client.session[SIGNED_IN_AT]
    assert abs(timezone.now() - timezone.datetime.fromisoformat(signed_in_at)) < timedelta(
        seconds=5
    )


def test_an_active_session_ends_twelve_hours_after_sign_in(
    client: HttpClient, tess: User, time_machine: Any
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    client.post("/accounts/login/", {"username": "tess", "password": PASSWORD})
    client.post("/accounts/second-factor/", {"code": fresh_totp_code(tess)})

    # Busy all day: a page every 25 minutes keeps the idle timeout (30 minutes) away.
    for _ in range(28):  # 11 hours 40 minutes
        time_machine.shift(timedelta(minutes=25))
        assert client.get(CASELOAD).status_code == 200
    time_machine.shift(timedelta(minutes=20))  # 12 hours after signing in

    response = client.get(CASELOAD, follow=True)

    assert response.redirect_chain[0] == ("/accounts/login/?next=/caseload/", 302)
    page = response.content.decode()
    assert "You were signed out because you had been signed in for 12 hours." in page
    assert "_auth_user_id" not in client.session


def test_the_lifetime_is_configurable(tess: User, time_machine: Any, settings: Any) -> None:
    settings.IPTCLINIC_SESSION_MAX_HOURS = 1
    time_machine.move_to(timezone.now(), tick=False)
    browser = signed_in_as(tess)
    for _ in range(2):
        time_machine.shift(timedelta(minutes=29))
        assert browser.get(CASELOAD).status_code == 200

    time_machine.shift(timedelta(minutes=2))

    assert browser.get(CASELOAD).status_code == 302


def test_a_session_without_a_sign_in_time_is_ended(tess: User) -> None:
    browser = signed_in_as(tess)
    session = browser.session
    del session[SIGNED_IN_AT]
    session.save()

    response = browser.get(CASELOAD)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_out_clears_the_browsers_copy_of_the_site(tess: User) -> None:
    browser = signed_in_as(tess)

    response = browser.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response["Cache-Control"]
    assert browser.get(CASELOAD).status_code == 302


def test_messages_that_name_people_stay_on_the_server_not_in_a_cookie(
    tess: User, lee: User
) -> None:
    browser = signed_in_as(lee)

    response = browser.post(reverse("accounts:release_account", args=[tess.pk]))

    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "Tess can sign in again." in browser.get(response["Location"]).content.decode()


def test_development_mode_answers_only_this_computer(client: HttpClient) -> None:
    for address in ("127.0.0.1", "127.0.0.5", "::1"):
        assert client.get("/accounts/login/", REMOTE_ADDR=address).status_code == 200
    for address in ("192.0.2.10", "10.0.0.4", "2001:db8::1", "unknown"):
        response = client.get("/accounts/login/", REMOTE_ADDR=address)
        assert response.status_code == 403
        assert "development mode" in response.content.decode()


@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
def test_trace_is_refused_everywhere(client: HttpClient, tess: User, method: str) -> None:
    client.force_login(tess)
    response = client.generic(method, "/caseload/")
    assert response.status_code == 405
    assert b"Tess" not in response.content


def session_expires_at(browser: HttpClient) -> timezone.datetime:
    return Session.objects.get(session_key=browser.session.session_key).expire_date


def test_pages_move_the_idle_deadline_at_most_once_a_minute(tess: User, time_machine: Any) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    browser = signed_in_as(tess)
    assert browser.get(CASELOAD).status_code == 200
    deadline = session_expires_at(browser)

    time_machine.shift(timedelta(seconds=50))
    assert browser.get(CASELOAD).status_code == 200
    assert session_expires_at(browser) == deadline  # no write for this page

    time_machine.shift(timedelta(seconds=20))
    assert browser.get(CASELOAD).status_code == 200
    assert session_expires_at(browser) == deadline + timedelta(seconds=70)


def test_a_session_idle_for_thirty_minutes_is_signed_out(tess: User, time_machine: Any) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    browser = signed_in_as(tess)
    assert browser.get(CASELOAD).status_code == 200
    time_machine.shift(timedelta(seconds=59))
    assert browser.get(CASELOAD).status_code == 200  # within the minute: deadline not moved

    # Thirty minutes after the last page the session has ended (at most a minute sooner).
    time_machine.shift(timedelta(minutes=29, seconds=2))

    response = browser.get(CASELOAD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_visitor_who_never_signed_in_gets_no_stored_session(client: HttpClient, db: None) -> None:
    sessions = Session.objects.count()

    assert client.get("/accounts/login/").status_code == 200
    assert Session.objects.count() == sessions
