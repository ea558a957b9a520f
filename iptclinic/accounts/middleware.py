"""Staff pass a second factor before any page; service users who set one up pass it too."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import mfa

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
