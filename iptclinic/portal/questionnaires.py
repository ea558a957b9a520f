"""Questionnaires before each session, answered in the portal, and the person's own scores.

One question per screen, each answer kept as it is given (``measures.services.save_draft_answer``),
a page to check the answers, then "Send", which makes the session's questionnaire through the same
service as in clinic. A risk answer shows the crisis contacts at once (issue 11 item 3).

The pages are reached by the questionnaire's code, never by an id: a person can open only the
questionnaires due for their own next session (``measures.selectors.portal_due``).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.audit.views import record_view
from iptclinic.clients.models import Client
from iptclinic.ipt.instruments import Instrument, Item
from iptclinic.ipt.scoring import NOT_APPLICABLE, Answer
from iptclinic.lib.forms import CheckedTextForm
from iptclinic.measures import services
from iptclinic.measures.models import NOT_APPLICABLE_STORED, QuestionnaireDraft, answer_text
from iptclinic.measures.selectors import (
    DueQuestionnaire,
    own_scores,
    portal_due,
    portal_scores_shown,
)

from .access import own_client

SKIP = "skip"


class QuestionForm(CheckedTextForm, forms.Form):
    """One question: its answers as radios. Skipping is a separate button, never a silent gap."""

    def __init__(self, *args: object, item: Item, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # A scale with words only at some points (WSAS) shows every number, and words where given.
        numbered = any(not option.text for option in item.options)
        choices = [
            (
                str(option.value),
                f"{option.value} ({option.text})"
                if numbered and option.text
                else option.text or str(option.value),
            )
            for option in item.options
        ]
        if item.not_applicable_allowed:
            choices.append((NOT_APPLICABLE_STORED, item.not_applicable_text or "Not applicable"))
        self.fields["answer"] = forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose an answer, or choose \u201cSkip this question\u201d.",
                "invalid_choice": "Choose one of the answers shown.",
            },
        )

    def answer(self) -> Answer:
        value = self.cleaned_data["answer"]
        return NOT_APPLICABLE if value == NOT_APPLICABLE_STORED else int(value)


def _due(client: Client, code: str) -> DueQuestionnaire:
    due = next((d for d in portal_due(client) if d.instrument.code == code), None)
    if due is None:
        raise Http404
    return due


def _draft(request: HttpRequest, client: Client, due: DueQuestionnaire) -> QuestionnaireDraft:
    if due.draft is not None:
        return due.draft
    try:
        return services.start_draft(
            client,
            actor=request.user,
            appointment=due.appointment,
            instrument_code=due.instrument.code,
        )
    except services.MeasureError:
        raise Http404 from None


def _number(request: HttpRequest, form: Instrument) -> int:
    try:
        number = int(request.GET.get("question", "1"))
        form.item(number)
    except ValueError:
        raise Http404 from None
    return number


def _question_url(code: str, number: int) -> str:
    return f"{reverse(f'portal:questionnaire_{code}')}?question={number}"


def _after(code: str, form: Instrument, number: int) -> str:
    if number < len(form.items):
        return _question_url(code, number + 1)
    return reverse(f"portal:questionnaire_check_{code}")


def _is_risk(form: Instrument, number: int, value: Answer) -> bool:
    """A risk answer: the risk item answered above 0 or skipped (H-089)."""
    return number == form.risk_item and (value is None or (isinstance(value, int) and value > 0))


@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    client = own_client(request.user)
    due = portal_due(client)
    record_view(request, client, "portal_questionnaires")
    return render(
        request,
        "portal/questionnaires/list.html",
        {"client": client, "team": client.team, "due": due, "shown": portal_scores_shown(client)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, code: str) -> HttpResponse:
    """One question on its own screen; the answer is kept as soon as it is given."""
    client = own_client(request.user)
    due = _due(client, code)
    form_def = due.instrument
    number = _number(request, form_def)
    item = form_def.item(number)
    draft = _draft(request, client, due)
    initial = draft.answers.get(str(number))
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        item=item,
        initial={"answer": "" if initial is None else str(initial)},
    )
    if request.method == "POST":
        value: Answer | None = None
        if SKIP in request.POST or form.is_valid():
            value = None if SKIP in request.POST else form.answer()
            services.save_draft_answer(draft, actor=request.user, number=number, value=value)
            next_url = _after(code, form_def, number)
            if _is_risk(form_def, number, value):
                support = reverse(f"portal:questionnaire_support_{code}")
                return redirect(f"{support}?question={number + 1}")
            return redirect(next_url)
    record_view(request, client, "portal_questionnaire")
    return render(
        request,
        "portal/questionnaires/question.html",
        {
            "client": client,
            "team": client.team,
            "instrument": form_def,
            "item": item,
            "number": number,
            "count": len(form_def.items),
            "form": form,
            "back": _question_url(code, number - 1)
            if number > 1
            else reverse("portal:questionnaires"),
            "session": due.appointment,
        },
        status=400 if form.errors else 200,
    )


@login_required
def support(request: HttpRequest, code: str) -> HttpResponse:
    """The calm page with the crisis contacts, shown after a risk answer; then carry on."""
    client = own_client(request.user)
    due = next((d for d in portal_due(client) if d.instrument.code == code), None)
    carry_on = reverse("portal:questionnaires")
    if due is not None:
        try:
            number = int(request.GET.get("question", "0"))
        except ValueError:
            number = 0
        count = len(due.instrument.items)
        carry_on = (
            _question_url(code, number)
            if 1 <= number <= count
            else reverse(f"portal:questionnaire_check_{code}")
        )
    record_view(request, client, "portal_questionnaire_support")
    return render(
        request,
        "portal/questionnaires/support.html",
        {"client": client, "team": client.team, "carry_on": carry_on, "sent": due is None},
    )


@login_required
def check(request: HttpRequest, code: str) -> HttpResponse:
    """Every question with its answer, a way to change each, and "Send"."""
    client = own_client(request.user)
    due = _due(client, code)
    draft = _draft(request, client, due)
    form_def = due.instrument
    values = draft.answer_values
    rows = [
        (
            item,
            answer_text(form_def, item.number, values).split(" (")[0]
            if str(item.number) in draft.answers
            else "Not answered yet",
            _question_url(code, item.number),
        )
        for item in form_def.items
    ]
    record_view(request, client, "portal_questionnaire_check")
    return render(
        request,
        "portal/questionnaires/check.html",
        {
            "client": client,
            "team": client.team,
            "instrument": form_def,
            "rows": rows,
            "blank": sum(1 for item in form_def.items if values.get(item.number) is None),
            "session": due.appointment,
        },
    )


@login_required
@require_POST
def send(request: HttpRequest, code: str) -> HttpResponse:
    client = own_client(request.user)
    due = _due(client, code)
    draft = _draft(request, client, due)
    try:
        response = services.send_draft(draft, actor=request.user)
    except services.MeasureError:
        # The session has started or the clinic has recorded it: the draft stays as it was.
        return redirect("portal:questionnaires")
    if response.alerts.filter(draft__isnull=True).exists():
        # A risk answer that raised no alert while answering (item 9 never reached): now it has.
        return redirect(reverse(f"portal:questionnaire_support_{code}") + "?question=0")
    return redirect("portal:questionnaire_sent")


@login_required
def sent(request: HttpRequest) -> HttpResponse:
    client = own_client(request.user)
    return render(
        request,
        "portal/questionnaires/sent.html",
        {"client": client, "team": client.team, "due": portal_due(client)},
    )


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """The person's own scores over time, with plain words, unless the therapist has hidden them."""
    client = own_client(request.user)
    shown = portal_scores_shown(client)
    record_view(request, client, "portal_scores")
    return render(
        request,
        "portal/questionnaires/scores.html",
        {
            "client": client,
            "team": client.team,
            "shown": shown,
            "scores": own_scores(client) if shown else [],
        },
    )
