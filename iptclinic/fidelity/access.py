"""Who may see and give adherence ratings: the client's therapist and that therapist's supervisor.

Adherence is feedback between the two of them, not a league table: a service lead, another
therapist or supervisor, and the service user get 404 (docs/fidelity.md). The client itself is
reached through ``clients.access`` first, so nobody sees across teams or caseloads.
"""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client
from iptclinic.courses.access import appointment_for, course_for
from iptclinic.courses.models import Appointment, Course

from .models import SUPERVISOR_SOURCES, Source


def is_therapist_of(user: User, client: Client) -> bool:
    return user.is_therapist and client.therapist_id is not None and client.therapist_id == user.pk


def is_supervisor_of(user: User, client: Client) -> bool:
    """The supervisor of the client's therapist (``User.supervisor``); needs ``therapist`` loaded."""
    therapist = client.therapist
    return (
        user.is_supervisor
        and therapist is not None
        and therapist.pk != user.pk
        and therapist.supervisor_id == user.pk
    )


def may_see_adherence(user: User, client: Client) -> bool:
    return is_therapist_of(user, client) or is_supervisor_of(user, client)


def sources_for(user: User, client: Client) -> tuple[Source, ...]:
    """How ``user`` may rate a session of ``client``: as its therapist, or as their supervisor."""
    if is_therapist_of(user, client):
        return (Source.SELF,)
    if is_supervisor_of(user, client):
        return SUPERVISOR_SOURCES
    return ()


def adherence_course_for(user: User, course_id: int) -> Course:
    course = course_for(user, course_id)
    if not may_see_adherence(user, course.referral.client):
        raise Http404
    return course


def appointment_to_rate(user: User, appointment_id: int) -> Appointment:
    appointment = appointment_for(user, appointment_id)
    if not sources_for(user, appointment.course.referral.client):
        raise Http404
    return appointment
