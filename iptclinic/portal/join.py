"""Joining the portal (issue 11, item 1; docs/portal-join.md).

Staff side: the client page's "Invite to the portal" page, where the therapist or a service lead
sends a one-time link by email or text, prints a one-time code, or withdraws the invitation.

The person's side (public, before sign-in): the link, or the code typed at ``/portal/join/``,
opens set-up; the invitation is then kept in the session (not in the address), the person is
shown the username made for them, sets a password, is signed in, and is offered a second factor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iptclinic.accounts import mfa, security_events
from iptclinic.accounts import portal_invitations as invitations
from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import PortalChannel, PortalInvitation, User
from iptclinic.accounts.people.forms import ChoosePasswordForm
from iptclinic.accounts.signin import client_address
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_details, client_for
from iptclinic.clients.models import Client
from iptclinic.ipt import join_codes

from .access import own_client
from .forms import JoinCodeForm

SESSION_INVITATION = "iptclinic.portal_join.invitation"
SESSION_USERNAME = "iptclinic.portal_join.username"
CODE_LOCK_SECONDS = 3600


# ---- Staff: the client's invitation page -------------------------------------------------------


def _invitable(request: HttpRequest, client_id: int) -> Client:
    client = client_for(request.user, client_id)
    if not can_edit_details(request.user, client):
        raise Http404
    return client


@staff_required()
@require_GET
def invitation_page(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _invitable(request, client_id)
    account = (
        User.objects.filter(pk=client.portal_user_id).first() if client.portal_user_id else None
    )
    record_view(request, client, "portal_invitation")
    return render(
        request,
        "portal/join/invitation.html",
        {
            "client": client,
            "account": account,
            "open": invitations.open_invitation(client),
            "last": PortalInvitation.objects.filter(client=client).first(),
            "can_text": invitations.channel_ready(PortalChannel.SMS),
            "days": invitations.expiry_days(),
        },
    )


@staff_required()
@require_POST
def send(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _invitable(request, client_id)
    channel = PortalChannel.SMS if request.POST.get("channel") == "sms" else PortalChannel.EMAIL
    try:
        invitations.send_invitation(client, actor=request.user, channel=channel)
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    else:
        where = "email" if channel == PortalChannel.EMAIL else "text message"
        messages.success(request, f"Invitation sent by {where}. The link works once.")
    return redirect("portal:join_invitation", client_id=client.pk)


@staff_required()
@require_POST
def print_code(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _invitable(request, client_id)
    try:
        invitation, code = invitations.print_code(client, actor=request.user)
    except invitations.InvitationError as error:
        messages.error(request, str(error))
        return redirect("portal:join_invitation", client_id=client.pk)
    return render(
        request,
        "portal/join/code_print.html",
        {
            "client": client,
            "team": client.team,
            "invitation": invitation,
            "code": join_codes.printed(code),
            "join_url": settings.IPTCLINIC_BASE_URL.rstrip("/") + "/portal/join/",
        },
    )


@staff_required()
@require_POST
def withdraw(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _invitable(request, client_id)
    if invitations.withdraw(client, actor=request.user):
        messages.success(request, "Invitation withdrawn. Its link or code no longer works.")
    return redirect("portal:join_invitation", client_id=client.pk)


# ---- The person joining (public) ---------------------------------------------------------------


def _not_usable(request: HttpRequest, state: str, team: Any = None) -> HttpResponse:
    return render(
        request,
        "portal/join/not_usable.html",
        {"state": state, "team": team},
        status=404 if state == "unknown" else 410,
    )


def _start(request: HttpRequest, invitation: PortalInvitation) -> HttpResponse:
    request.session[SESSION_INVITATION] = invitation.pk
    request.session.pop(SESSION_USERNAME, None)
    return redirect("portal:join_set_up")


def join_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed or texted link: checked, then set-up goes on without the secret in the
    address (so it cannot leak through the browser's history or a Referer header)."""
    invitation = invitations.find(token)
    if invitation is None:
        return _not_usable(request, "unknown")
    if not invitation.is_usable:
        return _not_usable(request, invitation.state, invitation.team)
    return _start(request, invitation)


def _code_key(request: HttpRequest) -> str:
    return f"iptclinic.portal_join.wrong_codes:{client_address(request)}"


@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest) -> HttpResponse:
    """Type the printed code. Wrong codes from one address are counted; after
    ``IPTCLINIC_JOIN_CODE_TRIES`` of them, codes from it are refused for an hour."""
    form = JoinCodeForm(request.POST if request.method == "POST" else None)
    locked = cache.get(_code_key(request), 0) >= settings.IPTCLINIC_JOIN_CODE_TRIES
    if request.method == "POST" and locked:
        form.is_valid()
        form.add_error(
            "code",
            "There have been too many wrong codes. Wait an hour and try again, or ask the team "
            "for a new code.",
        )
    elif request.method == "POST" and form.is_valid():
        invitation = invitations.find_code(form.cleaned_data["code"])
        if invitation is not None and invitation.is_usable:
            cache.delete(_code_key(request))
            return _start(request, invitation)
        if invitation is not None:
            return _not_usable(request, invitation.state, invitation.team)
        try:
            cache.incr(_code_key(request))
        except ValueError:
            cache.set(_code_key(request), 1, CODE_LOCK_SECONDS)
        form.add_error(
            "code",
            "That code did not work. Check it against your letter and try again. "
            "The code has 8 letters and numbers.",
        )
    return render(request, "portal/join/code.html", {"form": form, "team": None})


def _joining(request: HttpRequest) -> PortalInvitation | None:
    pk = request.session.get(SESSION_INVITATION)
    if not isinstance(pk, int):
        return None
    return PortalInvitation.objects.select_related("team", "client").filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """See the username made for you, choose a password; then you are signed in."""
    invitation = _joining(request)
    if invitation is None:
        return redirect("portal:join_code")
    if not invitation.is_usable:
        return _not_usable(request, invitation.state, invitation.team)
    username = request.session.get(SESSION_USERNAME)
    if not isinstance(username, str):
        username = invitations.proposed_username(invitation.client)
        request.session[SESSION_USERNAME] = username
    form = ChoosePasswordForm(
        request.POST if request.method == "POST" else None,
        user=invitations.new_account(invitation, username),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.join(
                invitation, username=username, password=form.cleaned_data["password1"]
            )
        except invitations.InvitationError as error:
            return _not_usable(request, str(error), invitation.team)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        security_events.signed_in_with_password(user)
        return redirect("portal:join_second_factor")
    return render(
        request,
        "portal/join/set_up.html",
        {"form": form, "username": username, "team": invitation.team},
    )


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Just joined: the offer of a second way to prove it is you, or straight to your page."""
    client = own_client(request.user)
    return render(
        request,
        "portal/join/second_factor.html",
        {
            "client": client,
            "team": client.team,
            "username": request.user.get_username(),
            "has_second_factor": mfa.has_second_factor(request.user),
        },
    )
