"""The second factor: enrolment at first sign-in, the step after the password, recovery codes,
re-authentication before sensitive actions, and a lead's reset (issue 9)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from iptclinic.accounts import mfa
from iptclinic.audit.models import AuditEvent
from iptclinic.test import PASSWORD, give_authenticator_app, totp_code


def code_from_page(response) -> str:
    """Read the key shown for people who cannot scan, and compute the code an app would show."""
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', response.content.decode())
    assert secret, "the set-up page shows the key as text"
    device = TOTPDevice.objects.get(confirmed=False)
    from base64 import b32decode

    key = "".join(secret.group(1).split())
    assert b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    return totp_code(device)


def test_a_therapist_without_a_device_is_sent_to_set_one_up_from_any_page(unverified_client, tess):
    unverified_client.force_login(tess)
    response = unverified_client.get("/clients/new/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/set-up/?next=%2Fclients%2Fnew%2F"


def test_sign_out_and_static_files_are_open_before_the_second_factor(unverified_client, tess):
    unverified_client.force_login(tess)
    assert unverified_client.get("/static/css/app.css").status_code != 302
    response = unverified_client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"


def test_a_therapist_sets_up_an_app_then_gets_ten_recovery_codes_once(
    unverified_client, tess, time_machine
):
    unverified_client.force_login(tess)
    page = unverified_client.get("/accounts/second-factor/set-up/?next=/clients/new/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    wrong = unverified_client.post("/accounts/second-factor/set-up/", {"code": "000000"})
    assert "That code did not work" in wrong.content.decode()
    time_machine.move_to(timezone.now() + timedelta(seconds=5))  # after the wait a wrong code adds
    done = unverified_client.post(
        "/accounts/second-factor/set-up/", {"code": code_from_page(page), "next": "/clients/new/"}
    )
    assert done["Location"] == "/accounts/second-factor/set-up/passkey/?next=/clients/new/"
    assert unverified_client.get("/clients/new/").status_code == 200  # verified now
    finished = unverified_client.post(
        "/accounts/second-factor/set-up/finish/", {"next": "/clients/new/"}
    )
    codes = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", finished.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=tess).values_list("token", flat=True)
    )
    again = unverified_client.post("/accounts/second-factor/set-up/finish/", {"next": "/"})
    assert again.status_code == 302, "the codes are shown once"
    actions = list(AuditEvent.objects.filter(actor=tess).values_list("action", flat=True))
    assert "second_factor.device_added" in actions
    assert "second_factor.recovery_codes_made" in actions
    assert not any(code in str(AuditEvent.objects.values_list("detail")) for code in codes)


def test_a_therapist_with_an_app_enters_its_code_after_the_password(unverified_client, tess):
    device = give_authenticator_app(tess)
    unverified_client.force_login(tess)
    response = unverified_client.get("/clients/new/")
    assert response["Location"] == "/accounts/second-factor/?next=%2Fclients%2Fnew%2F"
    assert unverified_client.get("/accounts/second-factor/set-up/").status_code == 302
    wrong = unverified_client.post("/accounts/second-factor/", {"code": "123456"})
    assert "That code did not work" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    key_after_password = unverified_client.cookies[settings.SESSION_COOKIE_NAME].value
    right = unverified_client.post(
        "/accounts/second-factor/", {"code": totp_code(device), "next": "/clients/new/"}
    )
    assert right["Location"] == "/clients/new/"
    assert unverified_client.get("/clients/new/").status_code == 200
    # The session key seen before the second factor is worth nothing after it.
    assert unverified_client.cookies[settings.SESSION_COOKIE_NAME].value != key_after_password
    assert not Session.objects.filter(session_key=key_after_password).exists()


def test_a_recovery_code_works_once_and_its_use_is_audited(unverified_client, tess):
    give_authenticator_app(tess)
    code = mfa.new_recovery_codes(tess, actor=tess)[0]
    unverified_client.force_login(tess)
    used = unverified_client.post("/accounts/second-factor/", {"code": code.upper()})
    assert used["Location"] == "/"
    event = AuditEvent.objects.get(action="second_factor.recovery_code_used")
    assert event.detail["left"] == 9
    unverified_client.logout()
    unverified_client.force_login(tess)
    again = unverified_client.post("/accounts/second-factor/", {"code": code})
    assert again.status_code == 200


def test_the_next_address_must_be_on_this_site(unverified_client, tess):
    device = give_authenticator_app(tess)
    unverified_client.force_login(tess)
    response = unverified_client.post(
        "/accounts/second-factor/",
        {"code": totp_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_a_service_user_without_a_device_is_not_asked_for_one(unverified_client, cara_user):
    unverified_client.force_login(cara_user)
    assert unverified_client.get("/portal/").status_code == 200


def test_a_service_user_who_set_one_up_must_pass_it(unverified_client, cara_user):
    give_authenticator_app(cara_user)
    unverified_client.force_login(cara_user)
    assert unverified_client.get("/portal/")["Location"].startswith("/accounts/second-factor/")


def test_a_single_sign_on_trusted_for_multi_factor_counts_as_the_second_factor(
    unverified_client, tess
):
    give_authenticator_app(tess)
    unverified_client.force_login(tess)
    session = unverified_client.session
    session[mfa.SSO_VERIFIED] = True
    session.save()
    assert unverified_client.get("/clients/new/").status_code == 200


def test_an_htmx_request_is_sent_to_the_second_factor_by_htmx(unverified_client, tess):
    unverified_client.force_login(tess)
    response = unverified_client.get("/clients/new/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/second-factor/set-up/")


# Re-authentication before sensitive actions


def test_reallocation_asks_again_after_ten_minutes(client, lee, cara, otto, time_machine):
    client.force_login(lee)
    url = f"/clients/{cara.pk}/allocate/"
    assert client.get(url).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    response = client.get(url)
    assert (
        response["Location"]
        == f"/accounts/second-factor/confirm/?next=%2Fclients%2F{cara.pk}%2Fallocate%2F"
    )


def test_a_late_post_is_not_carried_out_and_leads_back_to_the_form(
    client, lee, cara, otto, time_machine
):
    client.force_login(lee)
    url = f"/clients/{cara.pk}/allocate/"
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    response = client.post(
        url,
        {"therapist": otto.pk, "reason": "Caseload."},
        headers={"referer": f"http://testserver{url}"},
    )
    assert (
        response["Location"]
        == f"/accounts/second-factor/confirm/?next=%2Fclients%2F{cara.pk}%2Fallocate%2F"
    )
    cara.refresh_from_db()
    assert cara.therapist.username == "tess"
    device = TOTPDevice.objects.get(user=lee)
    confirmed = client.post(
        "/accounts/second-factor/confirm/", {"code": totp_code(device), "next": url}
    )
    assert confirmed["Location"] == url
    assert client.get(url).status_code == 200


def test_the_outcomes_export_asks_again_after_ten_minutes(client, lee, time_machine):
    client.force_login(lee)
    assert client.get("/reports/outcomes.csv").status_code == 200
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert client.get("/reports/outcomes.csv")["Location"].startswith(
        "/accounts/second-factor/confirm/"
    )


def test_a_service_user_without_a_device_confirms_with_their_password(unverified_client, cara_user):
    unverified_client.force_login(cara_user)
    page = unverified_client.get("/accounts/second-factor/devices/")
    assert page["Location"].startswith("/accounts/second-factor/confirm/")
    wrong = unverified_client.post("/accounts/second-factor/confirm/", {"password": "nope"})
    assert "That password did not work" in wrong.content.decode()
    right = unverified_client.post(
        "/accounts/second-factor/confirm/",
        {"password": PASSWORD, "next": "/accounts/second-factor/devices/"},
    )
    assert right["Location"] == "/accounts/second-factor/devices/"
    assert unverified_client.get(right["Location"]).status_code == 200


def test_the_confirmation_page_takes_a_password_exactly_as_typed(unverified_client, cara_user):
    unusual = "  tab\there and spaces  "
    cara_user.set_password(unusual)
    cara_user.save()
    unverified_client.force_login(cara_user)
    right = unverified_client.post(
        "/accounts/second-factor/confirm/",
        {"password": unusual, "next": "/accounts/second-factor/devices/"},
    )
    assert right["Location"] == "/accounts/second-factor/devices/"


def test_wrong_passwords_on_the_confirmation_page_count_towards_the_lock(
    unverified_client, cara_user
):
    unverified_client.force_login(cara_user)
    for n in range(5):
        unverified_client.post("/accounts/second-factor/confirm/", {"password": f"wrong-{n}"})
    locked = unverified_client.post(
        "/accounts/second-factor/confirm/",
        {"password": PASSWORD, "next": "/accounts/second-factor/devices/"},
    )
    # Locked: the throttle answers as the sign-in page does, and nothing is confirmed.
    assert locked.status_code == 429
    assert not mfa.confirmed_recently(locked.wsgi_request)


# Managing one's own devices


def test_new_recovery_codes_replace_the_old_ones(client, tess):
    client.force_login(tess)
    old = mfa.new_recovery_codes(tess, actor=tess)
    response = client.post("/accounts/second-factor/devices/recovery-codes/")
    new = re.findall(r"<li><code>([a-z0-9]{10})</code></li>", response.content.decode())
    assert len(new) == 10
    assert not set(old) & set(
        StaticToken.objects.filter(device__user=tess).values_list("token", flat=True)
    )


def passkey_for(user, name: str = "Passkey") -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=f"{name}-{user.pk}".encode(),
        public_key=b"key",
        sign_count=0,
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def test_a_person_removes_a_passkey_and_it_is_audited(client, tess):
    client.force_login(tess)
    passkey = passkey_for(tess)
    response = client.post(f"/accounts/second-factor/devices/passkeys/{passkey.pk}/remove/")
    assert response["Location"] == "/accounts/second-factor/devices/"
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    event = AuditEvent.objects.get(action="second_factor.device_removed")
    assert event.detail == {"kind": "passkey", "device_id": passkey.pk}


def test_staff_cannot_remove_their_only_way_to_sign_in(client, tess):
    client.force_login(tess)
    TOTPDevice.objects.filter(user=tess).delete()
    passkey = passkey_for(tess)
    client.post(f"/accounts/second-factor/devices/passkeys/{passkey.pk}/remove/")
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_otto_gets_404_on_tesss_passkey(client, tess, otto):
    passkey = passkey_for(tess)
    client.force_login(otto)
    response = client.post(f"/accounts/second-factor/devices/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 404


def test_adding_a_passkey_needs_a_recent_confirmation_once_a_device_exists(
    client, tess, time_machine
):
    client.force_login(tess)
    begin = "/accounts/second-factor/passkeys/registration/begin/"
    assert client.post(begin).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    refused = client.post(begin)
    assert refused.status_code == 403
    assert refused.json()["code"] == "confirm_first"


def test_a_passkey_never_signs_anyone_in_without_the_password(unverified_client):
    begin = "/accounts/second-factor/passkeys/authentication/begin/"
    assert unverified_client.post(begin).status_code == 403


# A service lead resets someone's second factor


def test_a_lead_resets_a_therapists_second_factor_and_their_sessions_end(
    client, unverified_client, lee, tess
):
    give_authenticator_app(tess)
    mfa.new_recovery_codes(tess, actor=tess)
    passkey_for(tess)
    unverified_client.force_login(tess)
    assert Session.objects.count() == 1
    client.force_login(lee)
    response = client.post(f"/accounts/second-factor/reset/{tess.pk}/", {"next": "/"})
    assert response.status_code == 302
    assert not mfa.has_second_factor(tess)
    assert Session.objects.count() == 1, "Tess's session ended; Lee's goes on"
    event = AuditEvent.objects.get(action="second_factor.reset")
    assert event.actor == lee
    assert event.detail == {"user_id": tess.pk, "removed": 3}
    unverified_client.force_login(tess)
    assert unverified_client.get("/")["Location"].startswith("/accounts/second-factor/set-up/")


def test_a_lead_cannot_reset_their_own_nor_another_teams(client, lee, hana):
    client.force_login(lee)
    assert client.post(f"/accounts/second-factor/reset/{lee.pk}/").status_code == 404
    assert client.post(f"/accounts/second-factor/reset/{hana.pk}/").status_code == 404
    assert mfa.has_second_factor(lee)


def test_otto_gets_404_on_resetting_tess(client, otto, tess):
    give_authenticator_app(tess)
    client.force_login(otto)
    assert client.post(f"/accounts/second-factor/reset/{tess.pk}/").status_code == 404
    assert mfa.has_second_factor(tess)


def test_a_reset_needs_a_recent_confirmation(client, lee, tess, time_machine):
    give_authenticator_app(tess)
    client.force_login(lee)
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    response = client.post(f"/accounts/second-factor/reset/{tess.pk}/", {"next": "/"})
    assert response["Location"] == "/accounts/second-factor/confirm/?next=%2F"
    assert mfa.has_second_factor(tess)


# The demo


def test_demo_code_prints_the_current_code_outside_production(tess):
    device = give_authenticator_app(tess)
    out = StringIO()
    call_command("demo_code", "tess", stdout=out)
    assert out.getvalue().strip() == totp_code(device)


def test_demo_code_refuses_in_production(tess, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_code", "tess", stdout=StringIO())


def test_confirmed_at_in_the_future_is_not_recent(client, tess):
    client.force_login(tess)
    session = client.session
    session[mfa.CONFIRMED_AT] = (timezone.now() + timedelta(hours=1)).isoformat()
    session.save()
    assert client.get("/accounts/second-factor/devices/").status_code == 302


def test_the_passkey_scripts_have_their_words_before_they_run(unverified_client, client, tess):
    """The translations load as a plain script, before the passkey module: loaded "async" (the
    library's own way) the module could run first and fail with "gettext is not defined"."""
    give_authenticator_app(tess)
    WebAuthnCredential.objects.create(
        user=tess,
        name="Passkey",
        confirmed=True,
        credential_id=b"a-passkey-of-tess",
        public_key=b"not-a-real-key",
        sign_count=0,
        aaguid="00000000-0000-0000-0000-000000000000",
    )
    unverified_client.force_login(tess)
    client.force_login(tess)
    for response in (
        unverified_client.get("/accounts/second-factor/"),
        client.get("/accounts/second-factor/devices/"),
    ):
        html = response.content.decode()
        catalog = re.search(r"<script[^>]*src=\"[^\"]*i18n[^\"]*\"[^>]*>", html)
        module = re.search(r"<script type=\"module\"[^>]*otp_webauthn_\w+\.js", html)
        assert catalog and module, html
        assert "async" not in catalog.group(0) and "defer" not in catalog.group(0)
        assert catalog.start() < module.start()
