"""Scoped lookups for courses, appointments and records: reached only through a visible client."""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.access import visible_clients

from .models import Appointment, Course, SessionRecord


def course_for(user: User, course_id: int) -> Course:
    try:
        return Course.objects.select_related(
            "referral__client__therapist", "referral__client__team"
        ).get(pk=course_id, referral__client__in=visible_clients(user))
    except Course.DoesNotExist:
        raise Http404 from None


def appointment_for(user: User, appointment_id: int) -> Appointment:
    try:
        return Appointment.objects.select_related(
            "course__referral__client__therapist", "course__referral__client__team"
        ).get(pk=appointment_id, course__referral__client__in=visible_clients(user))
    except Appointment.DoesNotExist:
        raise Http404 from None


def record_for(user: User, record_id: int) -> SessionRecord:
    try:
        return SessionRecord.objects.select_related(
            "appointment__course__referral__client__therapist",
            "appointment__course__referral__client__team",
        ).get(pk=record_id, appointment__course__referral__client__in=visible_clients(user))
    except SessionRecord.DoesNotExist:
        raise Http404 from None
