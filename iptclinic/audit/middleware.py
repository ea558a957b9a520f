"""The audit's two middlewares (docs/security/audit.md).

- ``request_context``: carries the request being answered to ``audit.record()`` (a context
  variable), so every event written while answering it gets its session, address and browser
  without any call site passing them.
- ``AccessRefusedMiddleware``: a view that raises ``Http404`` for a signed-in person (the access
  rules: ``client_for``, ``staff_required`` and the other ``access.py`` lookups) is a refused
  access, written as ``access.refused`` with who, the URL's name and its keyword arguments (the
  object ids), never the query string. It is written even though the request then fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from . import context, services


def request_context(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        with context.answering(request):
            return get_response(request)

    return middleware


def _ids(kwargs: dict[str, Any]) -> dict[str, str]:
    """The URL's object ids; any other value (a token in an emailed link) is not kept."""
    return {
        name: str(value) if isinstance(value, int) or str(value).isdigit() else "(not kept)"
        for name, value in kwargs.items()
    }


class AccessRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        user = getattr(request, "user", None)
        if not isinstance(exception, Http404) or user is None or not user.is_authenticated:
            return
        match = request.resolver_match
        services.record(
            actor=user,
            action="access.refused",
            detail={
                "url_name": match.view_name if match is not None else "",
                "kwargs": _ids(match.kwargs if match is not None else {}),
                "method": request.method or "",
            },
        )
