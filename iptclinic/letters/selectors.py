"""What staff see before issuing a letter: the draft, its language, its notes and its formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from iptclinic.clients.models import Client, ContactMethod
from iptclinic.courses.models import Course

from .kinds import LetterContent, build
from .languages import ENGLISH, SHIPPED, LanguageChoice, Origin, catalog_digest, language_choice
from .models import (
    IssuedLetter,
    LetterFile,
    LetterFormat,
    LetterKind,
    LetterRequest,
    RequestStatus,
    TranslationReview,
)

_NEED_FORMATS = (
    ("large_print", LetterFormat.LARGE_PRINT),
    ("easy_read", LetterFormat.EASY_READ),
    ("audio", LetterFormat.AUDIO),
    ("braille", LetterFormat.BRAILLE),
)


@dataclass(frozen=True)
class TranslationStatus:
    code: str
    name: str
    checked: bool
    label: str
    review: TranslationReview | None


def translation_status(code: str, team_id: int) -> TranslationStatus:
    """Whether the shipped wording of ``code`` has been checked by a qualified translator for
    this team.

    A sign-off counts only in the team that recorded it, and only for the wording it was given
    for (its catalogue digest)."""
    language = SHIPPED[code]
    if language.origin is Origin.SOURCE:
        return TranslationStatus(code, language.english_name, True, "Original wording.", None)
    review = TranslationReview.objects.filter(language=code, team_id=team_id).first()
    if review is not None and review.catalog_digest == catalog_digest(code):
        label = (
            f"Checked by {review.reviewer} ({review.qualification}) on "
            f"{review.reviewed_on:%-d %B %Y}."
        )
        return TranslationStatus(code, language.english_name, True, label, review)
    origin = (
        "Machine-made translation (drafted by an AI assistant)"
        if language.origin is Origin.MACHINE
        else "Translation"
    )
    if review is not None:
        label = (
            f"{origin}, changed since {review.reviewer} checked it on "
            f"{review.reviewed_on:%-d %B %Y}: not yet checked again by a qualified translator."
        )
    else:
        label = f"{origin}: not yet checked by a qualified translator."
    return TranslationStatus(code, language.english_name, False, label, None)


def translation_statuses(team_id: int) -> list[TranslationStatus]:
    return [translation_status(code, team_id) for code in SHIPPED if code != ENGLISH]


@dataclass
class LetterDraft:
    """A letter before it is issued, with everything staff must see first."""

    content: LetterContent
    language: LanguageChoice
    status: TranslationStatus
    needed: set[LetterFormat]
    default: set[LetterFormat]
    notes: list[str] = field(default_factory=list)
    translation_needs: list[str] = field(default_factory=list)

    @property
    def can_issue(self) -> bool:
        return not self.content.gaps


def needed_formats(client: Client) -> set[LetterFormat]:
    """The formats the person's recorded needs call for (Accessible Information Standard)."""
    return {fmt for flag, fmt in _NEED_FORMATS if getattr(client, flag)}


def letter_draft(course: Course, kind: LetterKind, *, referrer_address: str = "") -> LetterDraft:
    kind = LetterKind(kind)
    options = {"referrer_address": referrer_address} if kind is LetterKind.GP_SUMMARY else {}
    content = build(kind, course, **options)
    client = course.referral.client
    if not content.patient_facing:
        english = language_choice("")
        return LetterDraft(
            content=content,
            language=english,
            status=translation_status(ENGLISH, client.team_id),
            needed=set(),
            default={LetterFormat.PDF},
        )
    choice = language_choice(client.language)
    letter_language = choice.letter_language
    needed = needed_formats(client)
    default = {LetterFormat.PDF} | needed
    if client.preferred_contact == ContactMethod.EMAIL:
        default.add(LetterFormat.TEXT)
    draft = LetterDraft(
        content=content,
        language=choice,
        status=translation_status(letter_language.code, client.team_id),
        needed=needed,
        default=default,
    )
    label = str(kind.label).lower()
    if choice.shipped is None:
        draft.notes.append(
            f"There is no {choice.requested} translation of this letter. It will be issued in "
            f"English, and the need for a {choice.requested} translation or an interpreter will "
            "be recorded."
        )
        draft.translation_needs.append(
            f"The {label} in {choice.requested}: translation or interpreter needed."
        )
    elif not choice.is_english:
        if not draft.status.checked:
            draft.notes.append(f"The {choice.requested} wording: {draft.status.label}")
        if content.staff_written:
            draft.notes.append(
                f"The parts written by staff ({', '.join(content.staff_written)}) are printed as "
                f"typed and are not translated. Write them in {choice.requested}, or arrange for "
                f"an interpreter to go through them with {client.called}."
            )
        if content.context.get("crisis_custom"):
            draft.notes.append(
                "The team's own crisis contacts are printed as typed, after the standard UK crisis "
                f"lines in {choice.requested}."
            )
        if LetterFormat.BRAILLE in needed and not letter_language.braille_in_language:
            draft.notes.append(
                f"Braille is made in Unified English Braille from the English version of the "
                f"letter. The need for Braille in {choice.requested} will be recorded."
            )
            draft.translation_needs.append(f"The {label} in {choice.requested} Braille.")
    return draft


def letters_of(client: Client) -> QuerySet[IssuedLetter]:
    """Issued letters of one client, newest first, with their files but not their content."""
    return (
        IssuedLetter.objects.filter(client=client)
        .select_related("issued_by", "course")
        .prefetch_related(
            Prefetch("files", queryset=LetterFile.objects.defer("content")),
            "translation_needs",
        )
    )


def requests_in_hand(client: Client) -> QuerySet[LetterRequest]:
    """Letters of one client asked for and not yet made: waiting, being made, or failed and not
    made since by a later request for the same letter of the same course. Newest first."""
    made_later = LetterRequest.objects.filter(
        course=OuterRef("course"),
        kind=OuterRef("kind"),
        status=RequestStatus.READY,
        requested_at__gt=OuterRef("requested_at"),
    )
    return (
        LetterRequest.objects.filter(client=client)
        .annotate(made_later=Exists(made_later))
        .exclude(status=RequestStatus.READY)
        .exclude(status=RequestStatus.FAILED, made_later=True)
        .select_related("requested_by")
    )


SLOW_TO_START = timedelta(minutes=2)
"""A worker normally takes a request within seconds; after this the page says something is wrong."""
SLOW_TO_MAKE = timedelta(minutes=5)
"""Making takes seconds (audio the longest); after this the worker has probably stopped."""
CHECK_FOR = timedelta(minutes=10)
"""How long an open request page keeps checking by itself: long enough for the retries, and
bounded, because every check keeps the person's session alive."""


@dataclass(frozen=True)
class Progress:
    """What the request page says about a letter being made, and whether it checks again."""

    request: LetterRequest
    slow: bool
    checking: bool

    @property
    def token(self) -> str:
        """Changes whenever the page would say something different."""
        return f"{self.request.status}-{self.request.attempts}-{self.slow:d}-{self.checking:d}"


def progress_of(asked: LetterRequest, now: datetime) -> Progress:
    if asked.status == RequestStatus.WAITING and not asked.attempts:
        slow = now - asked.requested_at > SLOW_TO_START
    elif asked.status == RequestStatus.MAKING and asked.started_at is not None:
        slow = now - asked.started_at > SLOW_TO_MAKE
    else:
        slow = False
    checking = not asked.is_finished and now - asked.requested_at < CHECK_FOR
    return Progress(request=asked, slow=slow, checking=checking)
