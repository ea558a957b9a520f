"""Who on the team may read and answer what a service user sent (style.md §5: strangers get 404).

- A message to the team: anyone who may open the client's record (``client_for``: their
  therapist, the therapist's supervisor, the team's service leads), as for the rest of the record.
- Feedback, a complaint, a question about who looked at the record: the team's service leads and
  the person who holds it, never the therapist because of being the therapist (H-103, H-105).
"""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.access import client_for

from .contact_services import holds as _holds
from .models import ContactKind, ContactMessage, RecordQuestion, Sent


def message_for(user: User, message_id: int) -> ContactMessage:
    try:
        message = ContactMessage.objects.select_related(
            "client", "client__team", "sent_to", "answered_by"
        ).get(pk=message_id, team_id=user.team_id)
    except ContactMessage.DoesNotExist:
        raise Http404 from None
    if message.kind == ContactKind.MESSAGE:
        client_for(user, message.client_id)
    else:
        _concern(user, message)
    return message


def question_for(user: User, question_id: int) -> RecordQuestion:
    try:
        question = RecordQuestion.objects.select_related(
            "client", "client__team", "sent_to", "answered_by", "about_person"
        ).get(pk=question_id, team_id=user.team_id)
    except RecordQuestion.DoesNotExist:
        raise Http404 from None
    _concern(user, question)
    return question


def _concern(user: User, thing: Sent) -> None:
    """Leads, or the person who holds it; a holder who is not a lead (a supervisor taking a
    complaint when the team has no other lead) must still be able to open the client."""
    if user.is_service_lead:
        return
    if not _holds(user, thing):
        raise Http404
    client_for(user, thing.client_id)


def can_answer(user: User, thing: Sent) -> bool:
    return not thing.answered and _holds(user, thing)
