from __future__ import annotations

from django import forms

from iptclinic.lib.forms import CheckedTextForm

from .services import NOTE_LIMIT


class ResolveForm(CheckedTextForm, forms.Form):
    note = forms.CharField(
        label="What did you do?",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A few words for the record, for example: phoned and rebooked for Thursday.",
        error_messages={"required": "Say in a few words what you did, so the item can be closed."},
    )
