"""Forms built from the instrument data: one radio group per item, in the instrument's words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iptclinic.accounts.models import BankHolidays, Team, User, with_role
from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.clients.models import Referral
from iptclinic.courses.forms import TIME_ERRORS, TimeInput
from iptclinic.ipt.instruments import INSTRUMENTS, Instrument
from iptclinic.ipt.measure_schedule import FREQUENCY_LABELS, Frequency
from iptclinic.ipt.safety_net import SafetyNetSettings
from iptclinic.ipt.scoring import NOT_APPLICABLE, Answer
from iptclinic.lib.forms import CheckedTextForm
from iptclinic.measures.duty import DUTY_ROLES

from .models import NOT_APPLICABLE_STORED


def _item_field(form: Instrument, number: int) -> forms.ChoiceField:
    item = form.item(number)
    choices = [(str(option.value), option.text) for option in item.options]
    if item.not_applicable_allowed:
        choices.append((NOT_APPLICABLE_STORED, item.not_applicable_text or "Not applicable"))
    # An explicit blank, so an answer given by mistake can be taken back when editing.
    choices.append(("", "No answer"))
    return forms.ChoiceField(
        label=item.text,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": (
                f"Item {number}: “%(value)s” is not one of its answers. Choose one of the "
                f"answers shown ({item.allowed_text()})."
            )
        },
    )


class AnswersForm(CheckedTextForm, forms.Form):
    """The items of one instrument. Unanswered items are allowed: the core decides what follows."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = _item_field(instrument, item.number)

    @property
    def item_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(item, self[f"item_{item.number}"]) for item in self.instrument.items]

    def answers(self) -> dict[int, Answer]:
        answers: dict[int, Answer] = {}
        for item in self.instrument.items:
            value = self.cleaned_data.get(f"item_{item.number}") or ""
            if value == NOT_APPLICABLE_STORED:
                answers[item.number] = NOT_APPLICABLE
            elif value != "":
                answers[item.number] = int(value)
            else:
                answers[item.number] = None
        return answers

    @staticmethod
    def initial_from(stored: dict[str, object]) -> dict[str, str]:
        return {
            f"item_{number}": str(value) for number, value in stored.items() if value is not None
        }


