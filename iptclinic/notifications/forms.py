from __future__ import annotations

from typing import Any

from django import forms

from iptclinic.lib.forms import CheckedTextForm

from .channels import channel_for
from .models import Channel, Preference, TeamReminders


class PreferenceForm(CheckedTextForm, forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["channel", "routine"]
        labels = {"channel": "Send my messages by", "routine": "Items that are not about risk"}
        widgets = {"channel": forms.RadioSelect, "routine": forms.RadioSelect}
        help_texts = {
            "routine": "A risk alert that needs you is always sent at once, whatever you choose.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channel_for(Channel.SMS) is None:
            self.fields["channel"].choices = [(Channel.EMAIL.value, Channel.EMAIL.label)]

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        user = self.instance.user
        if channel == Channel.SMS and not user.mobile_phone.strip():
            raise forms.ValidationError(
                "No mobile phone number is recorded for you. Ask your service lead to add it, "
                "or choose email."
            )
        if channel == Channel.EMAIL and not user.email.strip():
            raise forms.ValidationError(
                "No email address is recorded for you. Ask your service lead to add it."
            )
        return channel


class TeamRemindersForm(CheckedTextForm, forms.ModelForm):
    """How the team reminds service users of their appointments (issue 11)."""

    class Meta:
        model = TeamReminders
        fields = ["days_before", "sender_name"]
        error_messages = {
            "days_before": {"invalid": "Enter a whole number of days, such as 2, or 0 for none."}
        }

    def clean_days_before(self) -> int:
        days = self.cleaned_data["days_before"]
        if days > 14:
            raise forms.ValidationError("Send reminders at most 14 days before an appointment.")
        return int(days)
