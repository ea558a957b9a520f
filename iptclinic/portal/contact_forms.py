"""The forms of "Contact and concerns" and of asking about an entry of "who has looked"."""

from __future__ import annotations

from django import forms

from iptclinic.lib.forms import CheckedTextForm

from .contact_services import NOTE_LIMIT, TEXT_LIMIT


class SendForm(CheckedTextForm, forms.Form):
    text = forms.CharField(
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6, "class": "nhsuk-textarea"}),
        error_messages={
            "required": "Write your message before you send it.",
            "max_length": f"Please keep it to {TEXT_LIMIT} characters.",
        },
    )


class ComplaintForm(SendForm):
    wants_advice_service = forms.BooleanField(
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}),
    )


class QuestionForm(CheckedTextForm, forms.Form):
    text = forms.CharField(
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-textarea"}),
        error_messages={
            "required": "Write your question before you send it.",
            "max_length": f"Please keep it to {TEXT_LIMIT} characters.",
        },
    )


class AnswerForm(CheckedTextForm, forms.Form):
    note = forms.CharField(
        label="How was it answered?",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the team: for example, phoned on Tuesday and moved the session. The "
        "person sees only that it was answered and when, not this note.",
        error_messages={"required": "Say in a few words how it was answered."},
    )
