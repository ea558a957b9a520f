"""The people pages of a service lead, and an invited person's first visit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.accounts import mfa
from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Invitation, Role, User
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit import services as audit

from . import emails, services
from .access import person_for, team_people
from .forms import ChoosePasswordForm, InviteForm, NewPasswordForm, ResetRequestForm, StaffRolesForm

lead_required = staff_required(Role.SERVICE_LEAD)


@lead_required
def people_list(request: HttpRequest) -> HttpResponse:
    people = (
        team_people(request.user)
        .select_related("supervisor")
        .order_by("-is_active", "first_name", "last_name", "username")
    )
    waiting = Invitation.objects.filter(
        team_id=request.user.team_id,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("supervisor")
    return render(request, "people/list.html", {"people": people, "invitations": waiting})


@lead_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(
        request.POST if request.method == "POST" else None, team_id=request.user.team_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = services.invite_staff(
                request.user.team,
                actor=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                supervisor=data["supervisor"],
            )
        except services.PeopleError as error:
            form.add_error(None, str(error))
        else:
            emails.send_invitation(invitation, token, request)
            messages.success(request, "Invitation sent. The link works once.")
            return redirect("people:list")
    return render(
        request,
        "people/invite.html",
        {"form": form, "hours": settings.IPTCLINIC_INVITATION_HOURS},
    )


@lead_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    someone = person_for(request.user, person_id)
    if request.method == "POST":
        # Changing someone's roles asks the lead to prove it is them, if not done recently.
        return recent_authentication_required(_person)(request, someone)
    return _person(request, someone)


def _person(request: HttpRequest, someone: User) -> HttpResponse:
    own = someone.pk == request.user.pk
    form = StaffRolesForm(
        request.POST if request.method == "POST" else None,
        team_id=request.user.team_id,
        person=someone,
        initial={"roles": [role.value for role in someone.roles], "supervisor": someone.supervisor},
    )
    if request.method == "POST" and not own and form.is_valid():
        try:
            services.change_roles(
                someone,
                actor=request.user,
                roles=form.cleaned_data["roles"],
                supervisor=form.cleaned_data["supervisor"],
            )
        except services.PeopleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Roles saved.")
            return redirect("people:person", person_id=someone.pk)
    return _person_page(request, someone, form, own=own)


def _person_page(
    request: HttpRequest,
    someone: User,
    form: StaffRolesForm,
    *,
    own: bool,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    from iptclinic.clients.models import Client

    blockers = services.leaving_blockers(someone) if someone.is_active else None
    clients = (
        Client.objects.filter(pk__in=blockers.client_ids).order_by("family_name", "given_name")
        if blockers
        else Client.objects.none()
    )
    if clients:
        # The clients a leaver still holds are named on the page (decisions §24).
        audit.record_list_view(actor=request.user, action="people.view", clients=clients)
    supervisees = (
        User.objects.filter(pk__in=blockers.supervisee_ids) if blockers else User.objects.none()
    )
    return render(
        request,
        "people/person.html",
        {
            "person": someone,
            "form": form,
            "own": own,
            "blockers": blockers,
            "clients": clients,
            "supervisees": supervisees,
            "refused": refused,
            "has_second_factor": mfa.has_second_factor(someone),
        },
        status=status,
    )


@lead_required
@require_POST
def deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    # The person is found first, so someone outside the team gets 404 before anything else.
    return recent_authentication_required(_deactivate)(request, person_for(request.user, person_id))


def _deactivate(request: HttpRequest, someone: User) -> HttpResponse:
    try:
        services.deactivate(someone, actor=request.user)
    except services.PeopleError as error:
        form = StaffRolesForm(team_id=request.user.team_id, person=someone)
        own = someone.pk == request.user.pk
        return _person_page(request, someone, form, own=own, refused=str(error), status=409)
    messages.success(request, "Account deactivated. They have been signed out everywhere.")
    return redirect("people:person", person_id=someone.pk)


@lead_required
@require_POST
def reactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    return recent_authentication_required(_reactivate)(request, person_for(request.user, person_id))


def _reactivate(request: HttpRequest, someone: User) -> HttpResponse:
    services.reactivate(someone, actor=request.user)
    messages.success(request, "Account active again.")
    return redirect("people:person", person_id=someone.pk)


@lead_required
@require_POST
def send_password_link(request: HttpRequest, person_id: int) -> HttpResponse:
    return recent_authentication_required(_send_password_link)(
        request, person_for(request.user, person_id)
    )


def _send_password_link(request: HttpRequest, someone: User) -> HttpResponse:
    if not someone.is_active or not someone.email:
        messages.error(request, "A link can only go to an active account with an email address.")
    else:
        services.record_reset_link_sent(someone, actor=request.user)
        emails.send_password_link(someone, request)
        messages.success(request, "A link to set a new password has been sent to them.")
    return redirect("people:person", person_id=someone.pk)


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person sets their password, then signs in as everyone does."""
    invitation = services.usable_invitation(token)
    if invitation is None:
        return render(request, "people/welcome_invalid.html", status=404)
    form = ChoosePasswordForm(
        request.POST if request.method == "POST" else None,
        user=services.new_person(invitation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(invitation, password=form.cleaned_data["password1"])
        except services.PeopleError:
            return render(request, "people/welcome_invalid.html", status=404)
        messages.success(
            request, "Your password is set. Sign in with your email address and new password."
        )
        return redirect(settings.LOGIN_URL)
    return render(request, "people/welcome.html", {"form": form, "invitation": invitation})


# Forgotten password, for everyone: Django's views with the project's forms and pages.
password_reset = auth_views.PasswordResetView.as_view(
    form_class=ResetRequestForm,
    template_name="people/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    extra_email_context=emails.reset_email_context(),
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="people/password_reset_done.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="people/password_reset_complete.html"
)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            actor=form.user,
            action="account.password_reset",
            obj=form.user,
            detail={"person_id": form.user.pk},
        )
        return response


password_reset_confirm = PasswordResetConfirm.as_view()
