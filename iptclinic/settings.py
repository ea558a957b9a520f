"""Settings for IPT Clinic: one file, driven by the environment, safe defaults.

With no configuration at all it runs for development on an embedded SQLite database.
``IPTCLINIC_ENV=production`` switches on the production checks: a real secret key, HTTPS-only
cookies and DEBUG off. Every variable is explained in ``.env.example``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = os.environ.get("IPTCLINIC_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("IPTCLINIC_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

_PLACEHOLDER_SECRET = "development-only-not-secret"  # noqa: S105 - refused in production below
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _PLACEHOLDER_SECRET)
if PRODUCTION and (SECRET_KEY == _PLACEHOLDER_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a random value of at least 40 characters before running "
        "IPT Clinic in production."
    )

# Fail safe (issue 9): production refuses to start with DEBUG, the development key, SQLite or
# no host names; without IPTCLINIC_ENV the application is for development on this computer only.
if PRODUCTION and os.environ.get("DJANGO_DEBUG", "0") != "0":
    raise ImproperlyConfigured(
        "DJANGO_DEBUG must be off in production: DEBUG shows code and data on error pages. "
        "Remove DJANGO_DEBUG from the environment."
    )
# Keys retired by a rotation (comma-separated), still accepted for signatures made before it, so
# a new DJANGO_SECRET_KEY does not sign everyone out or break links already sent. Remove them once
# the password-reset and invitation links they signed have expired.
SECRET_KEY_FALLBACKS = [
    key.strip()
    for key in os.environ.get("DJANGO_SECRET_KEY_FALLBACKS", "").split(",")
    if key.strip()
]

DEBUG = not PRODUCTION and os.environ.get("DJANGO_DEBUG", "1") == "1"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else ",".join(LOOPBACK_HOSTS)
    ).split(",")
    if host.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set DJANGO_ALLOWED_HOSTS to the host names IPT Clinic answers to (for example "
        "ipt.example.nhs.uk) before running it in production."
    )
if not PRODUCTION and set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS):
    raise ImproperlyConfigured(
        "IPT Clinic is in development mode (IPTCLINIC_ENV is not set), which answers only on "
        "this computer (127.0.0.1, localhost). To serve other host names, set "
        "IPTCLINIC_ENV=production with its checks."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Index operator classes (the client list's trigram name index); harmless on SQLite.
    "django.contrib.postgres",
    "django.forms",
    "template_partials",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "simple_history",
    "iptclinic.accounts",
    "iptclinic.audit",
    "iptclinic.clients",
    "iptclinic.courses",
    "iptclinic.inventory",
    "iptclinic.measures",
    "iptclinic.portal",
    "iptclinic.reports",
    "iptclinic.service",
    "iptclinic.endings",
    "iptclinic.fidelity",
    "iptclinic.eating",
    "iptclinic.letters",
    "django_tasks",
    "django_tasks_db",
    "iptclinic.jobs",
    "iptclinic.attention",
    "iptclinic.notifications",
    "iptclinic.subject_access",
    "iptclinic.retention",
    "iptclinic.history",
    "iptclinic.operations",
    "iptclinic.supervision",
    "iptclinic.groups",
]

MIDDLEWARE = [
    # Outermost: one JSON line per request, with its duration and final status (operations.logs).
    "iptclinic.operations.logs.request_log",
    "django.middleware.security.SecurityMiddleware",
    "iptclinic.accounts.middleware.refuse_trace",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Audit events written while answering a request carry its session, address and browser.
    "iptclinic.audit.middleware.request_context",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The portal follows the service user's recorded needs: language, large print, easy read.
    "iptclinic.portal.following.follow_needs",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who made a change, for the history of every record that keeps one (iptclinic.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Cache-Control: no-store on every response to a signed-in person.
    "iptclinic.accounts.middleware.no_store_when_signed_in",
    # Signs out a session older than IPTCLINIC_SESSION_MAX_HOURS, whatever its activity.
    "iptclinic.accounts.middleware.session_lifetime",
    # Moves the idle deadline (SESSION_COOKIE_AGE) by saving the session, at most once a minute.
    "iptclinic.accounts.middleware.move_idle_deadline",
    # Staff who have not passed the second factor are sent to it (after OTPMiddleware).
    "iptclinic.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The reports' pages read from the replica, when DATABASE_REPLICA_URL names one.
    "iptclinic.operations.replica.reports_read_from_replica",
    # Last: turns a refused sign-in (too many failures) into the sign-in page (accounts.signin).
    "axes.middleware.AxesMiddleware",
    # Innermost: a refused access (a 404 raised by a view for a signed-in person) is audited.
    "iptclinic.audit.middleware.AccessRefusedMiddleware",
]

if not PRODUCTION:
    # Development mode answers only requests from this computer.
    MIDDLEWARE.insert(1, "iptclinic.accounts.middleware.loopback_only")

if PRODUCTION:
    # Serves the collected static files from the app nodes; runserver does it in development.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "iptclinic.urls"
WSGI_APPLICATION = "iptclinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iptclinic.accounts.context_processors.team",
                "iptclinic.portal.following.portal_needs",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# Forms render with the project's layout (templates/forms/div.html): errors appear once.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Seconds a process keeps its database connection between requests: a new PostgreSQL connection
# costs more than a small page. Development and tests open one per request unless told otherwise
# (the load bench sets it, to measure as deployed).
_conn_max_age = os.environ.get("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0").strip()
if not _conn_max_age.isdigit():
    raise ImproperlyConfigured(
        "DATABASE_CONN_MAX_AGE must be a whole number of seconds, such as 60 (0: a new connection "
        "for every request)."
    )
CONN_MAX_AGE = int(_conn_max_age)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=CONN_MAX_AGE
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the background worker share the file: write-ahead logging lets pages
    # read while a task writes, and IMMEDIATE transactions wait for the write lock at their start
    # instead of failing halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# An optional streaming replica of the primary (docs/deploy.md): the reports read from it, nothing
# else does (operations.replica). Tests read the primary in its place.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=CONN_MAX_AGE
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["iptclinic.operations.replica.ReplicaRouter"]
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured(
        "Set DATABASE_URL to a PostgreSQL database before running IPT Clinic in production: "
        "the embedded SQLite database is for development and trying it out."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Axes first: it refuses a locked-out account or address before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The second factor (issue 9): TOTP codes, recovery codes and passkeys (django-otp and
# django-otp-webauthn), required for staff and offered to service users. A sensitive action asks
# again for a second factor when the last one is older than IPTCLINIC_REAUTH_MINUTES.
IPTCLINIC_REAUTH_MINUTES = int(os.environ.get("IPTCLINIC_REAUTH_MINUTES", "10"))

# Reading the audit (issue 10; docs/audit-reading.md): how many different clients' records one
# person may open within an hour before it is flagged as unusual.
IPTCLINIC_UNUSUAL_MANY_CLIENTS = int(os.environ.get("IPTCLINIC_UNUSUAL_MANY_CLIENTS", "15"))
OTP_TOTP_ISSUER = "IPT Clinic"
OTP_WEBAUTHN_RP_NAME = "IPT Clinic"
# A passkey belongs to a domain name, never to an IP address: in development use
# http://localhost:8000. The domain and the origins come from IPTCLINIC_BASE_URL unless set.
_BASE = urlsplit(os.environ.get("IPTCLINIC_BASE_URL", "http://localhost:8000"))
OTP_WEBAUTHN_RP_ID = os.environ.get("IPTCLINIC_PASSKEY_DOMAIN", _BASE.hostname or "localhost")
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get(
        "IPTCLINIC_PASSKEY_ORIGINS", f"{_BASE.scheme}://{_BASE.netloc}"
    ).split(",")
    if origin.strip()
]
# A passkey is a second factor after the password, never a way round the password and its
# lock-out.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Account administration (issue 9): an invitation's link works once, for this many hours; a link
# to set a new password ("Forgotten your password?", or sent by a service lead) likewise.
IPTCLINIC_INVITATION_HOURS = int(os.environ.get("IPTCLINIC_INVITATION_HOURS", "72"))
# A client's invitation to the portal (a link or a printed code) lasts this many days
# (docs/portal-join.md); wrong codes from one address are refused for a while after this many.
IPTCLINIC_PORTAL_INVITATION_DAYS = int(os.environ.get("IPTCLINIC_PORTAL_INVITATION_DAYS", "7"))
IPTCLINIC_JOIN_CODE_TRIES = int(os.environ.get("IPTCLINIC_JOIN_CODE_TRIES", "5"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("IPTCLINIC_PASSWORD_RESET_HOURS", "24")) * 3600

# Sessions end after 30 minutes without activity (ASVS 7.3.1) and when the browser closes. The
# deadline is moved by saving the session at most once a minute, not on every request
# (accounts.middleware.move_idle_deadline).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # The __Host- prefix makes the browser refuse the cookie unless it is secure, for this exact
    # host and path "/": no sibling subdomain can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Besides the idle timeout, a session ends this many hours after sign-in (ASVS 7.3.2).
IPTCLINIC_SESSION_MAX_HOURS = float(os.environ.get("IPTCLINIC_SESSION_MAX_HOURS", "12"))
# Messages (which may name a client) stay on the server with the session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("IPTCLINIC_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# Preload commits the whole domain to HTTPS in browsers' built-in lists: only its owner decides.
SECURE_HSTS_PRELOAD = PRODUCTION and os.environ.get("IPTCLINIC_HSTS_PRELOAD", "0") == "1"
if not SECURE_HSTS_PRELOAD:
    # check --deploy asks for preload; it stays off on purpose unless IPTCLINIC_HSTS_PRELOAD=1.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# A load balancer asks each node for /health/ directly, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Throttled sign-in (django-axes; docs/security/sign-in.md). After IPTCLINIC_SIGNIN_FAILURES
# wrong passwords for one username, or from one address, within the cool-off, signing in is
# refused for IPTCLINIC_SIGNIN_COOLOFF_MINUTES from the last counted failure, or until a service
# lead releases the lock (accounts:locks). Refused tries are not counted again, so the cool-off
# ends when it says. The same words are shown whatever happened (accounts.forms.SignInForm).
AXES_FAILURE_LIMIT = int(os.environ.get("IPTCLINIC_SIGNIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=float(os.environ.get("IPTCLINIC_SIGNIN_COOLOFF_MINUTES", "30"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in forgets the failures against that username only (accounts.signals), not
# axes' reset of everything from the address too: else anyone with an account of their own could
# clear their count against another account by signing in between guesses.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "iptclinic.accounts.signin.locked_out_response"
AXES_ENABLE_ADMIN = False
# The address is REMOTE_ADDR, or behind IPTCLINIC_TRUSTED_PROXIES reverse proxies that each
# append to X-Forwarded-For, the address the outermost of them saw (accounts.signin.client_address).
IPTCLINIC_TRUSTED_PROXIES = int(os.environ.get("IPTCLINIC_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "iptclinic.accounts.signin.client_address"
# Password checks running at once in one process: more are refused at once (HTTP 429) rather
# than queued, so a flood of sign-ins cannot take every worker and core.
IPTCLINIC_SIGNIN_CONCURRENCY = int(os.environ.get("IPTCLINIC_SIGNIN_CONCURRENCY", "1"))

# The audit log (docs/security/audit.md). Each event's hash is an HMAC keyed with
# IPTCLINIC_AUDIT_KEY, so whoever edits a row in the database cannot recompute the chain after it.
# Development derives a key from the secret key; production refuses to start without one of its
# own (changing it later makes every earlier event fail verification: keep it with the backups).
IPTCLINIC_AUDIT_KEY = os.environ.get("IPTCLINIC_AUDIT_KEY", "")
if PRODUCTION and len(IPTCLINIC_AUDIT_KEY) < 40:
    raise ImproperlyConfigured(
        "Set IPTCLINIC_AUDIT_KEY to a random value of at least 40 characters before running "
        "IPT Clinic in production: it keys the audit log's hash chain."
    )
# What an audit event keeps of the client's address: "full", "truncated" (IPv4 /24, IPv6 /48:
# the building or the provider, not the device) or "none".
IPTCLINIC_AUDIT_ADDRESS = os.environ.get("IPTCLINIC_AUDIT_ADDRESS", "truncated")
if IPTCLINIC_AUDIT_ADDRESS not in {"full", "truncated", "none"}:
    raise ImproperlyConfigured("IPTCLINIC_AUDIT_ADDRESS must be 'full', 'truncated' or 'none'.")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [BASE_DIR / "iptclinic" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Background work (decisions §35; docs/background-work.md): tasks are rows in the database, run by
# `manage.py run_worker`. A worker says it is alive every few seconds; one silent for longer than
# IPTCLINIC_WORKER_LOST_AFTER is presumed dead and its task is run again.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IPTCLINIC_WORKER_HEARTBEAT = float(os.environ.get("IPTCLINIC_WORKER_HEARTBEAT", "5"))
IPTCLINIC_WORKER_LOST_AFTER = float(os.environ.get("IPTCLINIC_WORKER_LOST_AFTER", "60"))
# /health/ fails (503) when no worker on any node has said it is alive for this many seconds.
IPTCLINIC_HEALTH_WORKER_WITHIN = float(os.environ.get("IPTCLINIC_HEALTH_WORKER_WITHIN", "60"))

# The cache holds one thing: the count of wrong portal join codes per address (portal.join).
# "memory" keeps it in each process, so several processes or nodes each count apart; "database"
# shares it through the database (run `manage.py createcachetable` once; docs/deploy.md).
IPTCLINIC_CACHE = os.environ.get("IPTCLINIC_CACHE", "memory")
if IPTCLINIC_CACHE not in {"memory", "database"}:
    raise ImproperlyConfigured("IPTCLINIC_CACHE must be 'memory' or 'database'.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "iptclinic_cache",
    }
    if IPTCLINIC_CACHE == "database"
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Messages to staff (decisions §34). IPTCLINIC_MESSAGES chooses how they leave: "email" through
# Django's email backend (the console in development, SMTP in production), or "notify" for
# GOV.UK Notify email and text messages.
IPTCLINIC_BASE_URL = os.environ.get("IPTCLINIC_BASE_URL", "http://127.0.0.1:8000")
_MESSAGES = os.environ.get("IPTCLINIC_MESSAGES", "email")
if _MESSAGES not in {"email", "notify"}:
    raise ImproperlyConfigured("IPTCLINIC_MESSAGES must be 'email' or 'notify'.")
IPTCLINIC_MESSAGE_CHANNELS = (
    {
        "email": "iptclinic.notifications.channels.NotifyEmail",
        "sms": "iptclinic.notifications.channels.NotifySms",
    }
    if _MESSAGES == "notify"
    else {"email": "iptclinic.notifications.channels.DjangoEmail", "sms": None}
)
GOVUK_NOTIFY_API_KEY = os.environ.get("GOVUK_NOTIFY_API_KEY", "")
GOVUK_NOTIFY_BASE_URL = os.environ.get(
    "GOVUK_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
GOVUK_NOTIFY_EMAIL_TEMPLATE = os.environ.get("GOVUK_NOTIFY_EMAIL_TEMPLATE", "")
GOVUK_NOTIFY_SMS_TEMPLATE = os.environ.get("GOVUK_NOTIFY_SMS_TEMPLATE", "")
if _MESSAGES == "notify" and not (
    GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_EMAIL_TEMPLATE and GOVUK_NOTIFY_SMS_TEMPLATE
):
    raise ImproperlyConfigured(
        "Set GOVUK_NOTIFY_API_KEY, GOVUK_NOTIFY_EMAIL_TEMPLATE and GOVUK_NOTIFY_SMS_TEMPLATE "
        "to send messages through GOV.UK Notify."
    )
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IPT Clinic <ipt-clinic@localhost>")

# Personal data never goes to logs (operations.logs; docs/deploy.md): one line per request with
# its route's name, never its path or query; errors by type, never message. IPTCLINIC_LOG_FORMAT
# is "json" (one object a line, for a log collector; the default in production) or "text".
IPTCLINIC_LOG_FORMAT = os.environ.get("IPTCLINIC_LOG_FORMAT", "json" if PRODUCTION else "text")
if IPTCLINIC_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("IPTCLINIC_LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "without_request": {
            "()": "django.utils.log.CallbackFilter",
            "callback": "ext://iptclinic.operations.logs.without_request",
        }
    },
    "formatters": {
        "json": {"()": "iptclinic.operations.logs.JsonLogFormatter"},
        "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": IPTCLINIC_LOG_FORMAT,
            "filters": ["without_request"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "iptclinic.requests": {
            "handlers": ["console"],
            "level": os.environ.get(
                "IPTCLINIC_REQUEST_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING"
            ),
            "propagate": False,
        },
    },
}

# Single sign-on with OpenID Connect (docs/single-sign-on.md), off unless an issuer is set: one
# provider for staff (the shape of NHS CIS2 Authentication and Microsoft Entra ID) and one for
# service users (the shape of NHS login). Each reads IPTCLINIC_OIDC_STAFF_* or
# IPTCLINIC_OIDC_SERVICE_USER_* from the environment.
_OIDC_DEFAULTS = {
    "staff": {
        "AUTH_METHOD": "client_secret_post",
        "LABEL": "Sign in with your NHS Care Identity",
        "MULTI_FACTOR": "provider",
        "LINK_CLAIM": "email",
        "PROOFING_LEVEL": "",
    },
    "service_user": {
        "AUTH_METHOD": "private_key_jwt",
        "LABEL": "Sign in with NHS login",
        "MULTI_FACTOR": "no",
        "LINK_CLAIM": "nhs_number",
        "PROOFING_LEVEL": "P9",
    },
}


def oidc_provider_settings(
    kind: str, environ: Mapping[str, str] = os.environ
) -> dict[str, Any] | None:
    """One provider's settings from the environment, or None when its issuer is not set."""
    prefix = f"IPTCLINIC_OIDC_{kind.upper()}_"

    def env(name: str, default: str = "") -> str:
        return environ.get(prefix + name, _OIDC_DEFAULTS[kind].get(name, default)).strip()

    issuer = env("ISSUER").rstrip("/")
    if not issuer:
        return None
    private_key = env("PRIVATE_KEY").replace("\\n", "\n")
    if not private_key and env("PRIVATE_KEY_FILE"):
        private_key = Path(env("PRIVATE_KEY_FILE")).read_text()
    provider = {
        "kind": kind,
        "issuer": issuer,
        "client_id": env("CLIENT_ID"),
        "client_secret": env("CLIENT_SECRET"),
        "private_key": private_key,
        "auth_method": env("AUTH_METHOD"),
        "signing_alg": env("SIGNING_ALG", "RS512"),
        "scopes": " ".join(["openid", "profile", "email", *env("SCOPES").split()]),
        "label": env("LABEL"),
        "multi_factor": env("MULTI_FACTOR"),
        "multi_factor_acr": env("MULTI_FACTOR_ACR").split(),
        "link_claim": env("LINK_CLAIM"),
        "proofing_level": env("PROOFING_LEVEL"),
    }
    problems = []
    if not provider["client_id"]:
        problems.append(f"{prefix}CLIENT_ID is empty")
    if provider["auth_method"] not in {
        "client_secret_post",
        "client_secret_basic",
        "private_key_jwt",
    }:
        problems.append(
            f"{prefix}AUTH_METHOD must be client_secret_post, client_secret_basic or private_key_jwt"
        )
    elif provider["auth_method"] == "private_key_jwt" and not private_key:
        problems.append(f"{prefix}PRIVATE_KEY or {prefix}PRIVATE_KEY_FILE is needed")
    elif provider["auth_method"] != "private_key_jwt" and not provider["client_secret"]:
        problems.append(f"{prefix}CLIENT_SECRET is empty")
    if provider["multi_factor"] not in {"provider", "claims", "no"}:
        problems.append(f"{prefix}MULTI_FACTOR must be provider, claims or no")
    if PRODUCTION and not issuer.startswith("https://"):
        problems.append(f"{prefix}ISSUER must be an https:// address in production")
    if problems:
        raise ImproperlyConfigured("Single sign-on: " + "; ".join(problems) + ".")
    return provider


IPTCLINIC_OIDC_PROVIDERS = {
    kind: provider
    for kind in _OIDC_DEFAULTS
    if (provider := oidc_provider_settings(kind)) is not None
}
IPTCLINIC_OIDC_TIMEOUT = float(os.environ.get("IPTCLINIC_OIDC_TIMEOUT", "10"))

# Retention (decisions.md §39; docs/retention.md): records are kept this many years after the
# last contact before they are shown to the service lead for review; never fewer than 9. One
# setting for the whole service: a records policy is the organisation's, not a team's.
IPTCLINIC_RETENTION_YEARS = int(os.environ.get("IPTCLINIC_RETENTION_YEARS", "20"))

# The portal's "Contact and concerns" (docs/portal-contact.md): how to reach the patient advice
# and liaison service (PALS) of the trust that runs the service. One value for the installation,
# shown to service users as written; a line break starts a new line.
IPTCLINIC_PALS_CONTACT = os.environ.get("IPTCLINIC_PALS_CONTACT", "") or (
    "The patient advice and liaison service (PALS) of the NHS trust that runs this service can "
    "help you. They listen, answer questions and help sort out problems. You can find how to "
    "contact them on the trust's website, or ask us and we will tell you."
)
