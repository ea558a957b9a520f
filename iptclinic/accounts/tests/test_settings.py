"""Production refuses to start unless it is safe; development answers only this computer.

Each case starts a fresh interpreter with a clean environment, as a server would at start-up:
importing the settings, running ``manage.py check --deploy``, or a demo loader.
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
POSTGRES = "postgres://iptclinic@127.0.0.1:5432/iptclinic"


def _python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _import_settings(show: str = SHOW, **env: str) -> subprocess.CompletedProcess[str]:
    return _python("-c", show, **env)


def _production(**overrides: str) -> dict[str, str]:
    """A complete, safe production environment, with ``overrides`` applied."""
    return {
        "IPTCLINIC_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_hex(25),
        "IPTCLINIC_AUDIT_KEY": secrets.token_hex(25),
        "DJANGO_ALLOWED_HOSTS": "ipt.example.nhs.uk",
        "DATABASE_URL": POSTGRES,
        **overrides,
    }


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "development-only-not-secret",  # the development placeholder
        "too-short-for-production",
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret: str | None) -> None:
    env = _production()
    del env["DJANGO_SECRET_KEY"]
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret

    result = _import_settings(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set DJANGO_SECRET_KEY to a random value of at least 40 characters" in result.stderr


@pytest.mark.parametrize("audit_key", [None, "short"])
def test_production_refuses_to_start_without_an_audit_key(audit_key: str | None) -> None:
    env = _production()
    del env["IPTCLINIC_AUDIT_KEY"]
    if audit_key is not None:
        env["IPTCLINIC_AUDIT_KEY"] = audit_key

    result = _import_settings(**env)

    assert result.returncode != 0
    assert "Set IPTCLINIC_AUDIT_KEY to a random value of at least 40 characters" in result.stderr


def test_an_unknown_audit_address_setting_is_refused() -> None:
    result = _import_settings(**_production(IPTCLINIC_AUDIT_ADDRESS="half"))

    assert result.returncode != 0
    assert "IPTCLINIC_AUDIT_ADDRESS must be 'full', 'truncated' or 'none'." in result.stderr


def test_production_starts_with_a_50_character_key_and_debug_off() -> None:
    result = _import_settings(**_production())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_production_refuses_to_start_when_debug_is_asked_for(value: str) -> None:
    result = _import_settings(**_production(DJANGO_DEBUG=value))

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


def test_production_starts_when_debug_is_explicitly_off() -> None:
    result = _import_settings(**_production(DJANGO_DEBUG="0"))

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("database", [None, "sqlite:////tmp/iptclinic.sqlite3"])
def test_production_refuses_to_start_on_sqlite(database: str | None) -> None:
    env = _production()
    del env["DATABASE_URL"]
    if database is not None:
        env["DATABASE_URL"] = database

    result = _import_settings(**env)

    assert result.returncode != 0
    assert "Set DATABASE_URL to a PostgreSQL database" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", " , "])
def test_production_refuses_to_start_without_host_names(hosts: str | None) -> None:
    env = _production()
    del env["DJANGO_ALLOWED_HOSTS"]
    if hosts is not None:
        env["DJANGO_ALLOWED_HOSTS"] = hosts

    result = _import_settings(**env)

    assert result.returncode != 0
    assert "Set DJANGO_ALLOWED_HOSTS to the host names IPT Clinic answers to" in result.stderr


def test_production_cookies_are_host_only_and_hsts_covers_subdomains_without_preload() -> None:
    show = (
        "import iptclinic.settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )

    result = _import_settings(show, **_production())

    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "31536000",
        "True",
        "False",
    ]


def test_hsts_preload_is_sent_only_when_configured() -> None:
    show = "import iptclinic.settings as s; print(s.SECURE_HSTS_PRELOAD)"

    result = _import_settings(show, **_production(IPTCLINIC_HSTS_PRELOAD="1"))

    assert result.stdout.split() == ["True"]


def test_check_deploy_is_clean_in_production_settings() -> None:
    result = _python("manage.py", "check", "--deploy", **_production())

    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


@pytest.mark.parametrize("command", ["load_demo", "load_demo_measures"])
def test_demo_loaders_refuse_to_run_in_production(command: str) -> None:
    result = _python("manage.py", command, **_production())

    assert result.returncode != 0
    assert "It never runs in production" in result.stderr


def test_every_demo_loader_is_a_demo_command() -> None:
    """A loader added later refuses production too, because it is built on DemoCommand."""
    show = (
        "import django; django.setup()\n"
        "from django.core.management import get_commands, load_command_class\n"
        "from iptclinic.lib.demo import DemoCommand\n"
        "for name, app in sorted(get_commands().items()):\n"
        "    if name.startswith('load_demo'):\n"
        "        print(name, isinstance(load_command_class(app, name), DemoCommand))\n"
    )

    result = _import_settings(show, DJANGO_SETTINGS_MODULE="iptclinic.settings")

    lines = result.stdout.splitlines()
    assert len(lines) >= 2, result.stderr
    assert all(line.endswith(" True") for line in lines), lines


def test_an_unknown_environment_name_is_refused() -> None:
    result = _import_settings(IPTCLINIC_ENV="prod")

    assert result.returncode != 0
    assert "IPTCLINIC_ENV must be 'development' or 'production'." in result.stderr


def test_with_no_configuration_it_starts_for_development_on_loopback_only() -> None:
    show = SHOW + "; print(*s.ALLOWED_HOSTS)"

    result = _import_settings(show)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "False", "127.0.0.1", "localhost", "[::1]"]


def test_development_refuses_host_names_other_than_this_computer() -> None:
    result = _import_settings(DJANGO_ALLOWED_HOSTS="localhost,ipt.example.nhs.uk")

    assert result.returncode != 0
    assert "IPT Clinic is in development mode (IPTCLINIC_ENV is not set)" in result.stderr


def test_serving_in_development_says_so_once() -> None:
    result = _python("manage.py", "runserver", "--help")

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("IPT Clinic is in development mode") == 1


def test_other_commands_and_production_do_not_print_the_development_notice() -> None:
    assert "development mode" not in _python("manage.py", "check").stderr
    assert "development mode" not in _python("manage.py", "run_worker", "--help").stderr
    assert (
        "development mode"
        not in _python("manage.py", "runserver", "--help", **_production()).stderr
    )


def test_retired_secret_keys_come_from_the_environment_for_a_rotation() -> None:
    old, older = secrets.token_hex(25), secrets.token_hex(25)
    shown = _import_settings(
        f"import iptclinic.settings as s; print(s.SECRET_KEY_FALLBACKS == [{old!r}, {older!r}])",
        **_production(DJANGO_SECRET_KEY_FALLBACKS=f"{old}, {older}"),
    )
    assert shown.stdout.strip() == "True", shown.stderr


@pytest.mark.parametrize(
    ("environment", "kept_for"),
    [
        ({}, "0"),  # development: a connection a request
        (_production(), "60"),  # production keeps each process's connection, as deploy.md says
        (_production(DATABASE_CONN_MAX_AGE="5"), "5"),
        ({"DATABASE_CONN_MAX_AGE": "60"}, "60"),  # the load bench measures as deployed
    ],
)
def test_database_connections_are_kept_for_the_configured_seconds(
    environment: dict[str, str], kept_for: str
) -> None:
    show = "import iptclinic.settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    result = _import_settings(show, **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == kept_for


def test_a_connection_lifetime_that_is_not_a_number_is_refused_with_a_clear_message() -> None:
    result = _import_settings(DATABASE_CONN_MAX_AGE="a minute")
    assert result.returncode != 0
    assert "DATABASE_CONN_MAX_AGE must be a whole number of seconds" in result.stderr
