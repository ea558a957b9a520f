"""django-otp-webauthn's passkey views, with this project's rules and audit.

- Adding a passkey when the person already has a second factor needs a recent confirmation
  (the same rule as the rest of the devices page); the first one can be added while setting up.
- A passkey used after the password passes the second factor and counts as a confirmation.
- Passwordless sign-in is off (settings), so a passkey never replaces the password.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn

from iptclinic.audit.services import record

from . import mfa


class ConfirmFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "Confirm it is you again before you add a passkey."
    default_code = "confirm_first"


class BeginRegistration(webauthn.BeginCredentialRegistrationView):
    def check_can_register(self) -> None:
        request = self.request
        if mfa.has_second_factor(request.user) and not (
            mfa.passed_second_factor(request) and mfa.confirmed_recently(request)
        ):
            raise ConfirmFirst()


class CompleteRegistration(webauthn.CompleteCredentialRegistrationView):
    check_can_register = BeginRegistration.check_can_register

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device_id = json.loads(response.content)["id"]
            record(
                actor=self.request.user,
                action="second_factor.device_added",
                detail={"kind": "passkey", "device_id": device_id},
            )
        return response


class CompleteAuthentication(webauthn.CompleteCredentialAuthenticationView):
    def complete_auth(self, device: Any) -> None:
        super().complete_auth(device)
        mfa.mark_confirmed(self.request)
        record(
            actor=self.request.user,
            action="signin.second_factor",
            detail={"kind": "passkey", "device_id": device.pk},
        )


app_name = "otp_webauthn"  # the name the package's template tags reverse
urlpatterns = [
    path(
        "registration/begin/",
        BeginRegistration.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        webauthn.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
