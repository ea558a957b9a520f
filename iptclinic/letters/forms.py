"""Forms for issuing letters, the team's contact details and translators' sign-offs."""

from __future__ import annotations

from typing import Any

from django import forms

from iptclinic.accounts.models import Team
from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.lib.forms import CheckedTextForm

from .languages import ENGLISH, SHIPPED
from .models import LetterFormat
from .selectors import LetterDraft
from .services import TEAM_CONTACT_FIELDS


class IssueForm(CheckedTextForm, forms.Form):
    formats = forms.MultipleChoiceField(
        label="Formats to make",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Standard print is always made. The person's recorded needs are ticked and "
        "must stay ticked; add any other format they ask for.",
    )
    acknowledged = forms.BooleanField(
        label="I have read the notes about this letter's language", required=False
    )
    referrer_address = forms.CharField(
        label="Address of the referrer, for their copy",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, draft: LetterDraft, **kwargs: Any) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.draft = draft
        needed = draft.needed
        self.fields["formats"].choices = [
            (fmt.value, f"{fmt.label} (recorded need)" if fmt in needed else fmt.label)
            for fmt in draft.content.formats
        ]
        self.fields["formats"].initial = sorted(fmt.value for fmt in draft.default)
        if not draft.notes:
            del self.fields["acknowledged"]
        copy = draft.content.context.get("copy_to")
        if copy is None or draft.content.context["referral"].referrer_address.strip():
            del self.fields["referrer_address"]

    def chosen_formats(self) -> set[LetterFormat]:
        return {LetterFormat(value) for value in self.cleaned_data["formats"]}


class TeamContactsForm(CheckedTextForm, forms.ModelForm):
    bsl_video_relay = forms.URLField(
        label="BSL video relay link", required=False, assume_scheme="https"
    )
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Team
        fields = TEAM_CONTACT_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 4}),
            "crisis_contacts": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"phone": "Switchboard phone"}


class TranslationSignOffForm(CheckedTextForm, forms.Form):
    person_name_fields = frozenset({"reviewer"})

    language = forms.ChoiceField(
        choices=[(code, lang.english_name) for code, lang in SHIPPED.items() if code != ENGLISH]
    )
    reviewer = forms.CharField(label="Translator's name", max_length=150)
    qualification = forms.CharField(
        label="Translator's qualification",
        max_length=200,
        help_text="For example: Member of the Chartered Institute of Linguists (Polish).",
    )
    reviewed_on = forms.DateField(
        label="Date of the review", widget=DateInput(), error_messages=DATE_ERRORS
    )
