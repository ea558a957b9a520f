"""The supervision record: one set of fields per client the supervisor may discuss."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.lib.forms import CheckedTextForm

from .selectors import CourseChoice
from .services import ACTION_LIMIT, AGREED_LIMIT, NOTE_LIMIT, ActionInput, CaseInput

ACTION_ROWS = 3


class MeetingForm(CheckedTextForm, forms.Form):
    met_on = forms.DateField(
        label="Date of the meeting", widget=DateInput(), error_messages=DATE_ERRORS
    )
    agreed = forms.CharField(
        label="What was agreed",
        required=False,
        max_length=AGREED_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recordings = forms.TypedMultipleChoiceField(
        label="Recordings heard",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only sessions whose recording may be heard are listed: the client's consent "
        "stood on the day of the session and still stands.",
    )

    def __init__(self, *args: Any, choices: list[CourseChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["met_on"].initial = timezone.localdate()
        recordings = []
        for choice in choices:
            pk, name = choice.course.pk, choice.client.full_name
            self.fields[f"case_{pk}"] = forms.BooleanField(
                label=f"Discussed {name}", required=False
            )
            self.fields[f"session_{pk}"] = forms.TypedChoiceField(
                label=f"Session discussed with {name} (if one)",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "No one session"), *choice.sessions],
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=f"Note about {name}",
                required=False,
                max_length=NOTE_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            recordings.extend((a, f"{name}: {label}") for a, label in choice.recordings)
        self.fields["recordings"].choices = recordings
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}"] = forms.CharField(
                label=f"Action {row}", required=False, max_length=ACTION_LIMIT
            )
            self.fields[f"due_{row}"] = forms.DateField(
                label=f"Action {row} due by",
                required=False,
                widget=DateInput(),
                error_messages=DATE_ERRORS,
            )

    def client_fields(self) -> list[tuple[CourseChoice, Any, Any, Any]]:
        return [
            (
                choice,
                self[f"case_{choice.course.pk}"],
                self[f"session_{choice.course.pk}"],
                self[f"note_{choice.course.pk}"],
            )
            for choice in self.choices
        ]

    def action_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"action_{n}"], self[f"due_{n}"]) for n in range(1, ACTION_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(f"case_{c.course.pk}") for c in self.choices):
            self.add_error(None, "Tick at least one client you discussed.")
        for row in range(1, ACTION_ROWS + 1):
            text, due = data.get(f"action_{row}", ""), data.get(f"due_{row}")
            if text and due is None and f"due_{row}" not in self.errors:
                self.add_error(f"due_{row}", "Give the day the action is due by.")
            if due is not None and not text:
                self.add_error(f"action_{row}", "Say what the action is, or clear its date.")
            if due is not None and due < timezone.localdate():
                self.add_error(f"due_{row}", "An action cannot be due in the past.")
        return data

    def cases(self) -> list[CaseInput]:
        cases = []
        for choice in self.choices:
            pk = choice.course.pk
            if not self.cleaned_data.get(f"case_{pk}"):
                continue
            session = self.cleaned_data.get(f"session_{pk}")
            appointment = next((a for a in choice.course.attended if a.pk == session), None)  # type: ignore[attr-defined]
            cases.append(CaseInput(choice.course, appointment, self.cleaned_data[f"note_{pk}"]))
        return cases

    def recordings_heard(self) -> list[Any]:
        chosen = set(self.cleaned_data.get("recordings") or [])
        return [
            appointment
            for choice in self.choices
            for appointment in choice.course.attended  # type: ignore[attr-defined]
            if appointment.pk in chosen
        ]

    def actions(self) -> list[ActionInput]:
        return [
            ActionInput(self.cleaned_data[f"action_{n}"], self.cleaned_data[f"due_{n}"])
            for n in range(1, ACTION_ROWS + 1)
            if self.cleaned_data.get(f"action_{n}")
        ]
