"""Who on the team receives what a service user sends from the portal (no Django).

A message to the team goes to the person's therapist: they know the person and can answer.
Feedback and complaints go to a service lead, never to the therapist, so that nobody handles a
complaint about their own work (NHS complaints practice: a complaint is looked into by someone
who was not involved; hazard H-103). A question about an entry of "who has looked at my record"
goes to a service lead who is not the member of staff the question is about (H-105).

When the first choice is missing (no therapist allocated yet, no lead who may take it), the next
person in the list takes it; when nobody may take it, :func:`route` returns ``None`` and the
portal tells the person how else to reach the team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .safety_net import NeedKind, Owner


class Asked(StrEnum):
    """What the person sent."""

    MESSAGE = "message"
    FEEDBACK = "feedback"
    COMPLAINT = "complaint"
    RECORD_QUESTION = "record_question"


NEED_KIND = {
    Asked.MESSAGE: NeedKind.CONTACT_MESSAGE,
    Asked.FEEDBACK: NeedKind.FEEDBACK,
    Asked.COMPLAINT: NeedKind.COMPLAINT,
    Asked.RECORD_QUESTION: NeedKind.RECORD_QUESTION,
}


@dataclass(frozen=True)
class Route:
    person: int
    role: Owner


def route(
    asked: Asked,
    *,
    therapist: int | None,
    supervisor: int | None,
    leads: Sequence[int],
    about: int | None = None,
) -> Route | None:
    """The person who receives ``asked``, and in which role.

    ``leads`` are the team's active service leads, the one who owns the team's items first.
    ``about`` is the member of staff a question about the record names.
    """
    candidates: list[Route] = []
    if asked is Asked.MESSAGE:
        if therapist is not None:
            candidates.append(Route(therapist, Owner.THERAPIST))
        candidates.extend(Route(lead, Owner.LEAD) for lead in leads)
    else:
        candidates.extend(Route(lead, Owner.LEAD) for lead in leads)
        if supervisor is not None:
            candidates.append(Route(supervisor, Owner.SUPERVISOR))
    excluded: set[int] = set()
    if asked in (Asked.FEEDBACK, Asked.COMPLAINT) and therapist is not None:
        excluded.add(therapist)
    if asked is Asked.RECORD_QUESTION and about is not None:
        excluded.add(about)
    return next((c for c in candidates if c.person not in excluded), None)
