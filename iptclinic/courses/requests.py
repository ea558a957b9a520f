"""A service user's "I can't come" or "Can we move it?", and the place of an appointment.

A request never changes the booking (issue 11, hazard H-085): it is stored, audited and put in
the therapist's "Needs attention", due before the session (``ipt/portal_sessions.request_due``).
A second request about the same session updates the same open item rather than adding one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.facts import lead_of
from iptclinic.attention.models import Item
from iptclinic.attention.services import raise_event_item
from iptclinic.audit import services as audit
from iptclinic.history.services import save_with_reason
from iptclinic.ipt.portal_sessions import request_due
from iptclinic.ipt.safety_net import NeedKind, Owner

from .models import Appointment, SessionRequest, SessionRequestKind

REASON_LIMIT = 1000


class RequestError(ValueError):
    """A request the portal cannot take; the message is for the person."""


def request_key(appointment: Appointment) -> str:
    return f"session_request:{appointment.pk}"


def _title(appointment: Appointment, kind: SessionRequestKind, client_name: str) -> str:
    when = f"{timezone.localtime(appointment.starts_at):%a %-d %b at %H:%M}"
    if kind == SessionRequestKind.CANNOT_COME:
        return f"{client_name} says they can't come on {when}: answer before the session"
    return f"{client_name} asks to move the session on {when}: answer before the session"


@transaction.atomic
def request_session_change(
    appointment: Appointment, *, actor: User, kind: SessionRequestKind, reason: str = ""
) -> SessionRequest:
    """Store the person's request and tell their therapist; the appointment stays as booked."""
    appointment = Appointment.objects.select_related(
        "course__referral__client__therapist", "course__referral__client__team"
    ).get(pk=appointment.pk)
    client = appointment.course.referral.client
    now = timezone.now()
    if not appointment.is_planned or appointment.starts_at <= now:
        raise RequestError(
            "This session has already started or is no longer booked, so it cannot be changed "
            "here. Please call the team."
        )
    reason = reason.strip()
    if len(reason) > REASON_LIMIT:
        raise RequestError(f"Keep the reason to {REASON_LIMIT} characters.")
    request = SessionRequest.objects.create(
        appointment=appointment, kind=kind, reason=reason, made_by=actor, made_at=now
    )
    team = client.team
    owner = client.therapist or lead_of(team)
    due = request_due(now, appointment.starts_at, team.working_week())
    title = _title(appointment, kind, client.called)
    item = None
    if owner is not None:
        key = request_key(appointment)
        open_item = (
            Item.objects.select_for_update()
            .filter(key=key, owner=owner, resolved_at__isnull=True)
            .first()
        )
        if open_item is not None:
            open_item.title, open_item.due = title, min(open_item.due, due)
            open_item.save(update_fields=["title", "due"])
            item = open_item
        else:
            item = raise_event_item(
                team,
                owner=owner,
                kind=NeedKind.SESSION_REQUEST,
                key=key,
                title=title,
                due=due,
                subject=("appointment", appointment.pk),
                client=client,
                owner_role=Owner.THERAPIST if client.therapist_id else Owner.LEAD,
            )
    audit.record(
        actor=actor,
        action="portal.session_request",
        client=client,
        obj=request,
        detail={
            "appointment": appointment.pk,
            "kind": str(kind),
            "reason_given": bool(reason),
            **({"item": item.pk} if item else {}),
        },
    )
    return request


@transaction.atomic
def set_appointment_place(
    appointment: Appointment, *, actor: User, place: str, video_link: str
) -> Appointment:
    """Where the session happens: a place, a video link, or neither (the team's address)."""
    appointment = Appointment.objects.select_related("course__referral__client").get(
        pk=appointment.pk
    )
    changed = {
        name
        for name, value in (("place", place.strip()), ("video_link", video_link.strip()))
        if getattr(appointment, name) != value
    }
    if not changed:
        return appointment
    appointment.place = place.strip()
    appointment.video_link = video_link.strip()
    save_with_reason(appointment, actor=actor, update_fields=sorted(changed))
    audit.record(
        actor=actor,
        action="appointment.place",
        client=appointment.course.referral.client,
        obj=appointment,
        detail={"fields": sorted(changed)},
    )
    return appointment
