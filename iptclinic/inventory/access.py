"""Scoped lookups for inventory pages: every object is reached through a client the user may see.

Built on ``clients.access`` (style.md §5): someone else's client is a 404. Reading is allowed to
whoever may see the client (the therapist, their supervisor, the service lead); writing only to
the allocated therapist (``can_edit_clinical_record``), and a refused write is a 404 too.
"""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.access import can_edit_clinical_record, visible_clients
from iptclinic.courses.models import Course

from .models import EarlierEpisode, LifeEvent, Relationship, Suggestion

_CLIENT = ("referral__client__therapist", "referral__client__team")


def course_for(user: User, course_id: int, *, edit: bool = False) -> Course:
    try:
        course = Course.objects.select_related(*_CLIENT).get(
            pk=course_id, referral__client__in=visible_clients(user)
        )
    except Course.DoesNotExist:
        raise Http404 from None
    if edit and not can_edit_clinical_record(user, course.referral.client):
        raise Http404
    return course


def _scoped(model: type, user: User, pk: int, edit: bool) -> object:
    try:
        found = model.objects.select_related(*(f"course__{p}" for p in _CLIENT)).get(
            pk=pk, course__referral__client__in=visible_clients(user)
        )
    except model.DoesNotExist:
        raise Http404 from None
    if edit and not can_edit_clinical_record(user, found.course.referral.client):
        raise Http404
    return found


def relationship_for(user: User, relationship_id: int, *, edit: bool = False) -> Relationship:
    found = _scoped(Relationship, user, relationship_id, edit)
    assert isinstance(found, Relationship)
    return found


def event_for(user: User, event_id: int, *, edit: bool = False) -> LifeEvent:
    found = _scoped(LifeEvent, user, event_id, edit)
    assert isinstance(found, LifeEvent)
    return found


def episode_for(user: User, episode_id: int, *, edit: bool = False) -> EarlierEpisode:
    found = _scoped(EarlierEpisode, user, episode_id, edit)
    assert isinstance(found, EarlierEpisode)
    return found


def suggestion_for(user: User, suggestion_id: int, *, edit: bool = False) -> Suggestion:
    found = _scoped(Suggestion, user, suggestion_id, edit)
    assert isinstance(found, Suggestion)
    return found
