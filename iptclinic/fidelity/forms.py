"""The rating form: one question per checklist item, built from the stored or new checklist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from iptclinic.ipt.fidelity import MARK_LABELS, NOT_THIS_SESSION_LABEL, Item, Mark
from iptclinic.lib.forms import CheckedTextForm

from .models import Source

NOT_THIS_SESSION = "not_this_session"


def _field_name(index: int) -> str:
    return f"item_{index}"


class RatingForm(CheckedTextForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        items: Sequence[Item],
        sources: Sequence[Source],
        rating: Any = None,
    ) -> None:
        saved = rating.scores if rating is not None else {}
        initial: dict[str, Any] = {"version": rating.version if rating is not None else 0}
        super().__init__(data, initial=initial)
        self.items = list(items)
        marks = [(str(int(m)), label) for m, label in reversed(MARK_LABELS.items())]
        for index, item in enumerate(self.items):
            choices = marks + (
                [(NOT_THIS_SESSION, NOT_THIS_SESSION_LABEL)] if item.may_be_skipped else []
            )
            value = saved.get(item.code, "unset")
            self.fields[_field_name(index)] = forms.ChoiceField(
                label=item.label,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose a mark for this item."},
                initial=None
                if value == "unset"
                else NOT_THIS_SESSION
                if value is None
                else str(value),
            )
        if len(sources) > 1:
            self.fields["source"] = forms.ChoiceField(
                label="How you saw the session",
                choices=[(s.value, s.label) for s in sources],
                widget=forms.RadioSelect,
                initial=rating.source if rating is not None else None,
                error_messages={
                    "required": "Say whether you rated from a recording or were there."
                },
            )
        self.fixed_source = sources[0] if len(sources) == 1 else None

    def item_fields(self) -> list[tuple[Item, forms.BoundField]]:
        return [(item, self[_field_name(i)]) for i, item in enumerate(self.items)]

    @property
    def scores(self) -> dict[str, int | None]:
        """The answers by item code, once the form is valid."""
        found: dict[str, int | None] = {}
        for index, item in enumerate(self.items):
            value = self.cleaned_data[_field_name(index)]
            found[item.code] = None if value == NOT_THIS_SESSION else int(Mark(int(value)))
        return found

    @property
    def source(self) -> Source:
        return self.fixed_source or Source(self.cleaned_data["source"])
