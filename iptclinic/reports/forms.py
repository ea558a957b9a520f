"""The report's period: two dates, the end not before the start."""

from __future__ import annotations

from typing import Any

from django import forms

from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.lib.forms import CheckedTextForm


class PeriodForm(CheckedTextForm, forms.Form):
    start = forms.DateField(label="From", widget=DateInput(), error_messages=DATE_ERRORS)
    end = forms.DateField(label="To", widget=DateInput(), error_messages=DATE_ERRORS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                f"The end of the period ({end:%-d %B %Y}) is before its start "
                f"({start:%-d %B %Y}). Choose an end on or after the start.",
            )
        return data
