"""Forms of the sign-in steps after the password."""

from __future__ import annotations

from django import forms

from iptclinic.lib.forms import CheckedTextForm


class CodeForm(CheckedTextForm, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasswordForm(CheckedTextForm, forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
