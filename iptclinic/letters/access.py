"""Scoped lookups for letters, their files and requests: reached only through a visible client."""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import User
from iptclinic.clients.access import visible_clients

from .models import IssuedLetter, LetterFile, LetterRequest


def letter_for(user: User, letter_id: int) -> IssuedLetter:
    try:
        return IssuedLetter.objects.select_related(
            "client__therapist", "client__team", "course", "issued_by"
        ).get(pk=letter_id, client__in=visible_clients(user))
    except IssuedLetter.DoesNotExist:
        raise Http404 from None


def file_for(user: User, file_id: int) -> LetterFile:
    try:
        return LetterFile.objects.select_related("letter__client").get(
            pk=file_id, letter__client__in=visible_clients(user)
        )
    except LetterFile.DoesNotExist:
        raise Http404 from None


def letter_request_for(user: User, request_id: int) -> LetterRequest:
    try:
        return LetterRequest.objects.select_related(
            "client__therapist", "client__team", "course", "requested_by", "letter"
        ).get(pk=request_id, client__in=visible_clients(user))
    except LetterRequest.DoesNotExist:
        raise Http404 from None
