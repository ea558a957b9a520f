"""Single sign-on against a real OpenID provider started for each test (docs/single-sign-on.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from authlib.oidc.core import CodeIDToken
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as Browser
from joserfc.errors import JoseError

from iptclinic.accounts import sso
from iptclinic.accounts.models import ExternalIdentity, SignInRefusal, User
from iptclinic.audit.models import AuditEvent
from iptclinic.settings import oidc_provider_settings
from tests.openid_provider import (
    Account,
    LocalOpenIDProvider,
    sign_in_at_provider,
    start_provider,
    stop,
)

SECRET = "provider-secret"  # noqa: S105 - the test provider's own accounts


def tess_at_the_provider(**claims: object) -> Account:
    return Account(
        SECRET,
        {"email": "Tess.Therapist@nhs.example", "email_verified": True, "name": "Tess T", **claims},
    )


def cara_at_nhs_login(**claims: object) -> Account:
    return Account(
        SECRET,
        {"nhs_number": "9434765919", "identity_proofing_level": "P9", "name": "Cara W", **claims},
    )


# The provider's people, one login each (the tests share one provider to save its start-up).
ACCOUNTS = {
    "tess-at-nhs": tess_at_the_provider(),
    "tess-unverified": tess_at_the_provider(email_verified=False),
    "stranger": tess_at_the_provider(email="someone@nhs.example"),
    "cara-at-work": tess_at_the_provider(email="cara@example.org"),
    "nhs-login-cara": cara_at_nhs_login(),
    "nhs-login-cara-p5": cara_at_nhs_login(identity_proofing_level="P5"),
}


@pytest.fixture(scope="module")
def shared_provider() -> Iterator[LocalOpenIDProvider]:
    provider = start_provider("http://testserver", ACCOUNTS)
    yield provider
    stop(provider)


@pytest.fixture
def provider_with(shared_provider, settings):
    """Configure IPT Clinic to use the provider (environment variables may be added)."""

    def configure(**environment: str) -> LocalOpenIDProvider:
        shared_provider.follow_the_test_clock()
        settings.IPTCLINIC_OIDC_PROVIDERS = shared_provider.settings(**environment)
        return shared_provider

    return configure


@pytest.fixture
def tess_with_email(tess: User) -> User:
    tess.email = "tess.therapist@nhs.example"
    tess.save(update_fields=["email"])
    return tess


def start_at(client: Browser, kind: str, next_url: str = "") -> str:
    path = "/accounts/sso/staff/" if kind == "staff" else "/accounts/sso/service-user/"
    response = client.get(path, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def come_back(client: Browser, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_through_provider(client: Browser, kind: str, login: str, next_url: str = ""):
    authorize = start_at(client, kind, next_url)
    return come_back(client, sign_in_at_provider(authorize, login, SECRET, "http://testserver/"))


def test_a_staff_member_signs_in_by_verified_email_and_reaches_their_caseload(
    client, provider_with, tess_with_email
):
    provider = provider_with()

    response = sign_in_through_provider(client, "staff", "tess-at-nhs")

    assert response.status_code == 302
    caseload = client.get(response["Location"], follow=True)
    assert caseload.context["user"] == tess_with_email
    assert b"My caseload" in caseload.content
    identity = ExternalIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (
        tess_with_email,
        provider.issuer,
        "tess-at-nhs",
    )
    assert client.session[sso.SSO_VERIFIED] is True
    assert client.session[sso.CONFIRMED_AT].startswith(str(identity.created_at.date()))
    actions = list(AuditEvent.objects.filter(actor=tess_with_email).values_list("action", "detail"))
    assert (
        "signin.sso_linked",
        {"provider": "staff", "identity_id": identity.pk, "linked_by": "email"},
    ) in actions
    assert (
        "signin.sso",
        {"provider": "staff", "identity_id": identity.pk, "multi_factor": True},
    ) in actions


def test_the_second_sign_in_uses_the_link_even_after_the_email_changes(
    client, provider_with, tess_with_email
):
    provider_with()
    sign_in_through_provider(client, "staff", "tess-at-nhs")
    client.logout()
    tess_with_email.email = "tess@elsewhere.example"
    tess_with_email.save(update_fields=["email"])

    response = sign_in_through_provider(client, "staff", "tess-at-nhs")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(tess_with_email.pk)
    assert ExternalIdentity.objects.count() == 1


def test_it_goes_on_to_the_page_asked_for_but_never_to_another_site(
    client, provider_with, tess_with_email
):
    provider_with()
    response = sign_in_through_provider(client, "staff", "tess-at-nhs", "/attention/")
    assert response["Location"] == "/attention/"
    client.logout()
    response = sign_in_through_provider(client, "staff", "tess-at-nhs", "https://evil.example/")
    assert response["Location"] == "/"


def test_an_unknown_identity_is_refused_and_nothing_is_created(client, provider_with, tess):
    provider = provider_with()
    users_before = User.objects.count()

    response = sign_in_through_provider(client, "staff", "stranger")

    assert response.status_code == 403
    assert b"We could not find your account" in response.content
    assert b"Ask your service" in response.content
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    refusal = SignInRefusal.objects.get()
    assert (refusal.issuer, refusal.subject, refusal.reason) == (
        provider.issuer,
        "stranger",
        "unknown",
    )


def test_an_email_the_provider_has_not_verified_links_nobody(
    client, provider_with, tess_with_email
):
    provider_with()
    response = sign_in_through_provider(client, "staff", "tess-unverified")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
    assert SignInRefusal.objects.get().reason == "unknown"


def test_an_email_two_staff_share_links_nobody(client, provider_with, tess_with_email, otto):
    otto.email = tess_with_email.email
    otto.save(update_fields=["email"])
    provider_with()
    response = sign_in_through_provider(client, "staff", "tess-at-nhs")
    assert response.status_code == 403
    assert SignInRefusal.objects.get().reason == "more_than_one"


def test_a_deactivated_staff_member_is_refused_and_the_refusal_is_audited(
    client, provider_with, tess_with_email
):
    provider_with()
    sign_in_through_provider(client, "staff", "tess-at-nhs")
    client.logout()
    tess_with_email.is_active = False
    tess_with_email.save(update_fields=["is_active"])

    response = sign_in_through_provider(client, "staff", "tess-at-nhs")

    assert response.status_code == 403
    assert b"Your account is closed" in response.content
    assert "_auth_user_id" not in client.session
    refused = AuditEvent.objects.get(action="signin.sso_refused")
    assert (refused.actor, refused.detail) == (
        tess_with_email,
        {"provider": "staff", "reason": "deactivated"},
    )


def test_a_deactivated_staff_member_is_refused_at_the_first_sign_in_too(
    client, provider_with, tess_with_email
):
    tess_with_email.is_active = False
    tess_with_email.save(update_fields=["is_active"])
    provider_with()
    response = sign_in_through_provider(client, "staff", "tess-at-nhs")
    assert response.status_code == 403
    assert not ExternalIdentity.objects.exists()


def test_a_wrong_or_replayed_state_is_refused(client, provider_with, tess_with_email):
    provider_with()
    authorize = start_at(client, "staff")
    callback = sign_in_at_provider(authorize, "tess-at-nhs", SECRET, "http://testserver/")
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}

    forged = come_back(client, f"{parts.path}?{urlencode({**query, 'state': 'forged'})}")

    assert forged.status_code == 403
    assert b"Sign-in did not finish" in forged.content
    assert "_auth_user_id" not in client.session
    assert SignInRefusal.objects.get().reason == "not_completed"
    # The genuine answer still signs in, once: its state is spent, so a replay is refused.
    assert come_back(client, callback).status_code == 302
    assert come_back(client, callback).status_code == 403


def test_an_answer_started_in_another_browser_is_refused(client, provider_with, tess_with_email):
    provider_with()
    authorize = start_at(Browser(), "staff")
    callback = sign_in_at_provider(authorize, "tess-at-nhs", SECRET, "http://testserver/")
    response = come_back(client, callback)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_service_user_signs_in_with_nhs_login_by_nhs_number(client, provider_with, cara_user):
    provider = provider_with()

    response = sign_in_through_provider(client, "service_user", "nhs-login-cara")

    assert response.status_code == 302
    portal = client.get(response["Location"], follow=True)
    assert portal.context["user"] == cara_user
    assert ExternalIdentity.objects.get().issuer == provider.issuer
    assert sso.CONFIRMED_AT in client.session
    assert sso.SSO_VERIFIED not in client.session  # NHS login is not trusted as a second factor
    linked = AuditEvent.objects.get(action="signin.sso_linked")
    assert linked.detail["linked_by"] == "nhs_number"


def test_nhs_login_without_the_highest_proof_of_identity_links_nobody(
    client, provider_with, cara_user
):
    provider_with()
    response = sign_in_through_provider(client, "service_user", "nhs-login-cara-p5")
    assert response.status_code == 403
    assert not ExternalIdentity.objects.exists()


def test_an_nhs_number_whose_client_has_no_portal_login_links_nobody(client, provider_with, cara):
    provider_with()
    response = sign_in_through_provider(client, "service_user", "nhs-login-cara")
    assert response.status_code == 403
    assert b"We could not find your account" in response.content
    assert SignInRefusal.objects.get().reason == "unknown"


def test_staff_single_sign_on_never_signs_in_a_service_user(client, provider_with, cara_user):
    cara_user.email = "cara@example.org"
    cara_user.save(update_fields=["email"])
    provider_with()
    response = sign_in_through_provider(client, "staff", "cara-at-work")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_shows_a_button_only_for_each_configured_provider(
    client, provider_with, settings
):
    settings.IPTCLINIC_OIDC_PROVIDERS = {}
    assert b"Sign in with" not in client.get("/accounts/login/").content
    provider_with(IPTCLINIC_OIDC_STAFF_LABEL="Sign in with your work account")
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your work account" in page
    assert "Sign in with NHS login" in page


def test_single_sign_on_pages_are_missing_when_it_is_not_configured(client, settings):
    settings.IPTCLINIC_OIDC_PROVIDERS = {}
    assert client.get("/accounts/sso/staff/").status_code == 404
    assert client.get("/accounts/sso/service-user/callback/?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("mode", "claims", "multi_factor"),
    [
        ("provider", {}, True),
        ("no", {"amr": ["mfa"]}, False),
        ("claims", {"amr": ["pwd", "mfa"]}, True),
        ("claims", {"amr": ["pwd"]}, False),
        ("claims", {"acr": "AAL3"}, True),
        ("claims", {"acr": "AAL1"}, False),
    ],
)
def test_whether_a_sign_in_counts_as_a_second_factor(mode, claims, multi_factor):
    config = {"multi_factor": mode, "multi_factor_acr": ["AAL3"]}
    assert sso._multi_factor(config, claims) is multi_factor


def test_settings_refuse_a_provider_that_cannot_authenticate():
    with pytest.raises(ImproperlyConfigured, match="PRIVATE_KEY"):
        oidc_provider_settings(
            "service_user",
            {
                "IPTCLINIC_OIDC_SERVICE_USER_ISSUER": "https://auth.example",
                "IPTCLINIC_OIDC_SERVICE_USER_CLIENT_ID": "x",
            },
        )
    with pytest.raises(ImproperlyConfigured, match="CLIENT_SECRET"):
        oidc_provider_settings(
            "staff",
            {
                "IPTCLINIC_OIDC_STAFF_ISSUER": "https://auth.example",
                "IPTCLINIC_OIDC_STAFF_CLIENT_ID": "x",
            },
        )
    assert oidc_provider_settings("staff", {}) is None


def test_a_client_secret_the_provider_does_not_accept_signs_nobody_in(
    client, provider_with, tess_with_email
):
    provider_with(IPTCLINIC_OIDC_STAFF_CLIENT_SECRET="not-the-secret")
    response = sign_in_through_provider(client, "staff", "tess-at-nhs")
    assert response.status_code == 403
    assert b"Sign-in did not finish" in response.content
    assert "_auth_user_id" not in client.session


def test_a_provider_whose_discovery_names_another_issuer_is_refused_before_anything_is_sent(
    client, provider_with, tess_with_email
):
    provider = provider_with()
    # The same provider reached under another name: its documents name 127.0.0.1 as the issuer.
    provider_with(IPTCLINIC_OIDC_STAFF_ISSUER=provider.issuer.replace("127.0.0.1", "localhost"))
    response = client.get("/accounts/sso/staff/")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
    assert SignInRefusal.objects.get().reason == "wrong_issuer"


STAFF_CONFIG = {"issuer": "https://cis2.example.org", "client_id": "ipt-staff"}


def id_token_claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    return {
        "iss": "https://cis2.example.org",
        "sub": "tess-at-nhs",
        "aud": "ipt-staff",
        "exp": now + 300,
        "iat": now,
        "nonce": "n-1",
        **changes,
    }


def check_id_token(claims: dict[str, object]) -> None:
    """Authlib's own ID-token checks, with the rules single sign-on gives it."""
    CodeIDToken(
        claims,
        {"alg": "RS256"},
        sso.id_token_rules(STAFF_CONFIG),
        {"nonce": "n-1", "client_id": "ipt-staff"},
    ).validate()


