"""The sign-in form (one message for every refusal: ``signin.refusal_message``) and the forms of
the steps after the password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from iptclinic.lib.forms import CheckedTextForm

from .signin import refusal_message


class PasswordsAsTyped:
    """Put before ``CheckedTextForm``: a password is kept exactly as typed, never normalised or
    refused for its characters, as the text checks would change what the person signs in with."""

    def text_kind(self, name: str, field: forms.Field) -> Any:
        if isinstance(field.widget, forms.PasswordInput):
            return None
        return super().text_kind(name, field)  # type: ignore[misc]


class SignInForm(PasswordsAsTyped, CheckedTextForm, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A wrong password, an unknown or inactive account and a lock read the same.
        message = refusal_message()
        self.error_messages = {**self.error_messages, "invalid_login": message, "inactive": message}


class CodeForm(CheckedTextForm, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasswordForm(PasswordsAsTyped, CheckedTextForm, forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