class OutsideSessionForm(AnswersForm):
    """A questionnaire completed outside a session, for example at assessment."""

    completed_on = forms.DateField(
        label="Completed on", widget=DateInput(), error_messages=DATE_ERRORS
    )
    referral = forms.ModelChoiceField(
        queryset=Referral.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this person's referrals."},
    )

    def __init__(self, *args: Any, referrals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda r: (
            f"{r.get_presenting_problem_display()}, referred {r.received_on:%-d %b %Y}"
            + ("" if r.is_open else f" (closed {r.closed_on:%-d %b %Y})")
        )
        self.order_fields(["completed_on", "referral"])

    def clean_completed_on(self) -> Any:
        completed = self.cleaned_data["completed_on"]
        if completed > timezone.localdate():
            self.add_error("completed_on", "The date cannot be in the future.")
        return completed


class EditAnswersForm(AnswersForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why are the answers being changed?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the answers are being changed."},
    )


class ReviewForm(CheckedTextForm, forms.Form):
    assessment = forms.CharField(
        label="What was assessed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: who spoke with the person, how, and what they said about risk.",
        error_messages={"required": "Say what you assessed."},
    )
    action = forms.CharField(
        label="Action taken",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: safety plan reviewed, GP informed, crisis team contacted.",
        error_messages={"required": "Say what action was taken, even if it was none."},
    )


SAFETY_NET_FIELDS = {
    "contact_after_missed_within_days": (
        "Contact a client who did not attend within (working days)",
        1,
        10,
    ),
    "missed_in_a_row_for_supervisor": (
        "Tell the supervisor after this many missed in a row",
        2,
        10,
    ),
    "missed_in_course_for_supervisor": (
        "Tell the supervisor after this many missed in a course",
        2,
        20,
    ),
    "record_written_within_days": ("Write a session record within (working days)", 1, 10),
    "record_signed_within_days": ("Sign a session record within (working days)", 1, 20),
    "questionnaires_within_days": (
        "Record a missing questionnaire within (working days)",
        1,
        10,
    ),
    "waiting_weeks_for_first_session": ("A referral waiting longer than (weeks)", 1, 52),
}
"""The safety net's thresholds a lead can change, with their words and sensible bounds."""


def _clinicians(team: Team) -> Any:
    return User.objects.filter(with_role(*DUTY_ROLES), team=team, is_active=True)


def _clinician_label(user: User) -> str:
    clinical_roles = [role.label for role in DUTY_ROLES if user.has_role(role)]
    return f"{user.display_name} ({', '.join(clinical_roles)})"


class TeamSettingsForm(CheckedTextForm, forms.Form):
    duty_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose the duty clinician",
        help_text="On duty whenever the rota below names nobody. Sees every risk alert not "
        "reviewed by the end of the working day.",
        error_messages={
            "required": "Choose the duty clinician: a risk alert not reviewed by the end of the "
            "working day goes to them."
        },
    )
    working_day_starts = forms.TimeField(
        label="The working day starts at",
        widget=TimeInput(),
        error_messages=TIME_ERRORS,
        help_text="A risk alert still not reviewed reaches the service lead at this time on the "
        "next working day, and is sent again each working morning.",
    )
    working_day_ends = forms.TimeField(
        label="The working day ends at",
        widget=TimeInput(),
        error_messages=TIME_ERRORS,
        help_text="An alert not reviewed by then is shown to the supervisor and the duty "
        "clinician as well.",
    )
    bank_holidays = forms.ChoiceField(
        label="Bank holidays", choices=BankHolidays.choices, required=False
    )
    gad7_prorating = forms.BooleanField(
        label="Prorate a GAD-7 with one answer missing",
        required=False,
        help_text="No checked rule exists for missing GAD-7 answers. When this is off, a GAD-7 "
        "with an answer missing has no total.",
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duty_clinician"].queryset = _clinicians(team)
        self.fields["duty_clinician"].label_from_instance = _clinician_label
        frequencies = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
        for code, form in INSTRUMENTS.items():
            self.fields[f"schedule_{code}"] = forms.ChoiceField(
                label=form.short_name, choices=frequencies
            )
        for name, (label, low, high) in SAFETY_NET_FIELDS.items():
            self.fields[f"net_{name}"] = forms.IntegerField(
                label=label,
                min_value=low,
                max_value=high,
                error_messages={"invalid": "Enter a whole number."},
            )
        for code, change in SafetyNetSettings().reliable_rise.items():
            form = INSTRUMENTS[code]
            self.fields[f"rise_{code}"] = forms.IntegerField(
                label=f"A rise in the {form.short_name} that counts as reliably worse (points)",
                min_value=1,
                max_value=form.max_total,
                help_text=f"The published reliable change is {change}.",
                error_messages={"invalid": "Enter a whole number."},
            )

    @property
    def schedule_fields(self) -> list[forms.BoundField]:
        return [self[f"schedule_{code}"] for code in INSTRUMENTS]

    @property
    def safety_net_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(("net_", "rise_"))]

    def schedule(self) -> dict[str, Frequency]:
        return {code: Frequency(self.cleaned_data[f"schedule_{code}"]) for code in INSTRUMENTS}

    def safety_net(self) -> SafetyNetSettings:
        data = self.cleaned_data
        return SafetyNetSettings.from_json(
            {
                **{name: data[f"net_{name}"] for name in SAFETY_NET_FIELDS},
                "reliable_rise": {
                    code: data[f"rise_{code}"] for code in SafetyNetSettings().reliable_rise
                },
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.safety_net()
        except ValueError as error:
            self.add_error(None, str(error))
        return data

    @staticmethod
    def initial_for(team: Team) -> dict[str, object]:
        schedule = team.schedule
        net = team.safety_net_settings
        return {
            "duty_clinician": team.duty_clinician_id,
            "working_day_starts": team.working_day_starts,
            "working_day_ends": team.working_day_ends,
            "bank_holidays": team.bank_holidays,
            "gad7_prorating": team.gad7_prorating,
            **{
                f"schedule_{code}": schedule.get(code, Frequency.NOT_ROUTINE).value
                for code in INSTRUMENTS
            },
            **{f"net_{name}": getattr(net, name) for name in SAFETY_NET_FIELDS},
            **{f"rise_{code}": change for code, change in net.reliable_rise.items()},
        }


class DutyShiftForm(CheckedTextForm, forms.Form):
    clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who is on duty",
        empty_label="Choose a clinician",
        error_messages={"required": "Choose who is on duty."},
    )
    starts_on = forms.DateField(label="From", widget=DateInput(), error_messages=DATE_ERRORS)
    ends_on = forms.DateField(
        label="To (the last day on duty)", widget=DateInput(), error_messages=DATE_ERRORS
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = _clinicians(team)
        self.fields["clinician"].label_from_instance = _clinician_label
