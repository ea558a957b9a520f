"""Forms for the inventory, the timeline, the focus, the formulation, the agreement and goals.

Every error says what to type instead. A rule that needs the database is checked again by the
service, whose error is put back on the field it names, so nothing typed is lost.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from iptclinic.clients.forms import DATE_ERRORS, DateInput
from iptclinic.ipt.case import ApproxDate, DatePrecision, LifeStatus
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea, area_label, areas_for
from iptclinic.ipt.variants import Variant
from iptclinic.lib.forms import CheckedTextForm

from .models import (
    GOAL_PROGRESS,
    IMPORTANCE,
    MAX_GOALS_PER_AREA,
    MOOD,
    RINGS,
    LifeEvent,
    Relationship,
)


class NoColon:
    """Labels without Django's trailing colon, as on every other form of the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


APPROX_DATE_HELP = "For example 14/03/2024, March 2024 or 2024."
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}


def parse_approx_date(text: str) -> ApproxDate:
    """Read a date known to the day, the month or the year, as people write it in the UK.

    Accepts 14/03/2024, 14-3-2024, 2024-03-14, 14 March 2024, 03/2024, 2024-03, March 2024,
    Mar 2024 and 2024. Raises ``ValueError`` with a message saying what to type.
    """
    value = " ".join(text.replace(",", " ").split()).lower()
    problem = "Write a day, a month or a year, for example 14/03/2024, March 2024 or 2024."
    patterns: list[tuple[str, tuple[str, ...]]] = [
        (r"(\d{4})", ("y",)),
        (r"(\d{4})-(\d{1,2})", ("y", "m")),
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", ("y", "m", "d")),
        (r"(\d{1,2})[/.-](\d{4})", ("m", "y")),
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", ("d", "m", "y")),
        (r"([a-z]+) (\d{4})", ("mn", "y")),
        (r"(\d{1,2}) ([a-z]+) (\d{4})", ("d", "mn", "y")),
    ]
    for pattern, parts in patterns:
        match = re.fullmatch(pattern, value)
        if match is None:
            continue
        found = dict(zip(parts, match.groups(), strict=True))
        if "mn" in found:
            if found["mn"] not in _MONTHS:
                raise ValueError(f"“{found['mn']}” is not a month. {problem}")
            found["m"] = str(_MONTHS[found["mn"]])
        precision = (
            DatePrecision.DAY
            if "d" in found
            else DatePrecision.MONTH
            if "m" in found
            else DatePrecision.YEAR
        )
        try:
            when = date(int(found["y"]), int(found.get("m", 1)), int(found.get("d", 1)))
        except ValueError:
            raise ValueError(f"“{text.strip()}” is not a real date. {problem}") from None
        if when.year < 1900:
            raise ValueError("Give a year from 1900 onwards.")
        return ApproxDate(when, precision)
    raise ValueError(problem)


def format_approx_date(on: date | None, precision: str) -> str:
    """The way :func:`parse_approx_date` reads it back: 14/03/2024, March 2024 or 2024."""
    if on is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(on.year)
    if precision == DatePrecision.MONTH:
        return f"{calendar.month_name[on.month]} {on.year}"
    return f"{on:%d/%m/%Y}"


