"""Where to act on an item: the page its cause lives on."""

from __future__ import annotations

from django.urls import reverse

from iptclinic.ipt.safety_net import NeedKind
from iptclinic.ipt.unusual_access import parse_item_key

from .models import Item

_ON_THE_RECORD = {
    NeedKind.RECORD_NOT_WRITTEN,
    NeedKind.RECORD_NOT_SIGNED,
    NeedKind.QUESTIONNAIRE_MISSING,
    NeedKind.RISK_NOT_ASKED,
}
_ON_THE_MEASURES = {NeedKind.DETERIORATION, NeedKind.NO_IMPROVEMENT}


def act_link(item: Item) -> tuple[str, str]:
    """(URL, words for the link) of the place to act on ``item``."""
    kind = NeedKind(item.kind)
    if kind is NeedKind.RISK_ALERT and item.subject_id:
        return reverse("measures:alert", args=[item.subject_id]), "Review the alert"
    if kind in _ON_THE_RECORD and item.subject_id:
        return reverse("courses:record", args=[item.subject_id]), "Open the session record"
    if item.subject_type == "eating_log" and item.subject_id:  # IPT-ED (issue 14)
        return reverse("eating:log", args=[item.subject_id]), "Open the eating log"
    if kind in _ON_THE_MEASURES and item.client_id:
        return reverse("measures:client", args=[item.client_id]), "See the scores"
    if kind is NeedKind.DUTY_ROTA_GAP:
        return reverse("measures:duty_rota"), "Open the duty rota"
    if kind is NeedKind.REFERRAL_WAITING and item.owner_role == "lead" and item.client_id:
        return reverse("clients:allocate", args=[item.client_id]), "Allocate a therapist"
    if kind is NeedKind.JOB_FAILED and item.subject_type == "letter_request" and item.subject_id:
        return reverse("letters:request", args=[item.subject_id]), "See why the letter was not made"
    if kind is NeedKind.NEEDS_TO_CONFIRM and item.subject_id and item.client_id:
        return (
            reverse("clients:needs_told", args=[item.client_id, item.subject_id]),
            "Confirm the needs",
        )
    if kind is NeedKind.UNUSUAL_ACCESS and (found := parse_item_key(item.key)):
        person, _, day = found
        return (
            f"{reverse('audit:person', args=[person])}?start={day}&end={day}",
            "See what they looked at that day",
        )
    if kind is NeedKind.PORTAL_SUGGESTION and item.subject_id:
        return reverse("inventory:suggestion", args=[item.subject_id]), "Open the suggestion"
    if item.subject_type == "subject_access" and item.subject_id:
        return reverse("subject_access:detail", args=[item.subject_id]), "Open the request"
    if kind is NeedKind.RETENTION_DUE:
        return reverse("retention:report"), "Review the records"
    if kind is NeedKind.SESSION_REQUEST and item.subject_id:  # portal appointments (issue 11)
        return reverse("courses:appointment", args=[item.subject_id]), "See the request"
    if item.subject_type == "contact_message" and item.subject_id:
        return reverse("portal:staff_message", args=[item.subject_id]), "Read it"
    if item.subject_type == "record_question" and item.subject_id:
        return reverse("portal:staff_question", args=[item.subject_id]), "Read the question"
    if kind is NeedKind.SUPERVISION_ACTION and item.subject_id:  # supervision (issue 13)
        return reverse("supervision:meeting", args=[item.subject_id]), "Open the supervision record"
    if kind is NeedKind.MESSAGE_FAILED:
        return reverse("notifications:sent"), "See the messages sent"
    if item.client_id:
        return reverse("clients:detail", args=[item.client_id]), "Open the client's page"
    return reverse("attention:mine"), "Needs attention"
