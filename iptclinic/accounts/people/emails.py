"""The two emails about accounts: an invitation, and a link to set a new password.

Both go straight through Django's email backend (``send_mail``), not through the notifications
app: each holds a one-time secret, which must not be kept in the table of sent messages, and an
invitation goes to someone who has no account yet. Neither names a client or says anything
clinical (decisions §34).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from iptclinic.accounts.models import Invitation, User


def reset_email_context() -> dict[str, object]:
    """What the password email says about how long its link lasts."""
    return {"expires_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


def send_invitation(invitation: Invitation, token: str, request: HttpRequest) -> None:
    link = request.build_absolute_uri(reverse("accounts:welcome", args=[token]))
    context = {
        "link": link,
        "team": invitation.team.name,
        "expires_hours": settings.IPTCLINIC_INVITATION_HOURS,
        "username": invitation.email,
    }
    send_mail(
        "You are invited to IPT Clinic",
        render_to_string("accounts/email/invitation.txt", context),
        None,
        [invitation.email],
    )


def send_password_link(user: User, request: HttpRequest) -> None:
    """The same email as "Forgotten your password?" sends, asked for by a service lead."""
    context = {
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "user": user,
        **reset_email_context(),
    }
    subject = render_to_string("accounts/email/password_reset_subject.txt", context)
    send_mail(
        "".join(subject.splitlines()),
        render_to_string("accounts/email/password_reset.txt", context),
        None,
        [user.email],
    )
