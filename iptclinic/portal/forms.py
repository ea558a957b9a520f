"""Forms of the portal's own pages."""

from __future__ import annotations

from django import forms

from iptclinic.lib.forms import CheckedTextForm


class JoinCodeForm(CheckedTextForm, forms.Form):
    code = forms.CharField(
        label="Your code",
        max_length=20,
        help_text="8 letters and numbers, for example ACDE-F347. Capitals or not, it does not matter.",
        error_messages={"required": "Enter the code from your letter."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
