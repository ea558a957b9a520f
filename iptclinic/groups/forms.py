"""Creating a group and choosing its members; the forms keep what was typed on error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from iptclinic.accounts.models import User
from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.clients.models import Referral
from iptclinic.courses.forms import TIME_ERRORS, TimeInput
from iptclinic.courses.schedule import WEEKDAYS
from iptclinic.ipt.groups import WHO_FORMAT
from iptclinic.lib.forms import CheckedTextForm


class GroupForm(CheckedTextForm, forms.Form):
    name = forms.CharField(label="Name of the group", max_length=120)
    co_facilitators = forms.ModelMultipleChoiceField(
        label="Co-facilitators",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They run the sessions with you and record attendance.",
    )
    start_date = forms.DateField(
        label="First group session on or after", widget=DateInput(), error_messages=DATE_ERRORS
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week", choices=list(enumerate(WEEKDAYS)), coerce=int, initial=1
    )
    session_time = forms.TimeField(
        label="Time", widget=TimeInput(), error_messages=TIME_ERRORS, initial="10:00"
    )
    place = forms.CharField(label="Place", max_length=300, required=False)
    min_members = forms.IntegerField(
        label="Smallest group", min_value=2, max_value=12, initial=WHO_FORMAT.min_members
    )
    max_members = forms.IntegerField(
        label="Largest group", min_value=2, max_value=12, initial=WHO_FORMAT.max_members
    )
    rules = forms.CharField(
        label="Group rules",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: what is said in the group stays in the group. "
        "Each member agrees to them as part of their treatment contract.",
    )

    def __init__(self, *args: Any, colleagues: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["co_facilitators"].queryset = colleagues
        self.fields["co_facilitators"].label_from_instance = lambda u: u.display_name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        smallest, largest = data.get("min_members"), data.get("max_members")
        if smallest and largest and smallest > largest:
            self.add_error("max_members", "The largest group cannot be smaller than the smallest.")
        return data


class AddMembersForm(CheckedTextForm, forms.Form):
    referrals = forms.ModelMultipleChoiceField(
        label="People to add",
        queryset=Referral.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one person to add."},
    )

    def __init__(self, *args: Any, referrals: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referrals"].queryset = referrals
        self.fields["referrals"].label_from_instance = lambda r: (
            f"{r.client.full_name}, referred {r.received_on:%-d %b %Y}"
        )
