"""When someone signs in: the session remembers when (for its absolute lifetime), and the failed
tries against their username are forgotten.

A signal is used because every way of signing in (the password page, single sign-on, a test's
``force_login``) goes through ``django.contrib.auth.login``, which sends ``user_logged_in``.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .middleware import DEADLINE_MOVED_AT, SIGNED_IN_AT


@receiver(user_logged_in, dispatch_uid="iptclinic.accounts.remember_sign_in_time")
def remember_sign_in_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now()
        request.session[SIGNED_IN_AT] = now.isoformat()
        # Signing in saves the session, which sets its idle deadline (move_idle_deadline).
        request.session[DEADLINE_MOVED_AT] = now.timestamp()


@receiver(user_logged_in, dispatch_uid="iptclinic.accounts.forget_failures_of_the_username")
def forget_failures_of_the_username(sender: Any, user: Any, **kwargs: Any) -> None:
    """Only this username's failures, from any address: failures from the same address against
    other usernames still count, so signing in to an account of one's own clears nobody else's."""
    reset(username=user.get_username())
