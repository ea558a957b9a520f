from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iptclinic.lib.forms import CheckedTextForm

from .models import Decision, IdentityCheck, ReleaseMethod, Requester
from .services import NOTE_LIMIT


class RequestForm(CheckedTextForm, forms.Form):
    received_on = forms.DateField(
        label="Date the request was received",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The copy is due one calendar month after this date.",
    )
    requester = forms.ChoiceField(
        label="Who asked", choices=Requester.choices, widget=forms.RadioSelect
    )
    requester_note = forms.CharField(
        label="Who is acting for them, and on what authority",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when someone acts for the person, for example: their solicitor, with "
        "their signed consent.",
    )
    identity_check = forms.ChoiceField(
        label="How identity was checked", choices=IdentityCheck.choices, widget=forms.RadioSelect
    )
    identity_note = forms.CharField(
        label="Note on the identity check (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future.")
        return received

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("requester") == Requester.REPRESENTATIVE
            and not cleaned.get("requester_note", "").strip()
        ):
            self.add_error(
                "requester_note", "Say who is acting for the person and on what authority."
            )
        return cleaned


class ExtendForm(CheckedTextForm, forms.Form):
    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[(1, "One further month"), (2, "Two further months")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why the request is complex",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Tell the person within the first month that the answer will take longer, "
        "and why.",
    )


class DecisionForm(CheckedTextForm, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(Decision.RELEASE, "Release the name"), (Decision.WITHHOLD, "Withhold the name")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to release or withhold the name."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for the decision."},
    )


class ReleaseForm(CheckedTextForm, forms.Form):
    method = forms.ChoiceField(
        label="How the copy was given", choices=ReleaseMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the tracking number of the recorded delivery.",
    )
