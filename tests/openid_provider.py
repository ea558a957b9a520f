"""A real OpenID provider for the single sign-on tests, run as a subprocess on a free port.

``tests/oidc_provider/provider.mjs`` runs node-oidc-provider (installed by ``make test`` with
``npm ci`` from the committed lock file). It registers two clients shaped like IPT Clinic's
providers: ``ipt-staff`` authenticates with a client secret (client_secret_post, as for NHS CIS2
or Microsoft Entra ID), ``ipt-service-users`` with a signed JWT (private_key_jwt, as for NHS
login). Accounts are given per test: a login, a secret, and the claims the provider releases.
"""

from __future__ import annotations

import json
import select
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from iptclinic.settings import oidc_provider_settings

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
STAFF_CLIENT = "ipt-staff"
STAFF_SECRET = "staff-client-secret-for-tests-only"
SERVICE_USER_CLIENT = "ipt-service-users"


@dataclass
class Account:
    password: str
    claims: dict[str, Any]
    amr: list[str] = field(default_factory=lambda: ["pwd"])


@dataclass
class LocalOpenIDProvider:
    issuer: str
    process: subprocess.Popen[str]
    private_key_pem: str

    def environment(self, **extra: str) -> dict[str, str]:
        """The IPTCLINIC_OIDC_* variables an operator would set to use this provider."""
        return {
            "IPTCLINIC_OIDC_STAFF_ISSUER": self.issuer,
            "IPTCLINIC_OIDC_STAFF_CLIENT_ID": STAFF_CLIENT,
            "IPTCLINIC_OIDC_STAFF_CLIENT_SECRET": STAFF_SECRET,
            "IPTCLINIC_OIDC_SERVICE_USER_ISSUER": self.issuer,
            "IPTCLINIC_OIDC_SERVICE_USER_CLIENT_ID": SERVICE_USER_CLIENT,
            "IPTCLINIC_OIDC_SERVICE_USER_PRIVATE_KEY": self.private_key_pem.replace("\n", "\\n"),
            "IPTCLINIC_OIDC_SERVICE_USER_SCOPES": "nhs_number",
            **extra,
        }

    def follow_the_test_clock(self) -> None:
        """Set the provider's clock to the tests' "now" (each test starts at the suite instant)."""
        requests.post(f"{self.issuer}/test-clock?now={time.time()}", timeout=5).raise_for_status()

    def settings(self, **extra: str) -> dict[str, dict[str, Any]]:
        """IPTCLINIC_OIDC_PROVIDERS as the settings module builds it from ``environment``."""
        environ = self.environment(**extra)
        built = {kind: oidc_provider_settings(kind, environ) for kind in ("staff", "service_user")}
        return {kind: config for kind, config in built.items() if config is not None}


def start_provider(app_base_url: str, accounts: Mapping[str, Account]) -> LocalOpenIDProvider:
    """Start the provider for an app served at ``app_base_url``; stop it with ``stop``."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("The test OpenID provider is not installed: run `make test` (it runs npm ci).")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_jwk = RSAKey.import_key(pem).as_dict(private=False)
    config = {
        "port": 0,
        "now": time.time(),  # the tests' frozen clock, which the provider then follows
        "clients": [
            {
                "client_id": STAFF_CLIENT,
                "client_secret": STAFF_SECRET,
                "redirect_uris": [f"{app_base_url}/accounts/sso/staff/callback/"],
                "token_endpoint_auth_method": "client_secret_post",
            },
            {
                "client_id": SERVICE_USER_CLIENT,
                "redirect_uris": [f"{app_base_url}/accounts/sso/service-user/callback/"],
                "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "RS512",
                "jwks": {"keys": [public_jwk]},
            },
        ],
        "accounts": {
            login: {"password": a.password, "claims": a.claims, "amr": a.amr}
            for login, a in accounts.items()
        },
    }
    process = subprocess.Popen(
        ["node", str(PROVIDER_DIR / "provider.mjs"), json.dumps(config)],
        cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 20)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("ready "):
        process.kill()
        pytest.fail(f"The test OpenID provider did not start (it said {line!r}).")
    return LocalOpenIDProvider(issuer=line.split()[1], process=process, private_key_pem=pem)


def stop(provider: LocalOpenIDProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()


@pytest.fixture
def openid_provider() -> Iterator[Any]:
    """Start providers with ``openid_provider(app_base_url, accounts)``; all stop at the end."""
    started: list[LocalOpenIDProvider] = []

    def start(app_base_url: str, accounts: Mapping[str, Account]) -> LocalOpenIDProvider:
        started.append(start_provider(app_base_url, accounts))
        return started[-1]

    yield start
    for provider in started:
        stop(provider)


def sign_in_at_provider(authorize_url: str, login: str, password: str, callback_prefix: str) -> str:
    """Do what a person does at the provider (sign in, allow access); return the callback URL."""
    session = requests.Session()
    url = authorize_url
    for _ in range(12):
        response = session.get(url, allow_redirects=False, timeout=10)
        if not response.is_redirect:
            assert response.status_code == 200, response.text
            if 'name="login"' in response.text:
                form = {"login": login, "password": password}
                response = session.post(
                    f"{url}/login", data=form, allow_redirects=False, timeout=10
                )
            else:
                response = session.post(f"{url}/confirm", allow_redirects=False, timeout=10)
            assert response.is_redirect, response.text
        url = urljoin(url, response.headers["Location"])
        if url.startswith(callback_prefix):
            return url
    raise AssertionError("The provider never sent the browser back to IPT Clinic.")
