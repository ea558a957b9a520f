"""Issuing letters, and the settings behind them. Each write is audited with one event.

Issuing is in two steps. ``request_letter`` runs in the web request: it makes the quick checks
(``check_letter``), records what was asked and enqueues the work, so the page answers at once. A
background worker (``tasks.make_letter``) then takes the request (``start_making``), checks it
again, renders every format outside any database transaction (seconds: audio is the slowest, and
no lock is held while WeasyPrint, liblouis and espeak-ng work), and stores the letter with its
files, translation needs, audit event and the request's "ready" mark, all or nothing. A run that
fails is retried; one that cannot succeed, or the last try, marks the request failed and gives
the therapist an item in "Needs attention" (``fail``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.attention.services import close_for_cause, raise_event_item
from iptclinic.audit import services as audit
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.models import Course
from iptclinic.ipt.safety_net import NeedKind

from .formats.tools import FormatToolMissing
from .languages import SHIPPED, Origin, catalog_digest
from .models import (
    IssuedLetter,
    LetterFile,
    LetterFormat,
    LetterKind,
    LetterRequest,
    RequestStatus,
    TranslationNeed,
    TranslationReview,
)
from .rendering import NoVoice, RenderedFile, render_files
from .selectors import LetterDraft, letter_draft

TEAM_CONTACT_FIELDS = [
    "phone",
    "address",
    "email",
    "care_coordination_phone",
    "interpreting_contact",
    "bsl_video_relay",
    "complaints_service",
    "complaints_phone",
    "complaints_freephone",
    "complaints_email",
    "website",
    "crisis_contacts",
]


MAX_ATTEMPTS = 3
"""Tries of a letter that fails on a fault: the person is waiting, so after the retries (1 and 5
minutes later) they are told, rather than after the hour or more of longer retry schedules."""

REQUEST_SUBJECT = "letter_request"
"""The subject type of "Needs attention" items about a letter request."""


NEED_NAMES = {
    LetterFormat.LARGE_PRINT: "large print",
    LetterFormat.EASY_READ: "easy read",
    LetterFormat.AUDIO: "audio",
    LetterFormat.BRAILLE: "Braille",
}


class LetterError(ValueError):
    """A letter that cannot be issued as asked; the message says why and what to do."""


class LetterDataMissing(LetterError):
    """The record lacks data the letter needs; ``gaps`` lists each item in plain words."""

    def __init__(self, gaps: list[str]) -> None:
        self.gaps = gaps
        super().__init__("The letter cannot be issued yet: " + " ".join(gaps))


@dataclass(frozen=True)
class CheckedLetter:
    """A letter that may be made as asked: its draft and the formats to make (PDF included)."""

    course: Course
    kind: LetterKind
    draft: LetterDraft
    formats: frozenset[LetterFormat]


def check_letter(
    course: Course,
    *,
    actor: User,
    kind: LetterKind,
    formats: Iterable[LetterFormat],
    acknowledged: bool = False,
    referrer_address: str = "",
) -> CheckedLetter:
    """The checks before a letter is made, quick enough to answer the person at once.

    Refused, with a plain message, when someone other than the allocated therapist asks, when
    data is missing (never a letter with blanks), when a format is not made for this letter or a
    format the person needs is left out, or when the notes about language were not confirmed.
    """
    course = Course.objects.select_related(
        "referral__client__team", "referral__client__therapist"
    ).get(pk=course.pk)
    client = course.referral.client
    if not can_edit_clinical_record(actor, client):
        raise LetterError("Only the therapist allocated to this client can issue their letters.")
    kind = LetterKind(kind)
    draft = letter_draft(course, kind, referrer_address=referrer_address)
    content = draft.content
    if content.gaps:
        raise LetterDataMissing(content.gaps)
    chosen = {LetterFormat(fmt) for fmt in formats} | {LetterFormat.PDF}
    not_offered = chosen - set(content.formats)
    if not_offered:
        names = ", ".join(sorted(str(fmt.label).lower() for fmt in not_offered))
        raise LetterError(f"This letter is not made in these formats: {names}.")
    left_out = draft.needed - chosen
    if left_out:
        names = " and ".join(sorted(NEED_NAMES[fmt] for fmt in left_out))
        raise LetterError(
            f"{client.called} needs {names} (a recorded communication need). Keep it ticked, or "
            "update the recorded needs first if they have changed."
        )
    if draft.notes and not acknowledged:
        raise LetterError("Read the notes about the letter's language and confirm them first.")
    return CheckedLetter(course=course, kind=kind, draft=draft, formats=frozenset(chosen))


@transaction.atomic
def request_letter(
    course: Course,
    *,
    actor: User,
    kind: LetterKind,
    formats: Iterable[LetterFormat],
    acknowledged: bool = False,
    referrer_address: str = "",
) -> LetterRequest:
    """Check the letter, record what was asked and hand it to a background worker, audited once.

    Rendering every format takes seconds (audio most), so it is not done here: the task is a row
    in the same database, written in the same transaction as the request, so both exist or
    neither does. ``make_letter`` does the rest. Asking again for the same letter while it is
    being made (a second press of the button) returns the request already in hand.
    """
    from .tasks import make_letter

    Course.objects.select_for_update().filter(pk=course.pk).first()  # one request at a time
    checked = check_letter(
        course,
        actor=actor,
        kind=kind,
        formats=formats,
        acknowledged=acknowledged,
        referrer_address=referrer_address,
    )
    client = checked.course.referral.client
    formats_asked = sorted(str(fmt) for fmt in checked.formats)
    in_hand = LetterRequest.objects.filter(
        course=checked.course,
        kind=checked.kind,
        formats=formats_asked,
        referrer_address=referrer_address,
        status__in=_IN_HAND,
    ).first()
    if in_hand is not None:
        return in_hand
    asked = LetterRequest.objects.create(
        client=client,
        course=checked.course,
        kind=checked.kind,
        formats=formats_asked,
        referrer_address=referrer_address,
        confirmed_notes=checked.draft.notes,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    make_letter.enqueue(asked.pk)
    audit.record(
        actor=actor,
        action="letter.request",
        client=client,
        obj=asked,
        detail={"kind": str(checked.kind), "formats": asked.formats},
    )
    return asked


_IN_HAND = (RequestStatus.WAITING, RequestStatus.MAKING)

NOTES_CHANGED = (
    "The notes about this letter's language changed after it was asked for (the person's "
    "language or needs, or a translation, changed). Open the letter again, read the notes and "
    "confirm them."
)


def start_making(request_id: int) -> LetterRequest | None:
    """Take the request for making, unless it is already made or given up.

    A request being made can be taken again: that is a worker taking over from one that was
    killed (the clock re-runs its task). If both run, the second to finish stores nothing.
    """
    taken = LetterRequest.objects.filter(pk=request_id, status__in=_IN_HAND).update(
        status=RequestStatus.MAKING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return LetterRequest.objects.select_related("course", "requested_by").get(pk=request_id)


def make_letter(asked: LetterRequest) -> IssuedLetter | None:
    """Make the letter of a request taken by :func:`start_making`: check it again against the
    record as it is now, render every format, then store it. Returns None if another run stored
    it first.

    Raises :class:`LetterError` when the letter cannot be made as asked (the record changed, or a
    format tool is missing): trying again would not help.
    """
    checked = check_letter(
        asked.course,
        actor=asked.requested_by,
        kind=LetterKind(asked.kind),
        formats=[LetterFormat(fmt) for fmt in asked.formats],
        acknowledged=True,
        referrer_address=asked.referrer_address,
    )
    if checked.draft.notes != asked.confirmed_notes:
        raise LetterError(NOTES_CHANGED)
    client = checked.course.referral.client
    try:
        files = render_files(
            checked.draft.content,
            checked.formats,
            checked.draft.language.letter_language,
            large_easy_read=client.large_print,
        )
    except (FormatToolMissing, NoVoice) as error:
        raise LetterError(str(error)) from None
    return _store(asked, checked, files)


def _store(
    asked: LetterRequest, checked: CheckedLetter, files: list[RenderedFile]
) -> IssuedLetter | None:
    """The letter, its files, its translation needs, its audit event and the request's "ready"
    mark, all or nothing. Only a request still in hand gets a letter, and the letter's unique
    link to its request means the database itself refuses a second one."""
    draft, kind, actor = checked.draft, checked.kind, asked.requested_by
    client = checked.course.referral.client
    with transaction.atomic():
        locked = LetterRequest.objects.select_for_update().get(pk=asked.pk)
        if locked.status not in _IN_HAND:
            return None
        now = timezone.now()
        letter = IssuedLetter.objects.create(
            request=locked,
            client=client,
            course=checked.course,
            kind=kind,
            language=draft.language.letter_language.code,
            language_name=draft.language.letter_language.english_name,
            translation_status=draft.status.label,
            subject=draft.content.subject,
            staff_notes=draft.notes,
            issued_by=actor,
            issued_at=now,
        )
        LetterFile.objects.bulk_create(
            LetterFile(
                letter=letter,
                recipient=made.recipient,
                format=made.format,
                language=made.language,
                needed=made.format in draft.needed,
                filename=made.filename,
                content_type=made.content_type,
                content=made.content,
                size=len(made.content),
                sha256=LetterFile.digest(made.content),
                render_seconds=round(made.seconds, 3),
            )
            for made in files
        )
        TranslationNeed.objects.bulk_create(
            TranslationNeed(
                client=client,
                letter=letter,
                language_name=draft.language.requested,
                need=need,
                recorded_by=actor,
            )
            for need in draft.translation_needs
        )
        locked.status = RequestStatus.READY
        locked.finished_at = now
        locked.failure = ""
        locked.save(update_fields=["status", "finished_at", "failure"])
        close_for_cause(
            failed_key(locked),
            actor=actor,
            resolution="The letter was made when it was asked for again.",
        )
        audit.record(
            actor=actor,
            action="letter.issue",
            client=client,
            obj=letter,
            detail={
                "kind": str(kind),
                "language": letter.language,
                "formats": sorted(str(fmt) for fmt in checked.formats),
                "files": len(files),
                "translation_needs": len(draft.translation_needs),
                "request": locked.pk,
            },
        )
    return letter


def try_again_later(request_id: int) -> None:
    """After a failed try that will be retried: back to waiting, saying so."""
    LetterRequest.objects.filter(pk=request_id, status=RequestStatus.MAKING).update(
        status=RequestStatus.WAITING,
        failure="The last try did not work. It will be tried again in a few minutes.",
    )


def give_up(request_id: int, summary: str) -> None:
    """The last try failed on a fault in the system: mark it failed and tell the therapist."""
    mark_failed(
        request_id,
        "It could not be made because of a fault in the system, after "
        f"{MAX_ATTEMPTS} tries. Ask for it again; if that fails too, tell IT support "
        f"(reference: {summary}).",
    )


@transaction.atomic
def mark_failed(request_id: int, reason: str) -> None:
    """Mark the request failed with ``reason`` (plain words), and give the therapist who asked
    an item in "Needs attention", due within a working day, so the letter is never lost."""
    now = timezone.now()
    failed = LetterRequest.objects.filter(pk=request_id, status__in=_IN_HAND).update(
        status=RequestStatus.FAILED, finished_at=now, failure=reason
    )
    if not failed:
        return
    asked = LetterRequest.objects.select_related("client__team", "requested_by").get(pk=request_id)
    team = asked.client.team
    raise_event_item(
        team,
        owner=asked.requested_by,
        kind=NeedKind.JOB_FAILED,
        key=failed_key(asked),
        title=f"The {asked.get_kind_display().lower()} could not be made: see why, put it "
        "right and ask for it again",
        due=team.working_week().within_working_days(now, 1),
        subject=(REQUEST_SUBJECT, asked.pk),
        client=asked.client,
    )


def failed_key(asked: LetterRequest) -> str:
    """One item per letter of a course that could not be made, however many tries failed; it
    closes when that letter is made."""
    return f"letter_failed:{asked.course_id}:{asked.kind}"


@transaction.atomic
def update_team_contacts(team: Team, *, actor: User, changes: dict[str, Any]) -> Team:
    """Change the contact details printed on letters and patient pages (service leads only)."""
    if not actor.is_service_lead or actor.team_id != team.pk:
        raise LetterError("Only the team's service lead can change its contact details.")
    unknown = set(changes) - set(TEAM_CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact details: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(team, name, value)
    team.save(update_fields=list(changes) or None)
    audit.record(actor=actor, action="team.contacts", obj=team, detail={"fields": sorted(changes)})
    return team


@transaction.atomic
def sign_off_translation(
    language: str,
    *,
    actor: User,
    reviewer: str,
    qualification: str,
    reviewed_on: date,
) -> TranslationReview:
    """Record that a qualified translator checked the letter wording of ``language`` as it is now."""
    if not actor.is_service_lead:
        raise LetterError("Only a service lead can record a translator's sign-off.")
    if language not in SHIPPED or SHIPPED[language].origin is Origin.SOURCE:
        raise LetterError("Choose one of the translated languages.")
    if not reviewer.strip() or not qualification.strip():
        raise LetterError("Give the translator's name and qualification.")
    if reviewed_on > timezone.localdate():
        raise LetterError("The date of the review cannot be in the future.")
    review = TranslationReview.objects.create(
        team_id=actor.team_id,
        language=language,
        catalog_digest=catalog_digest(language),
        reviewer=reviewer.strip(),
        qualification=qualification.strip(),
        reviewed_on=reviewed_on,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="translation.sign_off",
        obj=review,
        detail={"language": language},
    )
    return review
