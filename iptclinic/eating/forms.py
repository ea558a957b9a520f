"""The eating log form: one attended session's counts, and the weight where the team records it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from iptclinic.inventory.forms import NoColon
from iptclinic.ipt.eating import (
    COMPENSATORY_LABELS,
    MAX_EPISODES,
    MAX_WEIGHT_KG,
    MIN_WEIGHT_KG,
    Compensatory,
)
from iptclinic.ipt.instruments import Instrument
from iptclinic.lib.forms import CheckedTextForm


def _count(label: str) -> forms.IntegerField:
    words = f"Enter a number from 0 to {MAX_EPISODES}."
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_EPISODES,
        initial=0,
        error_messages={
            "required": "Enter a number, 0 if none.",
            "invalid": words,
            "min_value": words,
            "max_value": words,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class EatingWeekForm(NoColon, CheckedTextForm, forms.Form):
    """Counts since the session before. ``sessions`` are (appointment id, label) choices."""

    appointment = forms.TypedChoiceField(
        label="Session", coerce=int, error_messages={"required": "Choose the session."}
    )
    binges = _count("Binge episodes")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, sessions: list[tuple[int, str]], records_weight: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment"].choices = sessions
        for kind in Compensatory:
            self.fields[kind.value] = _count(COMPENSATORY_LABELS[kind])
        if records_weight:
            words = f"Enter a weight from {MIN_WEIGHT_KG} to {MAX_WEIGHT_KG} kg."
            self.fields["weight_kg"] = forms.DecimalField(
                label="Weight (kg)",
                required=False,
                min_value=MIN_WEIGHT_KG,
                max_value=MAX_WEIGHT_KG,
                decimal_places=1,
                max_digits=4,
                error_messages={
                    "invalid": words,
                    "min_value": words,
                    "max_value": words,
                    "max_decimal_places": "Give the weight to one decimal place, in kg.",
                    "max_digits": words,
                },
                widget=forms.NumberInput(attrs={"step": "0.1"}),
            )

    @property
    def compensatory(self) -> dict[Compensatory, int]:
        return {kind: self.cleaned_data[kind.value] for kind in Compensatory}

    @property
    def weight_kg(self) -> Decimal | None:
        return self.cleaned_data.get("weight_kg")


class EatingSettingsForm(NoColon, CheckedTextForm, forms.Form):
    records_weight = forms.BooleanField(label="Record weight in the eating log", required=False)
    purging_rise = forms.IntegerField(
        label="A rise in vomiting, laxatives and water tablets that needs the therapist "
        "(episodes a week; 0 for never)",
        min_value=0,
        max_value=MAX_EPISODES,
        error_messages={
            "required": "Give a number of episodes, or 0 to turn this off.",
            "min_value": f"Give a number from 0 to {MAX_EPISODES}.",
            "max_value": f"Give a number from 0 to {MAX_EPISODES}.",
            "invalid": f"Give a number from 0 to {MAX_EPISODES}.",
        },
    )


class MeasureForm(NoColon, CheckedTextForm, forms.Form):
    """A configured questionnaire's items in its own wording, for one attended session."""

    appointment = forms.TypedChoiceField(
        label="Session", coerce=int, error_messages={"required": "Choose the session."}
    )

    def __init__(
        self, *args: Any, instrument: Instrument, sessions: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["appointment"].choices = sessions
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(str(o.value), o.text) for o in item.options],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.number}"] for item in self.instrument.items]

    @property
    def answers(self) -> dict[int, int | None]:
        return {
            item.number: (
                None
                if self.cleaned_data.get(f"item_{item.number}") in (None, "")
                else self.cleaned_data[f"item_{item.number}"]
            )
            for item in self.instrument.items
        }
