"""Sending from the portal, and answering on the team's side (check, change, log).

Each thing sent is stored, audited, and raises one "Needs attention" item for the person who
should handle it (``ipt.portal_contact.route``). Answering closes that item in the same
transaction. Item titles carry no words of what the person wrote (decisions §34).
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.models import Item
from iptclinic.attention.services import AttentionError, raise_event_item, resolve_item
from iptclinic.audit.services import record
from iptclinic.clients.models import Client
from iptclinic.ipt.portal_contact import NEED_KIND, Asked, Route, route

from .models import ContactKind, ContactMessage, RecordQuestion, Sent

TEXT_LIMIT = 5000
NOTE_LIMIT = 1000

TITLES = {
    Asked.MESSAGE: "Sent a message from the portal: answer by the next working day",
    Asked.FEEDBACK: "Gave feedback from the portal",
    Asked.COMPLAINT: "Made a complaint from the portal",
    Asked.RECORD_QUESTION: "Asked why {name} looked at their record on {day:%-d %B %Y}",
}

SUBJECT = {ContactMessage: "contact_message", RecordQuestion: "record_question"}

S = TypeVar("S", bound=Sent)


class ContactError(ValueError):
    """Something sent or answered that cannot be stored; the message says why."""


def _clean(text: str, limit: int, empty: str) -> str:
    text = text.strip()
    if not text:
        raise ContactError(empty)
    if len(text) > limit:
        raise ContactError(f"Please keep it to {limit} characters.")
    return text


def route_for(client: Client, asked: Asked, about: int | None = None) -> Route | None:
    therapist = client.therapist if client.therapist_id else None
    leads = list(
        User.objects.filter(team=client.team_id, is_service_lead=True, is_active=True)
        .order_by("date_joined", "id")
        .values_list("pk", flat=True)
    )
    return route(
        asked,
        therapist=therapist.pk if therapist is not None and therapist.is_active else None,
        supervisor=therapist.supervisor_id if therapist is not None else None,
        leads=leads,
        about=about,
    )


def _title(sent: Sent, asked: Asked) -> str:
    if isinstance(sent, RecordQuestion):
        return TITLES[asked].format(name=sent.about_name, day=sent.about_day)
    title = TITLES[asked]
    if isinstance(sent, ContactMessage) and sent.wants_advice_service:
        title += ", and asked the patient advice and liaison service to contact them"
    return title


def _raise(sent: Sent, asked: Asked, found: Route | None) -> Item | None:
    if found is None:
        return None
    now = timezone.now()
    subject = SUBJECT[type(sent)]
    return raise_event_item(
        sent.client.team,
        owner=User.objects.get(pk=found.person),
        owner_role=found.role,
        kind=NEED_KIND[asked],
        key=f"{subject}:{sent.pk}",
        title=_title(sent, asked),
        # The team's non-urgent routes promise an answer by the next working day.
        due=sent.client.team.working_week().next_morning(now),
        subject=(subject, sent.pk),
        client=sent.client,
    )


@transaction.atomic
def send_contact(
    client: Client, *, actor: User, kind: str, text: str, wants_advice_service: bool = False
) -> ContactMessage:
    """The person sends a message, feedback or a complaint to the team."""
    text = _clean(text, TEXT_LIMIT, "Write your message before you send it.")
    asked = Asked(kind)
    found = route_for(client, asked)
    sent = ContactMessage.objects.create(
        team=client.team,
        client=client,
        kind=kind,
        text=text,
        wants_advice_service=wants_advice_service and kind == ContactKind.COMPLAINT,
        sent_by=actor,
        sent_to_id=found.person if found else None,
    )
    _raise(sent, asked, found)
    record(
        actor=actor,
        action="portal.contact_send",
        client=client,
        obj=sent,
        detail={"kind": kind, "routed": found is not None},
    )
    return sent


@transaction.atomic
def ask_about_visit(
    client: Client, *, actor: User, day: date, person: User, name: str, text: str
) -> RecordQuestion:
    """The person asks about one entry of "who has looked at my record"."""
    text = _clean(text, TEXT_LIMIT, "Write your question before you send it.")
    found = route_for(client, Asked.RECORD_QUESTION, about=person.pk)
    question = RecordQuestion.objects.create(
        team=client.team,
        client=client,
        text=text,
        about_day=day,
        about_person=person,
        about_name=name,
        sent_by=actor,
        sent_to_id=found.person if found else None,
    )
    _raise(question, Asked.RECORD_QUESTION, found)
    record(
        actor=actor,
        action="portal.record_question_send",
        client=client,
        obj=question,
        detail={"day": day.isoformat(), "about": person.pk, "routed": found is not None},
    )
    return question


def holds(user: User, sent: Sent) -> bool:
    """The person it was sent to, or who holds (or held) its item after it moved with the client;
    a service lead when nobody could be given it."""
    if sent.sent_to_id == user.pk or (sent.sent_to_id is None and user.is_service_lead):
        return True
    return Item.objects.filter(
        subject_type=SUBJECT[type(sent)], subject_id=sent.pk, owner=user
    ).exists()


def open_item(sent: Sent) -> Item | None:
    return Item.objects.filter(
        subject_type=SUBJECT[type(sent)], subject_id=sent.pk, resolved_at__isnull=True
    ).first()


@transaction.atomic
def mark_answered(sent: S, *, actor: User, note: str) -> S:
    """The holder marks it answered with a note; its item closes with the same note."""
    note = _clean(note, NOTE_LIMIT, "Say in a few words how it was answered.")
    sent = type(sent).objects.select_for_update().get(pk=sent.pk)
    if sent.answered:
        raise ContactError("This was already marked as answered.")
    if not holds(actor, sent):
        raise ContactError("Only the person who holds this can mark it answered.")
    item = open_item(sent)
    if item is not None:
        try:
            resolve_item(item, actor=actor, note=note)
        except AttentionError as error:
            raise ContactError(str(error)) from None
    sent.answered_at = timezone.now()
    sent.answered_by = actor
    sent.answer_note = note
    sent.save(update_fields=["answered_at", "answered_by", "answer_note"])
    record(
        actor=actor,
        action="portal.answer",
        client=sent.client,
        obj=sent,
        detail={"subject": SUBJECT[type(sent)]},
    )
    return sent
