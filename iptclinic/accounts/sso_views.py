"""Single sign-on pages: start at the provider, come back to the callback (docs/single-sign-on.md)."""

from __future__ import annotations

import requests
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from . import sso

# Which words a refusal shows: the protocol failed, the account is closed, or no account matched.
REFUSAL_PAGES = {
    "not_completed": "failed",
    "no_id_token": "failed",
    "userinfo_for_someone_else": "failed",
    "deactivated": "closed",
    "wrong_issuer": "failed",
    "no_safe_algorithm": "failed",
}


def _provider_or_404(kind: str) -> dict[str, object]:
    config = sso.provider(kind)
    if config is None:
        raise Http404
    return config


@require_GET
def start(request: HttpRequest, kind: str) -> HttpResponse:
    """Send the browser to the provider, remembering where to go after signing in.

    A link, not a form: the Content-Security-Policy's form-action would stop a form's redirect
    to the provider. Starting is harmless; only the callback, bound to this session's state,
    signs anyone in.
    """
    config = _provider_or_404(kind)
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    request.session[sso.NEXT] = next_url if safe else ""
    callback = request.build_absolute_uri(reverse(f"accounts:sso_{kind}_callback"))
    client = sso.oauth_client(config)
    try:
        sso.checked_metadata(client, config)
        return client.authorize_redirect(request, callback)
    except requests.RequestException:
        return render(request, "accounts/sso_refused.html", {"page": "unavailable"}, status=503)
    except sso.SignInRefused as refusal:
        sso.record_refusal(config, refusal)
        return render(request, "accounts/sso_refused.html", {"page": "failed"}, status=403)


@require_GET
def callback(request: HttpRequest, kind: str) -> HttpResponse:
    """Verify the identity the provider sends back and sign in its existing account, or refuse."""
    config = _provider_or_404(kind)
    try:
        identity = sso.verify(request, config)
        user, found_by = sso.find_account(config, identity)
    except sso.SignInRefused as refusal:
        sso.record_refusal(config, refusal)
        page = REFUSAL_PAGES.get(refusal.reason, "unknown")
        return render(request, "accounts/sso_refused.html", {"page": page}, status=403)
    next_url = request.session.pop(sso.NEXT, "")
    sso.sign_in(request, user, config=config, identity=identity, found_by=found_by)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
