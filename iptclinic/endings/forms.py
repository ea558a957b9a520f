"""The ending record form: the full ending, or the shorter one of an early ending."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.ipt.ending import DISPOSITION_LABELS, DISPOSITIONS_FOR, EndingKind
from iptclinic.lib.forms import CheckedTextForm

from .models import EndingRecord

_TEXT = {"rows": 3}
_SHARED = [
    "warning_signs",
    "relapse_plan",
    "share_plan",
    "share_with_name",
    "share_with_relationship",
    "share_consent_on",
    "gp_consent",
]
FULL_FIELDS = [
    "feelings_about_ending",
    "past_losses",
    "progress_review",
    "what_helped",
    *_SHARED,
    "future_goals",
    "disposition",
    "alternative_plan",
]
EARLY_FIELDS = ["early_summary", *_SHARED, "disposition", "alternative_plan"]


class EndingRecordForm(CheckedTextForm, forms.ModelForm):
    person_name_fields = frozenset({"share_with_name"})

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EndingRecord
        fields = sorted(set(FULL_FIELDS) | set(EARLY_FIELDS))
        widgets = {
            "share_consent_on": DateInput(),
            "disposition": forms.RadioSelect,
        }
        error_messages = {"share_consent_on": DATE_ERRORS}

    def __init__(self, *args: Any, kind: EndingKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = FULL_FIELDS if kind is EndingKind.FULL else EARLY_FIELDS
        for name in list(self.fields):
            if name not in (*keep, "version"):
                del self.fields[name]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(_TEXT)
            if name not in ("version",):
                field.required = False
        self.fields["disposition"].choices = [
            (d.value, DISPOSITION_LABELS[d]) for d in DISPOSITIONS_FOR[kind]
        ]
        self.fields["disposition"].required = False
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)
        if self.instance.pk and self.instance.is_complete:
            # A complete record may already have gone into letters: a change says why (H-069).
            self.fields["change_reason"] = forms.CharField(
                label="What changed, and why?",
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="The record is complete, so the earlier wording is kept in its history "
                "with this reason.",
                error_messages={
                    "required": "Say what changed and why: the record was already complete."
                },
            )

    def clean_share_consent_on(self) -> Any:
        value = self.cleaned_data.get("share_consent_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date of consent cannot be in the future.")
        return value

    def record_data(self) -> dict[str, Any]:
        """The cleaned values to save, with the kind this form was built for."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "change_reason")}
        data["kind"] = self.kind
        return data
