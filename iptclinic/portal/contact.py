"""Contact and concerns (issue 11, items 7 and 8): the person sends a message, feedback or a
complaint, or asks about an entry of "who has looked at my record"; the team reads and answers.

The person's pages reach only their own things (``own_client``); nothing they sent has an id in
an address, so there is nothing to guess. The team's pages are staff only and audited; who may
read what is in ``contact_access``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role, User
from iptclinic.audit import reading
from iptclinic.audit.services import record, record_list_view
from iptclinic.clients.models import Client

from . import contact_access
from .access import own_client
from .contact_forms import AnswerForm, ComplaintForm, QuestionForm, SendForm
from .contact_services import ContactError, ask_about_visit, mark_answered, send_contact
from .models import ContactKind, ContactMessage, RecordQuestion

SENT_PAGE_SIZE = 10
CONCERNS_PAGE_SIZE = 25

FORMS = {
    ContactKind.MESSAGE: SendForm,
    ContactKind.FEEDBACK: SendForm,
    ContactKind.COMPLAINT: ComplaintForm,
}


def _portal(client: Client, **context: Any) -> dict[str, Any]:
    return {
        "client": client,
        "team": client.team,
        "pals": settings.IPTCLINIC_PALS_CONTACT,
        **context,
    }


@login_required
def contact(request: HttpRequest) -> HttpResponse:
    """The three ways to reach the team, the crisis contacts beside them, and what was sent."""
    client = own_client(request.user)
    sent = Paginator(
        ContactMessage.objects.filter(client=client).only(
            "kind", "sent_at", "answered_at", "text", "wants_advice_service"
        ),
        SENT_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    questions = RecordQuestion.objects.filter(client=client).only(
        "about_day", "about_name", "sent_at", "answered_at", "text"
    )[:SENT_PAGE_SIZE]
    record(
        actor=request.user,
        action="portal.contact_view",
        client=client,
        detail={"page": sent.number},
    )
    return render(
        request, "portal/contact/index.html", _portal(client, sent=sent, questions=questions)
    )


@require_http_methods(["GET", "POST"])
@login_required
def send(request: HttpRequest, kind: str) -> HttpResponse:
    client = own_client(request.user)
    form = FORMS[ContactKind(kind)](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = send_contact(
                client,
                actor=request.user,
                kind=kind,
                text=form.cleaned_data["text"],
                wants_advice_service=form.cleaned_data.get("wants_advice_service", False),
            )
        except ContactError as error:
            form.add_error("text", str(error))
        else:
            routed = "1" if sent.sent_to_id else "0"
            return redirect(f"{reverse('portal:contact_sent')}?kind={kind}&routed={routed}")
    return render(
        request, f"portal/contact/{kind}.html", _portal(client, form=form, kind=ContactKind(kind))
    )


@login_required
def sent(request: HttpRequest) -> HttpResponse:
    """Sent: the crisis contacts first, then what happens next."""
    client = own_client(request.user)
    kind = request.GET.get("kind", "")
    if kind not in ContactKind.values:
        kind = ContactKind.MESSAGE
    return render(
        request,
        "portal/contact/sent.html",
        _portal(client, kind=kind, routed=request.GET.get("routed") != "0"),
    )


def _visit(client: Client, request: HttpRequest) -> tuple[date, User]:
    """The entry of "who has looked" the question is about: a day and a member of staff who
    appear in the person's own list, or 404."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
        person_id = int(request.GET.get("person", ""))
    except ValueError:
        raise Http404 from None
    if not reading.staff_visits(client).filter(day=day, actor_id=person_id).exists():
        raise Http404
    return day, User.objects.get(pk=person_id)


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HttpRequest) -> HttpResponse:
    """Ask about this: a question about one entry of "who has looked at my record"."""
    client = own_client(request.user)
    day, person = _visit(client, request)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = ask_about_visit(
                client,
                actor=request.user,
                day=day,
                person=person,
                name=person.display_name,
                text=form.cleaned_data["text"],
            )
        except ContactError as error:
            form.add_error("text", str(error))
        else:
            return render(request, "portal/contact/asked.html", _portal(client, question=question))
    return render(
        request,
        "portal/contact/ask.html",
        _portal(client, form=form, day=day, name=person.display_name),
    )


# --- The team's side --------------------------------------------------------------------------


def _read(request: HttpRequest, thing: ContactMessage | RecordQuestion, page: str) -> HttpResponse:
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mark_answered(thing, actor=request.user, note=form.cleaned_data["note"])
        except ContactError as error:
            form.add_error("note", str(error))
        else:
            return redirect(request.path)
    record(
        actor=request.user,
        action="portal.staff_read",
        client=thing.client,
        obj=thing,
        detail={"page": page},
    )
    return render(
        request,
        "portal/contact/staff_read.html",
        {
            "thing": thing,
            "client": thing.client,
            "form": form,
            "can_answer": contact_access.can_answer(request.user, thing),
            "is_question": isinstance(thing, RecordQuestion),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required()
def staff_message(request: HttpRequest, message_id: int) -> HttpResponse:
    return _read(request, contact_access.message_for(request.user, message_id), "portal_message")


@require_http_methods(["GET", "POST"])
@staff_required()
def staff_question(request: HttpRequest, question_id: int) -> HttpResponse:
    return _read(request, contact_access.question_for(request.user, question_id), "portal_question")


@staff_required(Role.SERVICE_LEAD)
def concerns(request: HttpRequest) -> HttpResponse:
    """The lead's list: every piece of feedback and every complaint of the team, newest first."""
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in (ContactKind.FEEDBACK, ContactKind.COMPLAINT) else []
    rows = ContactMessage.objects.filter(
        team_id=request.user.team_id,
        kind__in=kinds or [ContactKind.FEEDBACK, ContactKind.COMPLAINT],
    ).select_related("client", "sent_to", "answered_by")
    page = Paginator(rows, CONCERNS_PAGE_SIZE).get_page(request.GET.get("page"))
    record_list_view(
        actor=request.user, action="portal.concerns_view", clients=[m.client for m in page]
    )
    return render(
        request, "portal/contact/concerns.html", {"page": page, "kind": kinds[0] if kinds else ""}
    )
