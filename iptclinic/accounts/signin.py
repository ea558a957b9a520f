"""Throttled sign-in (issue 9, ASVS 6.3.1): the words, the address, and the refusals.

django-axes counts failed sign-ins per username and per address and refuses, before any password
is hashed, once either reaches ``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME``. On top of
that, each process runs at most ``IPTCLINIC_SIGNIN_CONCURRENCY`` password checks at once (a
password hash costs about 0.4 s of a core on purpose): a sign-in arriving when all are busy is
refused at once with HTTP 429 and ``Retry-After``, so a flood cannot hold every worker and core.

Whatever happened (no such account, a wrong password, a lock, a busy server) the page says the
same words, so nobody learns from it whether an account exists or is locked.
"""

from __future__ import annotations

import threading
from ipaddress import ip_address
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def refusal_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        "The username or password is not right, or there have been too many tries. "
        f"Check them and try again. After {settings.AXES_FAILURE_LIMIT} wrong tries, signing in "
        f"stops for {minutes} minutes: wait, or ask your service lead or your team to let you "
        "try again sooner."
    )


def client_address(request: HttpRequest) -> str | None:
    """The address a sign-in came from, as axes counts it (``AXES_CLIENT_IP_CALLABLE``).

    Directly exposed (``IPTCLINIC_TRUSTED_PROXIES=0``), it is the connection's address. Behind N
    reverse proxies that each append the address they received from to ``X-Forwarded-For``, it
    is the N-th entry from the right: the one the outermost proxy saw. Entries further left came
    from the client and are not believed. A header shorter than expected, or not an address,
    falls back to the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.IPTCLINIC_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote


def refused(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The sign-in page again with the one refusal message, HTTP 429 and ``Retry-After``."""
    from .forms import SignInForm

    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "refusal": refusal_message(), "next": request.POST.get("next", "")},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What axes answers to a sign-in refused by a lock (``AXES_LOCKOUT_CALLABLE``)."""
    return refused(request, retry_after=int(settings.AXES_COOLOFF_TIME.total_seconds()))


class PasswordChecks:
    """How many password checks may run at once in this process (a non-blocking semaphore)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._size: int | None = None
        self._slots = threading.BoundedSemaphore(1)

    def slots(self) -> threading.BoundedSemaphore:
        size = max(1, settings.IPTCLINIC_SIGNIN_CONCURRENCY)
        with self._guard:
            if size != self._size:
                self._slots, self._size = threading.BoundedSemaphore(size), size
            return self._slots


password_checks = PasswordChecks()
