"""Signing in and out, and the service lead's list of sign-in locks."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import locks as sign_in_locks
from . import security_events
from .decorators import staff_required
from .forms import SignInForm
from .models import Role, User
from .signin import locked_out_response, password_checks, refused

_login = auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=SignInForm
)
_logout = auth_views.LogoutView.as_view()


def sign_in(request: HttpRequest) -> HttpResponse:
    """The sign-in page. A try from a locked username or address is refused first, before the
    form is even read (axes' backend would refuse it too, but later and at more cost). A
    password check waits for no one: with every slot of this process busy, the try is refused at
    once (429), before anything is hashed or counted."""
    if request.method != "POST":
        return _login(request)
    AxesProxyHandler.update_request(request)
    if not AxesProxyHandler.is_allowed(request, get_credentials(request.POST.get("username"))):
        security_events.refused_while_locked(request, request.POST.get("username"))
        return locked_out_response(request)
    slots = password_checks.slots()
    if not slots.acquire(blocking=False):
        return refused(request, retry_after=1)
    try:
        response = _login(request)
    finally:
        slots.release()
    if request.user.is_authenticated:
        security_events.signed_in_with_password(request.user)
    return response


def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST), and ask the browser to forget this site's cache, cookies and storage."""
    response = _logout(request)
    if request.method == "POST":
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@staff_required(Role.SERVICE_LEAD)
def lock_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/locks.html",
        {
            "account_locks": sign_in_locks.account_locks(request.user.team_id),
            "address_locks": sign_in_locks.address_locks(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@staff_required(Role.SERVICE_LEAD)
@require_POST
def release_account_lock(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id, team_id=request.user.team_id)
    sign_in_locks.release_account(person, actor=request.user)
    messages.success(request, f"{person.display_name} can sign in again.")
    return redirect("accounts:locks")


@staff_required(Role.SERVICE_LEAD)
@require_POST
def release_address_lock(request: HttpRequest) -> HttpResponse:
    released = sign_in_locks.release_address(request.POST.get("address", ""), actor=request.user)
    if released is None:
        messages.info(request, "That lock had already ended.")
    else:
        messages.success(request, "Signing in from that address works again.")
    return redirect("accounts:locks")
