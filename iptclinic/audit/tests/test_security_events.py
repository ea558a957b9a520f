"""Security events in the same chained log (H-062, H-063): sign-in at each step, failed and
refused sign-ins, lock-outs, sign-out, wrong second-factor codes, refused access; each with the
request's session, address and browser, and never a typed username or password."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.test import RequestFactory

from iptclinic.accounts.models import User
from iptclinic.audit import context
from iptclinic.audit.models import AuditEvent
from iptclinic.audit.services import record
from iptclinic.clients.models import Client
from iptclinic.test import PASSWORD, give_authenticator_app, totp_code

LOGIN = "/accounts/login/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings: Any) -> None:
    """Development answers only this computer: the sign-ins come through one trusted proxy."""
    settings.IPTCLINIC_TRUSTED_PROXIES = 1


def sign_in(client: HttpClient, username: str, password: str) -> Any:
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
        HTTP_USER_AGENT=FIREFOX,
    )


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def nothing_typed_in(event: AuditEvent, *typed: str) -> None:
    stored = json.dumps(
        [event.detail, event.object_id, event.object_type, event.session_ref, event.user_agent]
    )
    for text in typed:
        assert text not in stored


@pytest.mark.django_db
def test_a_password_sign_in_is_recorded_with_session_address_and_browser(
    unverified_client: HttpClient, tess: User
) -> None:
    sign_in(unverified_client, "tess", PASSWORD)

    event = last("signin.password")
    session_key = unverified_client.session.session_key
    assert (event.actor, event.team_id) == (tess, tess.team_id)
    assert event.address == "203.0.113.0/24"
    assert event.user_agent == "Firefox 133 / Windows"
    assert len(event.session_ref) == 16
    assert event.session_ref not in session_key and session_key not in event.session_ref
    # The session's later events share its reference.
    unverified_client.post("/accounts/logout/", HTTP_USER_AGENT=FIREFOX)
    assert last("signout").session_ref == event.session_ref


@pytest.mark.django_db
def test_a_failed_sign_in_names_the_account_but_never_what_was_typed(
    unverified_client: HttpClient, tess: User
) -> None:
    sign_in(unverified_client, "tess", "wrong-horse-battery")

    event = last("signin.failed")
    assert event.actor is None
    assert event.team_id == tess.team_id
    assert event.detail == {"account_id": tess.pk}
    nothing_typed_in(event, "wrong-horse-battery", "tess")


@pytest.mark.django_db
def test_a_failed_sign_in_with_no_such_account_names_nobody(unverified_client: HttpClient) -> None:
    sign_in(unverified_client, "my-password-by-mistake", "x")

    event = last("signin.failed")
    assert (event.actor, event.team, event.detail, event.chain) == (None, None, {}, "service")
    nothing_typed_in(event, "my-password-by-mistake")


@pytest.mark.django_db
def test_the_failure_that_locks_is_recorded_then_each_refused_try(
    unverified_client: HttpClient, tess: User
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(unverified_client, "tess", f"wrong-{n}")
    sign_in(unverified_client, "tess", PASSWORD)
    sign_in(unverified_client, "tess", PASSWORD)

    actions = list(
        AuditEvent.objects.filter(action__startswith="signin.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.count("signin.failed") == settings.AXES_FAILURE_LIMIT
    assert actions.count("signin.locked_out") == 1
    assert actions[-2:] == ["signin.refused_locked", "signin.refused_locked"]
    assert "signin.password" not in actions
    assert last("signin.locked_out").detail == {"account_id": tess.pk}


@pytest.mark.django_db
def test_the_second_factor_passed_and_failed_are_recorded(
    unverified_client: HttpClient, tess: User
) -> None:
    device = give_authenticator_app(tess)
    unverified_client.force_login(tess)

    unverified_client.post("/accounts/second-factor/", {"code": "123456"})
    failed = last("second_factor.failed")
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    unverified_client.post("/accounts/second-factor/", {"code": totp_code(device)})

    assert (failed.actor, failed.detail) == (tess, {"kind": "app"})
    passed = last("signin.second_factor")
    assert (passed.actor, passed.detail) == (tess, {"kind": "app", "device_id": device.pk})
    nothing_typed_in(failed, "123456")


@pytest.mark.django_db
def test_sign_out_is_recorded(client: HttpClient, tess: User) -> None:
    client.force_login(tess)

    client.post("/accounts/logout/")

    assert last("signout").actor == tess


@pytest.mark.django_db
def test_otto_opening_tesss_client_is_a_refused_access_with_the_url_but_no_query(
    client: HttpClient, otto: User, cara: Client
) -> None:
    client.force_login(otto)

    response = client.get(f"/clients/{cara.pk}/?search=Cara+Smith")

    assert response.status_code == 404
    event = last("access.refused")
    assert event.actor == otto
    assert event.team_id == otto.team_id
    assert event.detail == {
        "url_name": "clients:detail",
        "kwargs": {"client_id": str(cara.pk)},
        "method": "GET",
    }
    nothing_typed_in(event, "Cara", "search")


@pytest.mark.django_db
def test_a_page_that_does_not_exist_is_not_a_refused_access(client: HttpClient, otto: User) -> None:
    client.force_login(otto)

    assert client.get("/no-such-page/").status_code == 404

    assert not AuditEvent.objects.filter(action="access.refused").exists()


@pytest.mark.django_db
def test_a_signed_out_visitor_is_sent_to_sign_in_and_nothing_is_refused(
    client: HttpClient, cara: Client
) -> None:
    client.get(f"/clients/{cara.pk}/")

    assert not AuditEvent.objects.filter(action="access.refused").exists()


@pytest.mark.django_db
def test_background_work_has_no_session_address_or_browser(tess: User) -> None:
    event = record(actor=tess, action="job.ran")

    assert (event.session_ref, event.address, event.user_agent) == ("", "", "")


@pytest.mark.parametrize(
    ("address", "mode", "kept"),
    [
        ("203.0.113.77", "full", "203.0.113.77"),
        ("203.0.113.77", "truncated", "203.0.113.0/24"),
        ("203.0.113.77", "none", ""),
        ("2001:db8:abcd:12:1:2:3:4", "full", "2001:db8:abcd:12:1:2:3:4"),
        ("2001:db8:abcd:12:1:2:3:4", "truncated", "2001:db8:abcd::/48"),
        ("2001:db8:abcd:12:1:2:3:4", "none", ""),
        ("not-an-address", "full", ""),
        (None, "truncated", ""),
    ],
)
def test_the_address_is_kept_as_the_service_says(address: str | None, mode: str, kept: str) -> None:
    assert context.kept_address(address, mode) == kept


def test_the_address_follows_the_trusted_proxies_as_sign_in_does(settings: Any) -> None:
    settings.IPTCLINIC_TRUSTED_PROXIES = 1
    settings.IPTCLINIC_AUDIT_ADDRESS = "full"
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"
    )

    assert context.from_request(request).address == "198.51.100.9"


def test_an_unreadable_browser_is_other_and_the_raw_string_is_never_kept() -> None:
    assert context.user_agent_family("") == ""
    assert context.user_agent_family("curl/8.5.0 secret-device-id-123") == "curl 8 / Other"
    assert "secret" not in context.user_agent_family("curl/8.5.0 secret-device-id-123")


def test_a_refused_access_keeps_object_ids_but_not_a_token_from_a_link() -> None:
    from iptclinic.audit.middleware import _ids

    assert _ids({"client_id": 12, "course_id": "7", "token": "abc-secret", "kind": "letters"}) == {
        "client_id": "12",
        "course_id": "7",
        "token": "(not kept)",
        "kind": "(not kept)",
    }
