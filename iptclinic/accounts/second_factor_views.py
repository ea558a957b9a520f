"""The second factor: the step after the password, setting one up, confirming, managing, reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import mfa
from .decorators import staff_required
from .forms import CodeForm, PasswordForm
from .models import Role, User
from .reauth import recent_authentication_required, safe_next
from .signin import password_checks


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, a recovery code, or a passkey."""
    user = request.user
    next_url = safe_next(request)
    if mfa.passed_second_factor(request):
        return redirect(next_url)
    if not mfa.has_second_factor(user):
        if user.is_staff_member:
            return redirect(f"{_url('accounts:second_factor_set_up')}?next={_q(next_url)}")
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify_code(request, form.cleaned_data["code"]):
            return redirect(next_url)
        form.add_error("code", "That code did not work. Check it and try again.")
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": next_url, "passkeys": bool(mfa.passkeys_of(user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: at the first sign-in, or to replace the one set up before."""
    user = request.user
    next_url = safe_next(request)
    replacing = mfa.has_second_factor(user)
    if replacing and not mfa.passed_second_factor(request):
        return redirect(f"{_url('accounts:second_factor')}?next={_q(request.get_full_path())}")
    if replacing and not mfa.confirmed_recently(request):
        return redirect(f"{_url('accounts:confirm')}?next={_q(request.get_full_path())}")
    device = mfa.pending_totp(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if mfa.confirm_totp(request, device, "".join(form.cleaned_data["code"].split())):
            if mfa.has_recovery_codes(user):
                messages.success(request, "Your authenticator app is set up.")
                return redirect(next_url if replacing else "accounts:second_factor_devices")
            return redirect(f"{_url('accounts:second_factor_set_up_passkey')}?next={_q(next_url)}")
        form.add_error(
            "code", "That code did not work. Check the time on your phone and try again."
        )
    return render(
        request,
        "accounts/set_up.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": mfa.totp_qr_svg(device),
            "secret": mfa.totp_secret(device),
            "replacing": replacing,
        },
    )


@login_required
def set_up_passkey(request: HttpRequest) -> HttpResponse:
    """The second step of setting up: a passkey as well, if the person wants one."""
    if not mfa.passed_second_factor(request):
        return redirect("accounts:second_factor")
    return render(
        request,
        "accounts/set_up_passkey.html",
        {"next": safe_next(request), "passkeys": mfa.passkeys_of(request.user)},
    )


@login_required
@require_POST
def set_up_finish(request: HttpRequest) -> HttpResponse:
    """The last step: ten recovery codes, shown on this page only."""
    next_url = safe_next(request)
    if not mfa.passed_second_factor(request):
        return redirect("accounts:second_factor")
    if mfa.has_recovery_codes(request.user):
        return redirect(next_url)
    codes = mfa.new_recovery_codes(request.user, actor=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


def _password_right(request: HttpRequest, password: str) -> bool:
    """The person's password, checked as the sign-in page checks one: through the throttle, so
    wrong tries count towards the lock, and never more checks at once than the sign-in allows."""
    slots = password_checks.slots()
    if not slots.acquire(blocking=False):
        return False
    try:
        checked = authenticate(request, username=request.user.get_username(), password=password)
    finally:
        slots.release()
    return checked is not None and checked.pk == request.user.pk


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    """Prove again who you are before a sensitive action."""
    user = request.user
    next_url = safe_next(request)
    with_device = mfa.has_second_factor(user)
    form_class = CodeForm if with_device else PasswordForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if with_device and mfa.verify_code(request, form.cleaned_data["code"]):
            return redirect(next_url)
        if not with_device and _password_right(request, form.cleaned_data["password"]):
            mfa.mark_confirmed(request)
            return redirect(next_url)
        field = "code" if with_device else "password"
        form.add_error(field, f"That {field} did not work. Check it and try again.")
    return render(
        request,
        "accounts/confirm.html",
        {
            "form": form,
            "next": next_url,
            "with_device": with_device,
            "passkeys": bool(mfa.passkeys_of(user)),
        },
    )


@login_required
@recent_authentication_required
def devices(request: HttpRequest) -> HttpResponse:
    """Your second factors: the app, passkeys and recovery codes."""
    user = request.user
    return render(
        request,
        "accounts/devices.html",
        {
            "has_app": mfa.has_authenticator_app(user),
            "passkeys": mfa.passkeys_of(user),
            "recovery_codes_left": mfa.recovery_codes_left(user),
            "required": user.is_staff_member,
        },
    )


@login_required
@require_POST
@recent_authentication_required
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = mfa.new_recovery_codes(request.user, actor=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _url("accounts:second_factor_devices")},
    )


@login_required
@require_POST
def remove_passkey(request: HttpRequest, passkey_id: int) -> HttpResponse:
    passkey = get_object_or_404(mfa.WebAuthnCredential, pk=passkey_id, user=request.user)
    return recent_authentication_required(_remove_passkey)(request, passkey)


def _remove_passkey(request: HttpRequest, passkey: mfa.WebAuthnCredential) -> HttpResponse:
    if request.user.is_staff_member and not mfa.has_other_device(request.user, passkey):
        messages.error(request, "Set up another way to sign in before you remove this passkey.")
    else:
        mfa.remove_passkey(request.user, passkey.pk)
        messages.success(request, "The passkey is removed.")
    return redirect("accounts:second_factor_devices")


@staff_required(Role.SERVICE_LEAD)
@require_POST
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """A service lead removes someone's second factors; they set one up at their next sign-in."""
    person = get_object_or_404(User, pk=user_id, team_id=request.user.team_id)
    if person.pk == request.user.pk:
        raise Http404
    return recent_authentication_required(_reset)(request, person)


def _reset(request: HttpRequest, person: User) -> HttpResponse:
    mfa.forget_second_factor(person, actor=request.user)
    messages.success(
        request, "Their second factor is removed. They set up a new one when they next sign in."
    )
    return redirect(safe_next(request, default="/"))


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="/")
