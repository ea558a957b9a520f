"""My therapy, as we agreed it: what the therapist chose to share, the person's own goal ratings
and their suggestions (issue 11, item 4). The rules are in ``inventory.sharing`` and
``ipt.my_therapy``; these views only fetch the person's own course, call them and show the result.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from iptclinic.audit.views import record_view
from iptclinic.courses.models import Course
from iptclinic.inventory import sharing
from iptclinic.inventory.models import FocusDecision, Formulation, PortalGoalRating, Suggestion
from iptclinic.ipt.my_therapy import (
    CLOSENESS_WORDS,
    GOAL_SCALE,
    LABEL_LIMIT,
    PERSON_NAMES,
    SUGGESTION_TEXT_LIMIT,
    SharedItem,
    SuggestionKind,
    focus_words,
)
from iptclinic.lib.forms import CheckedTextForm

from .access import own_client


def _own_course(request: HttpRequest) -> tuple[Any, Course | None]:
    client = own_client(request.user)
    return client, sharing.portal_course(client)


def _page(request: HttpRequest, template: str, client: Any, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request,
        f"portal/therapy/{template}",
        {"client": client, "team": client.team, **context},
        status=status,
    )


@login_required
def my_therapy(request: HttpRequest) -> HttpResponse:
    client, course = _own_course(request)
    shared = sharing.shared_items(course) if course else frozenset()
    context: dict[str, Any] = {"shared": shared, "course": course}
    if course is not None:
        if SharedItem.FORMULATION in shared:
            formulation = Formulation.objects.filter(course=course).first()
            # Only a formulation marked as shared and agreed: a draft is never shown (H-094).
            context["formulation"] = formulation if formulation and formulation.is_shared else None
        if SharedItem.FOCUS in shared:
            focus = FocusDecision.objects.filter(course=course, superseded_at__isnull=True).first()
            context["focus"] = (
                [focus_words(area, course.variant_enum) for area in focus.areas] if focus else []
            )
        if SharedItem.GOALS in shared:
            context["goals"] = _goals_with_own_rating(course)
            context["next_session"] = sharing.next_session(course)
        context.update(
            {
                k: mark_safe(v) if k.endswith("_svg") else v  # noqa: S308 - lib.svg escapes text
                for k, v in sharing.drawings(course, shared).items()
            }
        )
        context["suggestions"] = [
            (s, sharing.state_words(s)) for s in Suggestion.objects.filter(course=course)
        ]
    record_view(request, client, "portal_my_therapy")
    return _page(request, "page.html", client, **context)


def _goals_with_own_rating(course: Course) -> list[tuple[Any, int | None]]:
    goals = sharing.current_goals(course)
    latest: dict[int, int] = {}
    for r in PortalGoalRating.objects.filter(goal__in=goals).order_by("rated_at", "id"):
        latest[r.goal_id] = r.rating
    return [(goal, latest.get(goal.pk)) for goal in goals]


SCALE_CHOICES = [(str(n), str(n)) for n in GOAL_SCALE]


class GoalRatingsForm(CheckedTextForm, forms.Form):
    """One 0 to 10 choice per shared goal; a goal can be left out."""

    def __init__(self, *args: Any, goals: list[Any], given: dict[int, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.TypedChoiceField(
                label=goal.text,
                choices=SCALE_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                initial=given.get(goal.pk),
                widget=forms.RadioSelect,
            )

    def ratings(self) -> dict[int, int | None]:
        return {goal.pk: self.cleaned_data.get(f"goal_{goal.pk}") for goal in self.goals}

    def rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(goal, self[f"goal_{goal.pk}"]) for goal in self.goals]


@login_required
@require_http_methods(["GET", "POST"])
def rate_goals(request: HttpRequest) -> HttpResponse:
    client, course = _own_course(request)
    if course is None or SharedItem.GOALS not in sharing.shared_items(course):
        return redirect("portal:my_therapy")
    goals = sharing.current_goals(course)
    session = sharing.next_session(course)
    given = (
        dict(PortalGoalRating.objects.filter(appointment=session).values_list("goal_id", "rating"))
        if session
        else {}
    )
    form = GoalRatingsForm(
        request.POST if request.method == "POST" else None, goals=goals, given=given
    )
    if request.method == "POST" and form.is_valid():
        try:
            sharing.rate_goals(course, actor=request.user, ratings=form.ratings())
        except sharing.SharingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "Thank you. Your ratings are saved for your next session.")
            return redirect("portal:my_therapy")
    record_view(request, client, "portal_my_therapy")
    return _page(
        request,
        "rate.html",
        client,
        form=form,
        session=session,
        status=400 if form.errors else 200,
    )


class AddSomeoneForm(CheckedTextForm, forms.Form):
    person_name_fields = frozenset({"label"})

    label = forms.CharField(
        label="Their name or initials",
        max_length=LABEL_LIMIT,
        error_messages={"required": "Write their name or initials."},
    )
    closeness = forms.TypedChoiceField(
        label="How close do they feel to you now?",
        choices=[(str(ring), words) for ring, words in CLOSENESS_WORDS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how close they feel to you."},
    )
    text = forms.CharField(
        label="Anything you want to say about them (optional)",
        required=False,
        max_length=SUGGESTION_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotRightForm(CheckedTextForm, forms.Form):
    def __init__(self, *args: Any, items: list[SharedItem], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["item"] = forms.ChoiceField(
            label="Which part is not right?",
            choices=[(item.value, PERSON_NAMES[item]) for item in items],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose which part is not right."},
        )
        self.fields["text"] = forms.CharField(
            label="What is not right?",
            max_length=SUGGESTION_TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": "Tell us what is not right."},
        )


def _suggest(
    request: HttpRequest, kind: SuggestionKind, template: str, make_form: Any
) -> HttpResponse:
    client, course = _own_course(request)
    shared = sharing.shared_items(course) if course else frozenset()
    needed = SharedItem.CIRCLE in shared if kind is SuggestionKind.ADD_SOMEONE else bool(shared)
    if course is None or not needed:
        return redirect("portal:my_therapy")
    form = make_form(shared, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.suggest(course, actor=request.user, kind=kind, **form.cleaned_data)
        except sharing.SharingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request,
                "Thank you. Your therapist will look at this. Nothing changes until they do.",
            )
            return redirect("portal:my_therapy")
    record_view(request, client, "portal_my_therapy")
    return _page(request, template, client, form=form, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_someone(request: HttpRequest) -> HttpResponse:
    return _suggest(
        request,
        SuggestionKind.ADD_SOMEONE,
        "add_someone.html",
        lambda shared, data: AddSomeoneForm(data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def not_right(request: HttpRequest) -> HttpResponse:
    def make(shared: frozenset[SharedItem], data: Any) -> NotRightForm:
        items = [item for item in SharedItem if item in shared]
        initial = {"item": request.GET.get("item")} if request.GET.get("item") in shared else {}
        return NotRightForm(data, items=items, initial=initial)

    return _suggest(request, SuggestionKind.NOT_RIGHT, "not_right.html", make)