def test_an_id_token_for_our_client_passes_the_claim_rules():
    check_id_token(id_token_claims())
    check_id_token(id_token_claims(aud=["ipt-staff", "another-app"], azp="ipt-staff"))


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-app"},
        {"aud": "another-app", "azp": "ipt-staff"},
        {"iss": "https://elsewhere.example.org"},
    ],
)
def test_an_id_token_for_another_client_or_from_another_issuer_fails_the_claim_rules(changes):
    with pytest.raises(JoseError):
        check_id_token(id_token_claims(**changes))


class Discovery:
    """Stands in for the Authlib client: only its discovery document is read."""

    def __init__(self, **metadata: object) -> None:
        self.metadata = {"issuer": "https://cis2.example.org", **metadata}

    def load_server_metadata(self) -> dict[str, object]:
        return self.metadata


def test_only_our_signature_algorithms_are_accepted_whatever_the_provider_offers():
    offered = Discovery(id_token_signing_alg_values_supported=["none", "HS256", "RS256", "PS256"])
    metadata = sso.checked_metadata(offered, STAFF_CONFIG)
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256", "PS256"]


@pytest.mark.parametrize("offered", [["none"], ["HS256", "none"]])
def test_a_provider_offering_only_unsafe_algorithms_is_refused(offered):
    with pytest.raises(sso.SignInRefused, match="no_safe_algorithm"):
        sso.checked_metadata(Discovery(id_token_signing_alg_values_supported=offered), STAFF_CONFIG)
