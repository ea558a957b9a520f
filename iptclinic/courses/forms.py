"""Forms for opening, running and ending a course. Every error message says what to do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.clients.models import Referral
from iptclinic.ipt.attendance import ATTENDEE_LABELS, needs_carer
from iptclinic.ipt.lifecycle import EARLY_END_REASON_LABELS, CourseState, EarlyEndReason
from iptclinic.ipt.phases import ContractLengthError, validate_contract_length
from iptclinic.ipt.tasks import Task
from iptclinic.ipt.variants import (
    SlotLengthError,
    Variant,
    check_slot_minutes,
    individual_variant_choices,
    variant_config,
)
from iptclinic.lib.forms import CheckedTextForm

from .models import RISK_QUESTIONS, RiskLevel, SessionRecord, YesNo
from .schedule import WEEKDAYS

TIME_ERRORS = {"invalid": "Enter a time such as 10:00 or 14:30."}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class ContractLengthField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            error_messages={
                "invalid": "Enter the number of sessions as a whole number, such as 16."
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **kwargs,
        )


def _check_length(form: forms.Form, field: str, variant: Variant) -> None:
    sessions = form.cleaned_data.get(field)
    if sessions is None:
        return
    try:
        validate_contract_length(sessions, variant)
    except ContractLengthError as error:
        form.add_error(field, str(error))


def _opening_choices() -> list[tuple[str, str]]:
    """The variants a course can open with: maintenance IPT starts from the course it continues,
    and a group member's course is opened from the group's pages (iptclinic/groups)."""
    return [
        (value, label)
        for value, label in individual_variant_choices()
        if not variant_config(value).continues_a_course
    ]


class SlotLengthField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            error_messages={
                "invalid": "Enter the length in minutes as a whole number, such as 30."
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **kwargs,
        )


class OpenCourseForm(CheckedTextForm, forms.Form):
    referral = forms.ModelChoiceField(queryset=Referral.objects.none(), empty_label=None)
    variant = forms.ChoiceField(
        label="IPT variant",
        choices=_opening_choices,
        initial=Variant.LEAFLET,
    )
    contracted_sessions = ContractLengthField(
        label="Number of sessions",
        initial=16,
        help_text="Provisional until the treatment agreement.",
    )
    start_date = forms.DateField(
        label="First session on or after", widget=DateInput(), error_messages=DATE_ERRORS
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week", choices=list(enumerate(WEEKDAYS)), coerce=int, initial=0
    )
    session_time = forms.TimeField(
        label="Time", widget=TimeInput(), error_messages=TIME_ERRORS, initial="10:00"
    )
    # Issue 14: interpersonal counselling is booked in 30-minute slots "or as configured".
    slot_minutes = SlotLengthField(
        label="Length of each session in minutes (interpersonal counselling only)",
        required=False,
        help_text="Leave empty for the usual length: appointments of an hour, or 30 minutes for "
        "interpersonal counselling. Interpersonal counselling sessions can be 20 to 50 minutes.",
    )

    def __init__(self, *args: Any, referrals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda r: (
            f"{r.get_presenting_problem_display()}, referred {r.received_on:%-d %b %Y} by {r.referrer}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("variant"):
            _check_length(self, "contracted_sessions", Variant(data["variant"]))
            if data.get("slot_minutes") is not None:
                try:
                    check_slot_minutes(data["slot_minutes"], data["variant"])
                except SlotLengthError as error:
                    self.add_error("slot_minutes", str(error))
        return data


class MaintenanceForm(CheckedTextForm, forms.Form):
    """Start maintenance IPT after an ended course (issue 14): prefilled, every four weeks."""

    contracted_sessions = ContractLengthField(
        label="Number of sessions",
        help_text="Sessions are every four weeks. Provisional until the new agreement.",
    )
    start_date = forms.DateField(
        label="First session on or after", widget=DateInput(), error_messages=DATE_ERRORS
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week", choices=list(enumerate(WEEKDAYS)), coerce=int
    )
    session_time = forms.TimeField(label="Time", widget=TimeInput(), error_messages=TIME_ERRORS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_length(self, "contracted_sessions", Variant.IPT_M)
        return data


class PlaceFields(CheckedTextForm, forms.Form):
    """Where a session happens (issue 11): shown to the client in the portal and its calendar."""

    place = forms.CharField(
        label="Place",
        max_length=300,
        required=False,
        help_text="For example a room or a clinic's address. Leave empty to use the team's address.",
    )
    video_link = forms.URLField(
        label="Video link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="For a session by video: the link the client opens to join.",
        error_messages={"invalid": "Enter the whole link, starting with https://"},
    )


class AppointmentPlaceForm(PlaceFields):
    """The staff page of one appointment: only where it happens."""


class RebookForm(PlaceFields):
    on = forms.DateField(
        label="New date", widget=DateInput(), required=False, error_messages=DATE_ERRORS
    )
    at = forms.TimeField(
        label="Time", widget=TimeInput(), required=False, error_messages=TIME_ERRORS
    )
    field_order = ["on", "at", "place", "video_link"]

    def starts_at(self, time_zone: str) -> datetime | None:
        day, at = self.cleaned_data.get("on"), self.cleaned_data.get("at")
        if day is None:
            return None
        return datetime.combine(day, at or datetime.min.time(), tzinfo=ZoneInfo(time_zone))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("on") and not data.get("at"):
            self.add_error("at", "Give a time for the new appointment.")
        if data.get("on") and data["on"] < timezone.localdate():
            self.add_error("on", "A new appointment cannot be in the past.")
        return data


class ContractForm(CheckedTextForm, forms.Form):
    contracted_sessions = ContractLengthField(label="Number of sessions")
    reason = forms.CharField(
        label="Reason for the change", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, variant: Variant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.variant = variant

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_length(self, "contracted_sessions", self.variant)
        return data


class AgreementForm(CheckedTextForm, forms.Form):
    agreed_on = forms.DateField(label="Agreed on", widget=DateInput(), error_messages=DATE_ERRORS)


class SessionRecordForm(CheckedTextForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tasks_done = forms.MultipleChoiceField(
        label="Covered in this session", widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = SessionRecord
        fields = [
            "agenda",
            "tasks_done",
            "notes",
            *[name for name, _ in RISK_QUESTIONS],
            "risk_level",
            "risk_action",
            "risk_reconciliation",
        ]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 8}),
            "risk_action": forms.Textarea(attrs={"rows": 2}),
            "risk_reconciliation": forms.Textarea(
                attrs={"rows": 3, "aria-describedby": "reconciliation-help"}
            ),
            "risk_level": forms.RadioSelect,
            **{name: forms.RadioSelect for name, _ in RISK_QUESTIONS},
        }
        labels = {name: label for name, label in RISK_QUESTIONS}

    def __init__(
        self, *args: Any, checklist: tuple[Task, ...], ask_reconciliation: bool, **kwargs: Any
    ) -> None:
        """``ask_reconciliation``: something besides the risk check speaks of risk at this session.

        Without that (and with no note already written) the note is left off the form altogether,
        so a page that did not show it cannot blank it.
        """
        super().__init__(*args, **kwargs)
        if not ask_reconciliation and not self.instance.risk_reconciliation:
            del self.fields["risk_reconciliation"]
        self.fields["tasks_done"].choices = [(t.code, t.label) for t in checklist]
        for name, _ in RISK_QUESTIONS:
            self.fields[name].choices = YesNo.choices
            self.fields[name].required = False
        self.fields["risk_level"].choices = RiskLevel.choices
        self.fields["risk_level"].required = False
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    @property
    def risk_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in RISK_QUESTIONS]


class EndCourseForm(CheckedTextForm, forms.Form):
    outcome = forms.ChoiceField(
        label="How did the course end?",
        widget=forms.RadioSelect,
        choices=[
            (CourseState.COMPLETED.value, "Completed: all the contracted sessions took place"),
            (CourseState.ENDED_EARLY.value, "Ended early"),
        ],
    )
    reason = forms.ChoiceField(
        label="If it ended early, why?",
        required=False,
        choices=[
            ("", "Choose a reason"),
            *[(r.value, label) for r, label in EARLY_END_REASON_LABELS.items()],
        ],
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    ended_on = forms.DateField(label="Ended on", widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, open_alerts: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each open risk alert is reviewed in the same step as the ending (issue 8).
        self.open_alerts = list(open_alerts)
        for alert in self.open_alerts:
            self.fields[f"assessment_{alert.pk}"] = forms.CharField(
                label="What was assessed",
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Say what you assessed about this risk alert."},
            )
            self.fields[f"action_{alert.pk}"] = forms.CharField(
                label="Action taken",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "Say what action was taken, even if it was none."},
            )

    @property
    def alert_fields(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (alert, self[f"assessment_{alert.pk}"], self[f"action_{alert.pk}"])
            for alert in self.open_alerts
        ]

    @property
    def course_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("outcome", "reason", "note", "ended_on")]

    def alert_reviews(self) -> dict[int, tuple[str, str]]:
        return {
            alert.pk: (
                self.cleaned_data[f"assessment_{alert.pk}"],
                self.cleaned_data[f"action_{alert.pk}"],
            )
            for alert in self.open_alerts
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == CourseState.ENDED_EARLY and not data.get("reason"):
            self.add_error("reason", "Choose why the course ended early.")
        return data

    @property
    def target(self) -> CourseState:
        return CourseState(self.cleaned_data["outcome"])

    @property
    def early_reason(self) -> EarlyEndReason | None:
        reason = self.cleaned_data.get("reason")
        return EarlyEndReason(reason) if reason and self.target == CourseState.ENDED_EARLY else None


class CarerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        agreed = "" if obj.may_involve else " (has not agreed to join)"
        return f"{obj.name} ({obj.relationship}){agreed}"


class AttendeeForm(CheckedTextForm, forms.Form):
    """Who a planned appointment is with (IPT for adolescents, issue 14)."""

    attendee = forms.ChoiceField(
        label="Who attends",
        choices=[(a.value, label) for a, label in ATTENDEE_LABELS.items()],
    )
    carer = CarerChoice(
        label="Parent or carer",
        queryset=None,
        required=False,
        empty_label="No parent or carer",
        help_text="Only someone the young person has agreed may join.",
    )

    def __init__(self, *args: Any, carers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].queryset = carers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("attendee") and needs_carer(data["attendee"]) and not data.get("carer"):
            self.add_error("carer", "Choose the parent or carer who joins this session.")
        return data


class CarerSessionForm(CheckedTextForm, forms.Form):
    """An extra session with a parent or carer alone (IPT for adolescents, issue 14)."""

    on = forms.DateField(label="Date", widget=DateInput(), error_messages=DATE_ERRORS)
    at = forms.TimeField(label="Time", widget=TimeInput(), error_messages=TIME_ERRORS)
    carer = CarerChoice(
        label="Parent or carer",
        queryset=None,
        empty_label=None,
        help_text="Only someone the young person has agreed may join.",
    )

    def __init__(self, *args: Any, carers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carer"].queryset = carers

    def starts_at(self, time_zone: str) -> datetime:
        return datetime.combine(
            self.cleaned_data["on"], self.cleaned_data["at"], tzinfo=ZoneInfo(time_zone)
        )
