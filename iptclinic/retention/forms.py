from __future__ import annotations

from django import forms

from iptclinic.lib.forms import CheckedTextForm


class KeepForm(CheckedTextForm, forms.Form):
    keep_until = forms.DateField(
        label="Keep the record until", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label="Why it is kept",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a legal hold, an open complaint, a request from the coroner.",
    )


class DestroyForm(CheckedTextForm, forms.Form):
    reason = forms.CharField(
        label="Why it is destroyed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: reviewed, past its retention date, no reason to keep it.",
    )
    confirm = forms.BooleanField(
        label="I have reviewed this record. Its clinical records and identifying details will be "
        "erased and cannot be brought back.",
    )
