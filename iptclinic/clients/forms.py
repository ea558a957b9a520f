"""Forms for registering a client, keeping their details and allocating them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.ipt.nhs_number import nhs_number_problem, normalise_nhs_number
from iptclinic.ipt.phases import PHASE_LABELS
from iptclinic.lib.forms import CheckedTextForm

from .models import Client, PresentingProblem, Referral
from .selectors import STANDING_LABELS

DATE_HELP = "For example 23/04/1985."
DATE_ERRORS = {"invalid": "Enter a real date as day/month/year, for example 23/04/1985."}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClientDetailsForm(CheckedTextForm, forms.ModelForm):
    person_name_fields = frozenset(
        {"given_name", "family_name", "preferred_name", "care_coordinator"}
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Longer than the ten stored digits so "943 476 5919" can be typed; clean_nhs_number
    # checks the number and stores the digits alone.
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        required=False,
        help_text="Ten digits; spaces are fine. Leave blank if not known.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Client
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "nhs_number",
            "address",
            "postcode",
            "phone",
            "email",
            "preferred_contact",
            "gp_practice",
            "gp_address",
            "care_coordinator",
            "language",
            "interpreter",
            "large_print",
            "braille",
            "audio",
            "easy_read",
            "other_needs",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
            "gp_address": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"date_of_birth": DATE_ERRORS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_nhs_number(self) -> str:
        text = self.cleaned_data["nhs_number"].strip()
        if not text:
            return ""
        problem = nhs_number_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return normalise_nhs_number(text)

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Check the year of birth: it is before 1900.")
        return born


class ClientCorrectionForm(ClientDetailsForm):
    """Changing saved details: the earlier values are kept, with what changed and why."""

    change_reason = forms.CharField(
        label="What changed, and why?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: new phone number, given by the client on the phone. The earlier "
        "details are kept in the history with this reason.",
        error_messages={
            "required": "Say what changed and why: it is kept with the earlier details."
        },
    )


class ReferralForm(CheckedTextForm, forms.ModelForm):
    person_name_fields = frozenset({"referrer"})

    class Meta:
        model = Referral
        fields = [
            "received_on",
            "referrer",
            "referrer_address",
            "reason",
            "presenting_problem",
            "presenting_problem_other",
        ]
        widgets = {
            "received_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "referrer_address": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"received_on": DATE_ERRORS}

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("The referral date cannot be in the future.")
        return received

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("presenting_problem") == PresentingProblem.OTHER
            and not data.get("presenting_problem_other", "").strip()
        ):
            self.add_error("presenting_problem_other", "Say what the presenting problem is.")
        return data


class ReferralCorrectionForm(ReferralForm):
    """Changing a saved referral: the earlier details are kept, with what changed and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="What changed, and why?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The earlier details are kept in the history with this reason.",
        error_messages={
            "required": "Say what changed and why: it is kept with the earlier details."
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


def therapist_choices(team_id: int) -> Any:
    return User.objects.filter(team_id=team_id, is_therapist=True, is_active=True)


class AllocationForm(CheckedTextForm, forms.Form):
    therapist = forms.ModelChoiceField(
        queryset=User.objects.none(), empty_label="Not allocated yet", required=False
    )
    reason = forms.CharField(
        label="Why is the client moving?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the client has a course in progress, an open risk alert or work "
        "waiting: it is kept with their record.",
    )

    def __init__(self, *args: Any, team_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapist_choices(team_id)


class ClientSearchForm(CheckedTextForm, forms.Form):
    """The client list's search, sent by GET so a search can be bookmarked and works without
    JavaScript; every field is optional and an empty form lists everyone the person may see."""

    text = forms.CharField(
        label="Name or NHS number",
        max_length=100,
        required=False,
        help_text="Part of a name is enough; an NHS number must be all ten digits.",
    )
    therapist = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any therapist"
    )
    standing = forms.ChoiceField(label="Course", required=False)
    phase = forms.ChoiceField(
        label="Phase of an open course",
        required=False,
        choices=[("", "Any"), *((p.value, label) for p, label in PHASE_LABELS.items())],
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, therapists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        self.fields["therapist"].label_from_instance = lambda user: user.display_name
        self.fields["standing"].choices = [("", "Any"), *STANDING_LABELS.items()]
