"""Re-authentication before a sensitive action (issue 9): reallocation, exports, resets.

A view wrapped in :func:`recent_authentication_required` runs only when the person proved who
they are within ``IPTCLINIC_REAUTH_MINUTES`` (session key ``iptclinic.confirmed_at``). Otherwise
they are sent to the confirmation page and come back to the page they asked for.

A POST that arrives too late is not carried out and not kept: the person is sent to confirm and
then back to the form's page (its ``next`` field or the page that sent it), where they fill it in
again. Keeping the POST to replay it
would mean storing what they typed, which may be clinical text, in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import mfa

View = Callable[..., HttpResponse]


def recent_authentication_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and mfa.confirmed_recently(request):
            return view(request, *args, **kwargs)
        back = request.get_full_path() if request.method == "GET" else _form_page(request)
        target = reverse("accounts:confirm") + "?" + urlencode({"next": back})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)

    return wrapped


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The local address in ``next``, or ``default`` for anything else."""
    given = request.POST.get("next") or request.GET.get("next") or ""
    return given if _local(request, given) else default


def _form_page(request: HttpRequest) -> str:
    """Where a refused POST came from: its ``next``, the page that sent it, or the home page."""
    if _local(request, request.POST.get("next", "")):
        return request.POST["next"]
    referer = request.headers.get("referer", "")
    host = f"{request.scheme}://{request.get_host()}"
    if referer.startswith(host + "/"):
        return referer.removeprefix(host)
    return "/"


def _local(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
