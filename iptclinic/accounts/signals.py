"""When someone signs in, the session remembers when (for its absolute lifetime).

A signal is used because every way of signing in (the password page, single sign-on, a test's
``force_login``) goes through ``django.contrib.auth.login``, which sends ``user_logged_in``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .middleware import SIGNED_IN_AT


@receiver(user_logged_in, dispatch_uid="iptclinic.accounts.remember_sign_in_time")
def remember_sign_in_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().isoformat()
