"""My letters and information (issue 11, item 5): the letters sent to the person, in every format
that was made for them, and the information about IPT.

Only files addressed to the person themselves are listed or handed over: a letter to the GP, the
referrer's copy and the English copy kept for the record are not theirs to download (hazard
H-099). A download returns the bytes exactly as sent, checked against their digest, and is
audited. A letter still being made in the background is shown as such, to come back for.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from iptclinic.audit import services as audit
from iptclinic.audit.views import record_view
from iptclinic.letters.languages import ENGLISH
from iptclinic.letters.models import (
    IssuedLetter,
    LetterFile,
    LetterFormat,
    LetterKind,
    LetterRequest,
    Recipient,
    RequestStatus,
)

from .access import own_client

PERSON_KINDS = (LetterKind.APPOINTMENTS, LetterKind.FORMULATION, LetterKind.CLIENT_SUMMARY)
"""The kinds of letter written to the person (the GP summary is not)."""

FORMAT_ORDER = (
    LetterFormat.LARGE_PRINT,
    LetterFormat.EASY_READ,
    LetterFormat.TEXT,
    LetterFormat.AUDIO,
    LetterFormat.BRAILLE,
    LetterFormat.PDF,
    LetterFormat.CALENDAR,
)

KIND_NAMES = {
    LetterKind.APPOINTMENTS: gettext_lazy("Your appointments"),
    LetterKind.FORMULATION: gettext_lazy("What we agreed to work on"),
    LetterKind.CLIENT_SUMMARY: gettext_lazy("Summary at the end of your therapy"),
}
FORMAT_NAMES = {
    LetterFormat.LARGE_PRINT: gettext_lazy("Large print (PDF)"),
    LetterFormat.EASY_READ: gettext_lazy("Easy read, with pictures (PDF)"),
    LetterFormat.TEXT: gettext_lazy("Plain text"),
    LetterFormat.AUDIO: gettext_lazy("Audio to listen to (MP3)"),
    LetterFormat.BRAILLE: gettext_lazy("Braille file (BRF)"),
    LetterFormat.PDF: gettext_lazy("Standard print (PDF)"),
    LetterFormat.CALENDAR: gettext_lazy("Calendar file for your phone or computer"),
}


def letters_for_person(client: object) -> list[IssuedLetter]:
    """The person's letters, newest first, each with only the files addressed to them."""
    theirs = LetterFile.objects.filter(recipient=Recipient.SERVICE_USER).defer("content")
    letters = list(
        IssuedLetter.objects.filter(
            client=client, kind__in=PERSON_KINDS, files__recipient=Recipient.SERVICE_USER
        )
        .distinct()
        .prefetch_related(Prefetch("files", queryset=theirs, to_attr="their_files"))
    )
    for letter in letters:
        letter.name = KIND_NAMES[LetterKind(letter.kind)]  # type: ignore[attr-defined]
        letter.their_files.sort(  # type: ignore[attr-defined]
            key=lambda f: FORMAT_ORDER.index(LetterFormat(f.format))
        )
        for stored in letter.their_files:  # type: ignore[attr-defined]
            stored.name = FORMAT_NAMES[LetterFormat(stored.format)]
    return letters


@login_required
@require_GET
def my_letters(request: HttpRequest) -> HttpResponse:
    client = own_client(request.user)
    making = LetterRequest.objects.filter(
        client=client,
        kind__in=PERSON_KINDS,
        status__in=(RequestStatus.WAITING, RequestStatus.MAKING),
    )
    record_view(request, client, "portal_letters")
    return render(
        request,
        "portal/letters/my_letters.html",
        {
            "client": client,
            "team": client.team,
            "letters": letters_for_person(client),
            "making": [KIND_NAMES[LetterKind(asked.kind)] for asked in making],
            "english": ENGLISH,
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, file_id: int) -> HttpResponse:
    client = own_client(request.user)
    try:
        stored = LetterFile.objects.select_related("letter").get(
            pk=file_id,
            letter__client=client,
            letter__kind__in=PERSON_KINDS,
            recipient=Recipient.SERVICE_USER,
        )
    except LetterFile.DoesNotExist:
        raise Http404 from None
    if not stored.is_intact:
        # Never hand over a letter that is not the one sent; say so instead.
        return render(
            request,
            "portal/letters/damaged.html",
            {"client": client, "team": client.team},
            status=500,
        )
    audit.record(
        actor=request.user,
        action="letter.portal_download",
        client=client,
        obj=stored,
        detail={"letter": stored.letter_id, "format": stored.format},
    )
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def information_easy_read(request: HttpRequest) -> HttpResponse:
    """The information about IPT in easy read: short sentences, one picture each."""
    client = own_client(request.user)
    record_view(request, client, "portal_information_easy_read")
    return render(
        request,
        "portal/letters/information_easy_read.html",
        {"client": client, "team": client.team},
    )
