"""Single sign-on with OpenID Connect: verify an identity, find its existing account, sign in.

docs/single-sign-on.md explains the settings and the rules. In short:
- Two providers at most, each off unless configured: ``staff`` (the shape of NHS CIS2
  Authentication and Microsoft Entra ID) and ``service_user`` (the shape of NHS login).
- Authlib runs the protocol: authorization code flow with PKCE (S256), state and nonce checked,
  the ID token's signature checked against the provider's JWKS, its issuer and audience checked;
  the client authenticates with a secret or a signed JWT (``private_key_jwt``).
- An identity maps to an existing account only, never a new one: first by a stored link
  (:class:`ExternalIdentity`), else once by a verified claim (a staff email the provider says is
  verified, or a staff username for a provider's own user id; a service user's NHS number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from joserfc.errors import JoseError

from iptclinic.audit.services import record

from .models import ExternalIdentity, SignInRefusal, User

STAFF = "staff"
SERVICE_USER = "service_user"

# Session keys shared with the other sign-in work (issue 9 contracts).
CONFIRMED_AT = "iptclinic.confirmed_at"
SSO_VERIFIED = "iptclinic.sso_verified"
NEXT = "iptclinic.sso_next"

# RFC 8176 "amr" value that says more than one factor was used.
MULTI_FACTOR_AMR = "mfa"
# The ID-token signatures we accept, whatever a provider's discovery document offers: never
# "none", never a shared-secret HMAC (anyone holding the client secret could forge one).
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")


class SignInRefused(Exception):
    """Single sign-on ended without an account; ``reason`` is a short code for the record."""

    def __init__(self, reason: str, *, subject: str = "", user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.subject = subject
        self.user = user


@dataclass(frozen=True)
class VerifiedIdentity:
    issuer: str
    subject: str
    claims: Mapping[str, Any]
    multi_factor: bool


def provider(kind: str) -> dict[str, Any] | None:
    """The settings of one provider, or None when it is not configured."""
    return settings.IPTCLINIC_OIDC_PROVIDERS.get(kind)


def oauth_client(config: Mapping[str, Any]) -> DjangoOAuth2App:
    """An Authlib client for one provider, built from the settings each time it is needed."""
    private_key_jwt = config["auth_method"] == "private_key_jwt"
    return OAuth().register(
        name=config["kind"],
        client_id=config["client_id"],
        client_secret=config["private_key"] if private_key_jwt else config["client_secret"],
        server_metadata_url=f"{config['issuer']}/.well-known/openid-configuration",
        client_auth_methods=[PrivateKeyJWT(alg=config["signing_alg"])] if private_key_jwt else [],
        client_kwargs={
            "scope": config["scopes"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": config["auth_method"],
            "default_timeout": settings.IPTCLINIC_OIDC_TIMEOUT,
        },
    )


def checked_metadata(client: DjangoOAuth2App, config: Mapping[str, Any]) -> dict[str, Any]:
    """The provider's discovery document, refused unless it names the configured issuer, with
    the ID-token algorithms narrowed to ours (``ID_TOKEN_ALGORITHMS``).

    Checked before the browser is sent to the provider and before the code and our client
    credentials go to the token endpoint the document names.
    """
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != config["issuer"]:
        raise SignInRefused("wrong_issuer")
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [alg for alg in offered if alg in ID_TOKEN_ALGORITHMS]
    if not allowed:
        raise SignInRefused("no_safe_algorithm")
    metadata["id_token_signing_alg_values_supported"] = allowed
    return metadata


def id_token_rules(config: Mapping[str, Any]) -> dict[str, Any]:
    """What the ID token's claims must say: our issuer, and our client among its audience."""
    return {
        "iss": {"essential": True, "value": config["issuer"]},
        "aud": {"essential": True, "value": config["client_id"]},
    }


def verify(request: HttpRequest, config: Mapping[str, Any]) -> VerifiedIdentity:
    """Finish the code flow: check state, exchange the code, verify the ID token, read userinfo."""
    client = oauth_client(config)
    issuer = config["issuer"]
    try:
        checked_metadata(client, config)
        token = client.authorize_access_token(request, claims_options=id_token_rules(config))
        id_claims = token.get("userinfo")
        if not id_claims:
            raise SignInRefused("no_id_token")
        userinfo = client.userinfo(token=token)
    except (AuthlibBaseError, JoseError, requests.RequestException, KeyError, ValueError) as error:
        raise SignInRefused("not_completed") from error
    subject = str(id_claims["sub"])
    if str(userinfo.get("sub", "")) != subject:
        raise SignInRefused("userinfo_for_someone_else", subject=subject)
    claims = {**userinfo, **id_claims}
    return VerifiedIdentity(
        issuer=issuer,
        subject=subject,
        claims=claims,
        multi_factor=_multi_factor(config, claims),
    )


