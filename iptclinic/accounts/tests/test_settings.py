"""Production refuses to start without a real secret key (style.md §7).

Each case imports the settings module in a fresh interpreter with a clean environment, as a
server would at start-up.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SHOW = (
    "import iptclinic.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "-c", SHOW],
        cwd=PROJECT_ROOT,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "development-only-not-secret",  # the development placeholder
        "too-short-for-production",
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret: str | None) -> None:
    env = {"IPTCLINIC_ENV": "production"}
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret

    result = _import_settings(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set DJANGO_SECRET_KEY to a random value of at least 40 characters" in result.stderr


def test_production_starts_with_a_50_character_key_and_debug_off() -> None:
    result = _import_settings(IPTCLINIC_ENV="production", DJANGO_SECRET_KEY=secrets.token_hex(25))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_debug_stays_off_in_production_even_when_asked_for() -> None:
    result = _import_settings(
        IPTCLINIC_ENV="production", DJANGO_SECRET_KEY=secrets.token_hex(25), DJANGO_DEBUG="1"
    )

    assert result.stdout.split()[0] == "False"


def test_an_unknown_environment_name_is_refused() -> None:
    result = _import_settings(IPTCLINIC_ENV="prod")

    assert result.returncode != 0
    assert "IPTCLINIC_ENV must be 'development' or 'production'." in result.stderr


def test_with_no_configuration_it_starts_for_development() -> None:
    result = _import_settings()

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "False"]