class ApproxDateField(forms.CharField):
    """A text box for a date known to the day, the month or the year; cleans to ``ApproxDate``."""

    def __init__(self, *, not_future: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("help_text", APPROX_DATE_HELP)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.not_future = not_future

    def clean(self, value: Any) -> ApproxDate | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            found = parse_approx_date(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if self.not_future and found.first_day > timezone.localdate():
            raise forms.ValidationError(self.not_future)
        return found


YES_NO = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]


class YesNoField(forms.TypedChoiceField):
    """Yes, no or not recorded: ``None`` always means "not asked", never "no"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=lambda v: v == "yes",
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def _whole(low: int, high: int, what: str) -> dict[str, str]:
    message = f"{what} must be a whole number from {low} to {high}."
    return {"invalid": message, "min_value": message, "max_value": message}


class RingField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            min_value=1,
            max_value=RINGS,
            required=False,
            error_messages=_whole(1, RINGS, "The ring"),
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
            **kwargs,
        )


LIST_HELP = "One a line."


def _lines_widget() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 2})


class RelationshipForm(NoColon, CheckedTextForm, forms.ModelForm):
    """Everything the inventory asks about one person (ipt-method.md §2.1), quick fields first."""

    person_name_fields = frozenset({"label"})

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    died = ApproxDateField(
        label="Date of death",
        required=False,
        not_future="A date of death cannot be in the future.",
    )
    closeness_now = RingField(
        label="Ring now", help_text=f"1 is the closest, {RINGS} the furthest."
    )
    closeness_before = RingField(
        label="Ring before the low mood started",
        help_text="Where they were before; drawn beside “now”.",
    )
    importance = forms.IntegerField(
        label="How important to them (1–5)",
        min_value=1,
        max_value=IMPORTANCE.stop - 1,
        required=False,
        error_messages=_whole(1, IMPORTANCE.stop - 1, "Importance"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
    )
    can_confide = YesNoField(label="Can confide in them")
    knows_how_patient_feels = YesNoField(label="Knows how the client has been feeling")
    expectations_met = YesNoField(label="Expectations met")
    trying_to_resolve = YesNoField(label="Both still trying to sort it out")
    talking_stopped = YesNoField(label="They have stopped talking about it")
    judged_beyond_repair = YesNoField(label="Seen as beyond repair")

    QUICK = (
        "label",
        "relationship_type",
        "status",
        "closeness_now",
        "closeness_before",
        "contact_frequency",
        "can_confide",
        "expectations_met",
        "conflict",
    )

    class Meta:
        model = Relationship
        fields = [
            "label",
            "relationship_type",
            "status",
            "closeness_now",
            "closeness_before",
            "contact_frequency",
            "second_type",
            "importance",
            "can_confide",
            "knows_how_patient_feels",
            "satisfying",
            "unsatisfying",
            "patient_expectations",
            "other_expectations",
            "expectations_met",
            "conflict",
            "trying_to_resolve",
            "talking_stopped",
            "judged_beyond_repair",
            "topics_avoided",
            "symptoms_follow_contact",
            "support_received",
            "support_given",
            "changes_wanted",
            "recent_change",
            "avoids_talking_about_death",
            "mourning_avoided",
            "symptoms_tied_to_death",
            "dispute_stage",
            "notes",
        ]
        labels = {
            "label": "Name or pseudonym",
            "relationship_type": "Who they are",
            "second_type": "Also (a second role)",
            "status": "Status",
            "contact_frequency": "Contact",
            "satisfying": "What is good about it",
            "unsatisfying": "What is hard about it",
            "patient_expectations": "What the client expects of them",
            "other_expectations": "What they expect of the client (as the client sees it)",
            "conflict": "Disagreement",
            "topics_avoided": "Things they cannot talk about",
            "symptoms_follow_contact": "Symptoms get worse after contact with them",
            "support_received": "Support the client gets from them",
            "support_given": "Support the client gives them",
            "changes_wanted": "Changes the client would like",
            "recent_change": "What changed around the time the low mood started",
            "avoids_talking_about_death": "Avoids talking about them or their death",
            "mourning_avoided": "Has put off or avoided grieving",
            "symptoms_tied_to_death": "Symptoms began or go on in connection with the death",
            "dispute_stage": "Stage of the dispute (your judgement)",
            "notes": "Other notes",
        }
        help_texts = {
            "label": "A first name, a nickname or a pseudonym: this person is not a client of "
            "the service and may not know they are written about. A group is fine "
            "(“church choir”).",
            "second_type": "For someone in two roles, such as a sister who is also a colleague.",
            **{
                name: LIST_HELP
                for name in (
                    "satisfying",
                    "unsatisfying",
                    "patient_expectations",
                    "other_expectations",
                    "topics_avoided",
                    "changes_wanted",
                )
            },
        }
        widgets = {
            "satisfying": _lines_widget(),
            "unsatisfying": _lines_widget(),
            "patient_expectations": _lines_widget(),
            "other_expectations": _lines_widget(),
            "topics_avoided": _lines_widget(),
            "changes_wanted": _lines_widget(),
            "support_received": forms.Textarea(attrs={"rows": 2}),
            "support_given": forms.Textarea(attrs={"rows": 2}),
            "recent_change": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"label": {"required": "Give a first name, a nickname or a pseudonym."}}

    def __init__(self, *args: Any, variant: Variant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.variant = variant
        instance = self.instance
        self.fields["version"].initial = instance.version if instance.pk else 0
        self.fields["died"].initial = format_approx_date(instance.died_on, instance.died_precision)
        # The row opens with its first field focused, to type straight away (htmx honours it).
        self.fields["label"].widget.attrs.update(autocomplete="off", autofocus=True)
        for name in ("contact_frequency", "conflict", "dispute_stage"):
            self.fields[name].choices = [("", "Not recorded"), *self.fields[name].choices[1:]]
        self.fields["second_type"].choices = [
            ("", "No second role"),
            *self.fields["second_type"].choices[1:],
        ]
        self.tags = {tag["area"]: tag["reason"] for tag in instance.areas} if instance.pk else {}
        for area in areas_for(variant):
            self.fields[f"tag_{area.value}"] = forms.BooleanField(
                label=area_label(area, variant), required=False, initial=area.value in self.tags
            )
            self.fields[f"reason_{area.value}"] = forms.CharField(
                label=f"Why, for {area_label(area, variant).lower()}",
                required=False,
                max_length=200,
                initial=self.tags.get(area.value, ""),
            )

    @property
    def quick_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.QUICK]

    @property
    def more_fields(self) -> list[forms.BoundField]:
        tag_fields = {f"{p}_{a.value}" for a in ProblemArea for p in ("tag", "reason")}
        skip = {*self.QUICK, "version", "died", *tag_fields}
        return [self[name] for name in self.fields if name not in skip]

    @property
    def tag_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"tag_{a.value}"], self[f"reason_{a.value}"]) for a in areas_for(self.variant)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        died = data.get("died")
        status = data.get("status")
        if died is not None and status != LifeStatus.DECEASED:
            self.add_error(
                "died",
                "A date of death needs the status “Deceased”. Change the status or clear the date.",
            )
        second = data.get("second_type")
        if second and second == data.get("relationship_type"):
            self.add_error(
                "second_type",
                "The second role is the same as the first. Choose another or leave it empty.",
            )
        areas = []
        for area in areas_for(self.variant):
            tagged = data.get(f"tag_{area.value}")
            reason = (data.get(f"reason_{area.value}") or "").strip()
            if tagged and not reason:
                self.add_error(
                    f"reason_{area.value}", "Say in a few words why this person is involved."
                )
            if reason and not tagged:
                self.add_error(f"tag_{area.value}", "Tick the area, or clear the reason.")
            if tagged and reason:
                areas.append({"area": area.value, "reason": reason})
        data["areas"] = areas
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        died = self.cleaned_data.get("died")
        data["died_on"] = died.when if died else None
        data["died_precision"] = died.precision.value if died else "day"
        data["areas"] = self.cleaned_data["areas"]
        for name in ("contact_frequency", "conflict", "dispute_stage", "second_type"):
            data[name] = data.get(name) or ""
        return data


class EpisodeForm(NoColon, CheckedTextForm, forms.Form):
    """When the current episode began, and whether low mood is long-standing."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    onset = ApproxDateField(
        label="When the current low mood began",
        required=False,
        not_future="The start of the current episode cannot be in the future.",
    )
    onset_until = ApproxDateField(
        label="If it came on over a period, when that period ended",
        required=False,
        not_future="The end of the period the low mood began in cannot be in the future.",
        help_text="For example “February 2026” for “over the winter”. Leave empty for a single "
        "date.",
    )
    chronic_course = forms.BooleanField(
        label="Long-standing low mood (a chronic course)", required=False
    )
    patterns = forms.CharField(
        label="Patterns across relationships",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: gives way rather than say what she needs. One a line.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        onset, until = data.get("onset"), data.get("onset_until")
        if until is not None and onset is None and "onset" not in self.errors:
            self.add_error("onset", "Give when the low mood began, or clear when it ended.")
        elif until is not None and onset is not None and until.last_day < onset.first_day:
            self.add_error(
                "onset_until", "The period the low mood began in cannot end before it starts."
            )
        return data


class LifeEventForm(NoColon, CheckedTextForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    when = ApproxDateField(
        label="When", not_future="An event on the timeline cannot be in the future."
    )
    mood_rating = forms.IntegerField(
        label="Mood then (0 worst – 10 best)",
        min_value=MOOD.start,
        max_value=MOOD.stop - 1,
        required=False,
        error_messages=_whole(MOOD.start, MOOD.stop - 1, "Mood"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
    )
    people = forms.ModelMultipleChoiceField(
        label="People involved",
        queryset=Relationship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LifeEvent
        fields = ["kind", "description", "mood_rating", "ed_symptom_note", "symptoms_worsened"]
        labels = {
            "symptoms_worsened": "Symptoms got worse after this",
            "kind": "Kind of event",
            "description": "What happened",
            "ed_symptom_note": "Eating symptoms at the time",
        }
        widgets = {"ed_symptom_note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"description": {"required": "Say in a few words what happened."}}

    def __init__(
        self,
        *args: Any,
        people: Any,
        eating_disorder: bool = False,
        worsened_label: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if worsened_label:  # the course's variant names the symptoms (IPT-ED: eating problems)
            self.fields["symptoms_worsened"].label = worsened_label
        instance = self.instance
        self.fields["version"].initial = instance.version if instance.pk else 0
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda r: r.label
        if instance.pk:
            self.fields["when"].initial = format_approx_date(
                instance.happened_on, instance.precision
            )
            self.fields["people"].initial = [p.pk for p in instance.people.all()]
        self.fields["description"].widget.attrs["autocomplete"] = "off"
        self.fields["when"].widget.attrs["autofocus"] = True
        if not eating_disorder:
            del self.fields["ed_symptom_note"]

    def service_data(self) -> dict[str, Any]:
        when: ApproxDate = self.cleaned_data["when"]
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["happened_on"] = when.when
        data["precision"] = when.precision.value
        data.setdefault("ed_symptom_note", "")
        return data


class EarlierEpisodeForm(NoColon, CheckedTextForm, forms.Form):
    began = ApproxDateField(
        label="Began", not_future="An earlier episode cannot have begun in the future."
    )
    note = forms.CharField(label="What was going on then", required=False, max_length=200)


class FocusForm(NoColon, CheckedTextForm, forms.Form):
    """The therapist's choice of focus: one area, two at most, with the reason."""

    areas = forms.MultipleChoiceField(
        label="Focus areas", widget=forms.CheckboxSelectMultiple, required=False
    )
    dispute_stage = forms.ChoiceField(
        label="Stage of the dispute (if a role dispute is chosen)",
        required=False,
        choices=[
            ("", "Not a role dispute"),
            *[(s.value, s.value.capitalize()) for s in DisputeStage],
        ],
    )
    reason = forms.CharField(
        label="Why this focus",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What links it to when the low mood began, and why it matters to the client.",
    )
    renegotiation = forms.BooleanField(
        label="I have renegotiated the focus with the client",
        required=False,
    )

    def __init__(self, *args: Any, variant: Variant, agreed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [
            (a.value, area_label(a, variant)) for a in areas_for(variant)
        ]
        if not agreed:
            del self.fields["renegotiation"]

    def clean_areas(self) -> list[ProblemArea]:
        areas = [ProblemArea(a) for a in self.cleaned_data["areas"]]
        if not areas:
            raise forms.ValidationError("Choose one problem area, or two at most.")
        if len(areas) > 2:
            raise forms.ValidationError(
                f"Choose at most 2 focus areas: you chose {len(areas)}. IPT keeps to one area, "
                "or two at most."
            )
        return areas

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why you chose this focus.")
        return reason

    @property
    def stage(self) -> DisputeStage | None:
        value = self.cleaned_data.get("dispute_stage")
        return DisputeStage(value) if value else None


class FormulationForm(NoColon, CheckedTextForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Formulation",
        widget=forms.Textarea(attrs={"rows": 18, "class": "formulation-box"}),
        help_text="Written to the client, in plain words. Edit the draft until it sounds like you both.",
        error_messages={"required": "The formulation is empty. Write it, or start from the draft."},
    )


class ShareForm(NoColon, CheckedTextForm, forms.Form):
    shared_on = forms.DateField(
        label="Shared with the client and agreed on", widget=DateInput(), error_messages=DATE_ERRORS
    )


class AgreementForm(NoColon, CheckedTextForm, forms.Form):
    """The treatment agreement: date, number of sessions and the goals for each focus area."""

    agreed_on = forms.DateField(label="Agreed on", widget=DateInput(), error_messages=DATE_ERRORS)
    contracted_sessions = forms.IntegerField(
        label="Number of sessions",
        error_messages={"invalid": "Enter the number of sessions as a whole number, such as 16."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
    )

    def __init__(
        self, *args: Any, areas: list[ProblemArea], variant: Variant, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.variant = variant
        for area in areas:
            for i in range(MAX_GOALS_PER_AREA):
                self.fields[f"goal_{area.value}_{i}"] = forms.CharField(
                    label=f"Goal {i + 1} for {area_label(area, variant).lower()}",
                    required=False,
                    max_length=300,
                )

    def goal_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (
                area_label(area, self.variant),
                [self[f"goal_{area.value}_{i}"] for i in range(MAX_GOALS_PER_AREA)],
            )
            for area in self.areas
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for area in self.areas:
            texts = [
                (data.get(f"goal_{area.value}_{i}") or "").strip()
                for i in range(MAX_GOALS_PER_AREA)
            ]
            if not any(texts):
                self.add_error(
                    f"goal_{area.value}_0",
                    f"Write at least one goal for {area_label(area, self.variant).lower()}.",
                )
        return data

    @property
    def goals(self) -> dict[ProblemArea, list[str]]:
        return {
            area: [
                text
                for i in range(MAX_GOALS_PER_AREA)
                if (text := (self.cleaned_data.get(f"goal_{area.value}_{i}") or "").strip())
            ]
            for area in self.areas
        }


class GoalsForm(AgreementForm):
    """The goals alone, after the agreement (for example after a renegotiated focus)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["agreed_on"]
        del self.fields["contracted_sessions"]


class OverrideForm(NoColon, CheckedTextForm, forms.Form):
    reason = forms.CharField(
        label="Why the middle phase starts without an agreed focus",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the middle phase starts before a focus is agreed."},
    )


class FocusWorkForm(NoColon, CheckedTextForm, forms.Form):
    """Techniques used in a middle-phase session and progress on each goal."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    techniques = forms.MultipleChoiceField(
        label="Techniques used", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(
        self, *args: Any, techniques: list[tuple[str, str]], goals: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["techniques"].choices = techniques
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=goal.text,
                required=False,
                min_value=GOAL_PROGRESS.start,
                max_value=GOAL_PROGRESS.stop - 1,
                error_messages=_whole(0, 10, "Progress"),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
            )

    def goal_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(goal, self[f"goal_{goal.pk}"]) for goal in self.goals]

    @property
    def ratings(self) -> dict[int, int | None]:
        return {goal.pk: self.cleaned_data.get(f"goal_{goal.pk}") for goal in self.goals}