def _multi_factor(config: Mapping[str, Any], claims: Mapping[str, Any]) -> bool:
    """Whether this sign-in counts as a second factor (``MULTI_FACTOR`` in the settings)."""
    mode = config["multi_factor"]
    if mode == "provider":
        return True
    if mode == "claims":
        amr = claims.get("amr") or []
        return MULTI_FACTOR_AMR in amr or claims.get("acr") in config["multi_factor_acr"]
    return False


def find_account(config: Mapping[str, Any], identity: VerifiedIdentity) -> tuple[User, str]:
    """The existing account of a verified identity, and how it was found.

    How: ``"link"`` for an identity linked before, else the claim that links it now.
    """
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    if link is not None:
        user, found_by = link.user, "link"
    else:
        matches = (
            _staff_matches(config, identity)
            if config["kind"] == STAFF
            else _service_user_matches(config, identity)
        )
        if len(matches) != 1:
            raise SignInRefused(
                "unknown" if not matches else "more_than_one", subject=identity.subject
            )
        user, found_by = matches[0], config["link_claim"]
        if user.external_identities.filter(issuer=identity.issuer).exists():
            raise SignInRefused("linked_to_another_identity", subject=identity.subject, user=user)
    if not user.is_active:
        raise SignInRefused("deactivated", subject=identity.subject, user=user)
    right_kind = user.is_staff_member if config["kind"] == STAFF else user.is_service_user
    if not right_kind:
        raise SignInRefused("unknown", subject=identity.subject)
    return user, found_by


def _staff_matches(config: Mapping[str, Any], identity: VerifiedIdentity) -> list[User]:
    """Staff whose verified email (or, for a provider's own user id, username) is the claim."""
    claim = config["link_claim"]
    value = str(identity.claims.get(claim) or "").strip()
    if not value:
        return []
    if claim == "email":
        if identity.claims.get("email_verified") is not True:
            return []
        people = User.objects.filter(email__iexact=value, team__isnull=False)
    else:
        people = User.objects.filter(username=value, team__isnull=False)
    return [person for person in people if not person.is_service_user]


def _service_user_matches(config: Mapping[str, Any], identity: VerifiedIdentity) -> list[User]:
    """The portal account of the client whose NHS number the provider proved."""
    from iptclinic.clients.models import Client

    level = config["proofing_level"]
    if level and identity.claims.get("identity_proofing_level") != level:
        return []
    nhs_number = "".join(
        ch for ch in str(identity.claims.get(config["link_claim"]) or "") if ch.isdigit()
    )
    if len(nhs_number) != 10:
        return []
    clients = Client.objects.filter(nhs_number=nhs_number, portal_user__isnull=False)
    people = {client.portal_user for client in clients.select_related("portal_user")}
    return [person for person in people if person is not None and person.is_service_user]


def record_refusal(config: Mapping[str, Any], refusal: SignInRefused) -> None:
    """Audit a refused sign-in: against the account when one was found, else as a refusal."""
    if refusal.user is not None and refusal.user.team_id is not None:
        record(
            actor=refusal.user,
            action="signin.sso_refused",
            obj=refusal.user,
            detail={"provider": config["kind"], "reason": refusal.reason},
        )
    else:
        SignInRefusal.objects.create(
            issuer=config["issuer"], subject=refusal.subject, reason=refusal.reason
        )


@transaction.atomic
def sign_in(
    request: HttpRequest,
    user: User,
    *,
    config: Mapping[str, Any],
    identity: VerifiedIdentity,
    found_by: str,
) -> None:
    """Link the identity if it is new, sign the person in, mark the session, audit both."""
    link, created = ExternalIdentity.objects.get_or_create(
        issuer=identity.issuer, subject=identity.subject, defaults={"user": user}
    )
    if created:
        record(
            actor=user,
            action="signin.sso_linked",
            obj=user,
            detail={"provider": config["kind"], "identity_id": link.pk, "linked_by": found_by},
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[CONFIRMED_AT] = timezone.now().isoformat()
    if identity.multi_factor:
        request.session[SSO_VERIFIED] = True
    record(
        actor=user,
        action="signin.sso",
        obj=user,
        detail={
            "provider": config["kind"],
            "identity_id": link.pk,
            "multi_factor": identity.multi_factor,
        },
    )
