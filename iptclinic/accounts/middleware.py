"""Sign-in, sessions and responses for special-category data (issue 9).

- ``SecondFactorMiddleware``: staff pass a second factor before any page; service users who set
  one up pass it too.

- ``session_lifetime``: a session ends ``IPTCLINIC_SESSION_MAX_HOURS`` after sign-in, however
  active it is (the idle timeout is ``SESSION_COOKIE_AGE``). The sign-in time is kept in the
  session under ``SIGNED_IN_AT`` when ``user_logged_in`` fires (``signals.py``); a session
  without it is treated as expired, so nothing signed in escapes the limit.
- ``no_store_when_signed_in``: no response to a signed-in person is kept in a browser's or a
  proxy's cache, so a clinical page cannot be shown again from the cache after sign-out.
- ``loopback_only``: in development mode (``IPTCLINIC_ENV`` unset) only this computer is answered.
- ``move_idle_deadline``: a session's idle deadline (``SESSION_COOKIE_AGE`` after the last
  activity) is moved by saving the session, at most once a minute, instead of on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from ipaddress import ip_address
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import mfa

SIGNED_IN_AT = "iptclinic.signed_in_at"
# When the session was last saved, so its idle deadline was moved (seconds since the epoch).
DEADLINE_MOVED_AT = "iptclinic.deadline_moved_at"
# Saving on every request (SESSION_SAVE_EVERY_REQUEST) made every page view write the session
# row as well as its audit event. Moving the deadline at most this often shortens the idle
# timeout by at most this much.
DEADLINE_MOVE_EVERY = timedelta(minutes=1)

Handler = Callable[[HttpRequest], HttpResponse]


def session_expired(request: HttpRequest) -> bool:
    """Whether the signed-in session began longer ago than the absolute lifetime allows."""
    value = request.session.get(SIGNED_IN_AT)
    try:
        signed_in_at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        signed_in_at = None
    if signed_in_at is None or signed_in_at.tzinfo is None:
        return True
    limit = timedelta(hours=settings.IPTCLINIC_SESSION_MAX_HOURS)
    return timezone.now() - signed_in_at >= limit


def session_lifetime(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_expired(request):
            logout(request)
            hours = f"{settings.IPTCLINIC_SESSION_MAX_HOURS:g}"
            messages.info(
                request,
                f"You were signed out because you had been signed in for {hours} hours. "
                "Sign in again to carry on.",
            )
            return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


def move_idle_deadline(get_response: Handler) -> Handler:
    """Mark the session to be saved (which sets its expiry ``SESSION_COOKIE_AGE`` from now) when
    it was last saved longer ago than ``DEADLINE_MOVE_EVERY``, or is being saved anyway.

    A session holding nothing (a visitor who never signed in) is left alone: it is not stored,
    and this must not make it so.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.keys() - {DEADLINE_MOVED_AT}:
            return response
        now = timezone.now().timestamp()
        moved_at = session.get(DEADLINE_MOVED_AT)
        stale = not isinstance(moved_at, int | float) or (
            now - moved_at >= DEADLINE_MOVE_EVERY.total_seconds()
        )
        if stale or session.modified:
            session[DEADLINE_MOVED_AT] = now
        return response

    return middleware


def no_store_when_signed_in(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"
        return response

    return middleware


def refuse_trace(get_response: Handler) -> Handler:
    """TRACE (and TRACK) echo a request back, cookies and all: no view of ours needs them."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method in {"TRACE", "TRACK"}:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        return get_response(request)

    return middleware


def loopback_only(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            local = ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
        except ValueError:
            local = False
        if not local:
            return HttpResponseForbidden(
                "IPT Clinic is in development mode and answers only on the computer it runs on.",
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware


# Reached before the second factor: its own pages (and the passkey ceremony under them), signing
# out, and resetting a forgotten password.
OPEN_URL_NAMES = frozenset({"logout", "login"})
OPEN_URL_NAME_PREFIX = "password_reset"


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = self._step_for(request)
        if step is None:
            return self.get_response(request)
        target = reverse(step)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

    def _step_for(self, request: HttpRequest) -> str | None:
        user = request.user
        if not user.is_authenticated or self._open(request):
            return None
        if mfa.passed_second_factor(request):
            return None
        if mfa.has_second_factor(user):  # type: ignore[arg-type]
            return "accounts:second_factor"
        if user.is_staff_member:
            return "accounts:second_factor_set_up"
        return None

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith("/accounts/second-factor/") or path.startswith(settings.STATIC_URL):
            return True
        match = request.resolver_match
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(path)
            except Resolver404:
                return False
        return match.url_name in OPEN_URL_NAMES or (match.url_name or "").startswith(
            OPEN_URL_NAME_PREFIX
        )
