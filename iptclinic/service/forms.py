"""The dashboard's period (last 3 or 12 months, or two dates) and a therapist's capacity."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.lib.forms import CheckedTextForm

PRESETS = {"3": 91, "12": 365}
"""Preset periods: the last 3 months (13 weeks) or 12 months, ending today."""

LONGEST_PERIOD_DAYS = 366 * 5


class PeriodForm(CheckedTextForm, forms.Form):
    period = forms.ChoiceField(
        label="Period",
        choices=[("3", "Last 3 months"), ("12", "Last 12 months"), ("dates", "Between two dates")],
        initial="12",
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label="From", required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    end = forms.DateField(
        label="To", required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        period = data.get("period")
        if period in PRESETS:
            data["end"] = self.today
            data["start"] = self.today - timedelta(days=PRESETS[period] - 1)
            return data
        start, end = data.get("start"), data.get("end")
        if period == "dates" and not self.errors:
            if start is None or end is None:
                for name, value in (("start", start), ("end", end)):
                    if value is None:
                        self.add_error(name, "Enter both dates, or choose the last 3 or 12 months.")
            elif end < start:
                self.add_error(
                    "end",
                    f"The end of the period ({end:%-d %B %Y}) is before its start "
                    f"({start:%-d %B %Y}). Choose an end on or after the start.",
                )
            elif end > self.today:
                self.add_error(
                    "end",
                    f"The end of the period ({end:%-d %B %Y}) is after today. Choose today or "
                    "an earlier day.",
                )
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                self.add_error("start", "Choose a period of 5 years or less.")
        return data

    def query(self) -> str:
        """The period as a query string, for the links to lists and files."""
        data = self.cleaned_data
        return f"period=dates&start={data['start'].isoformat()}&end={data['end'].isoformat()}"


class CapacityForm(CheckedTextForm, forms.Form):
    open_courses = forms.IntegerField(
        label="Open courses they can hold",
        min_value=0,
        max_value=200,
        error_messages={
            "required": "Enter a number of courses, 0 or more.",
            "invalid": "Enter a whole number of courses, for example 30.",
            "min_value": "Enter a number of courses, 0 or more.",
            "max_value": "Enter 200 courses or fewer.",
        },
    )
