"""Issuing letters, and the settings behind them. Each write is audited with one event.

``issue_letter`` renders every format first (seconds: audio is the slowest), outside the database
transaction, so no lock is held while WeasyPrint, liblouis and espeak-ng work; then it stores the
letter, its files and any translation need together with the audit event, all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Role, Team, User
from iptclinic.audit import services as audit
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.models import Course

from .formats.tools import FormatToolMissing
from .languages import SHIPPED, Origin, catalog_digest
from .models import (
    IssuedLetter,
    LetterFile,
    LetterFormat,
    LetterKind,
    TranslationNeed,
    TranslationReview,
)
from .rendering import NoVoice, render_files
from .selectors import letter_draft

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


def issue_letter(
    course: Course,
    *,
    actor: User,
    kind: LetterKind,
    formats: Iterable[LetterFormat],
    acknowledged: bool = False,
    referrer_address: str = "",
) -> IssuedLetter:
    """Render the letter in every chosen format and store it exactly as sent, audited once.

    Refused, with a plain message, when data is missing (never a letter with blanks), when a
    format the person needs is left out, when the notes about language were not confirmed, or
    when a format tool is not installed.
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
    try:
        files = render_files(
            content,
            chosen,
            draft.language.letter_language,
            large_easy_read=client.large_print,
        )
    except (FormatToolMissing, NoVoice) as error:
        raise LetterError(str(error)) from None
    with transaction.atomic():
        letter = IssuedLetter.objects.create(
            client=client,
            course=course,
            kind=kind,
            language=draft.language.letter_language.code,
            language_name=draft.language.letter_language.english_name,
            translation_status=draft.status.label,
            subject=content.subject,
            staff_notes=draft.notes,
            issued_by=actor,
            issued_at=timezone.now(),
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
        audit.record(
            actor=actor,
            action="letter.issue",
            client=client,
            obj=letter,
            detail={
                "kind": str(kind),
                "language": letter.language,
                "formats": sorted(str(fmt) for fmt in chosen),
                "files": len(files),
                "translation_needs": len(draft.translation_needs),
            },
        )
    return letter


@transaction.atomic
def update_team_contacts(team: Team, *, actor: User, changes: dict[str, Any]) -> Team:
    """Change the contact details printed on letters and patient pages (service leads only)."""
    if actor.role != Role.SERVICE_LEAD or actor.team_id != team.pk:
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
    if actor.role != Role.SERVICE_LEAD:
        raise LetterError("Only a service lead can record a translator's sign-off.")
    if language not in SHIPPED or SHIPPED[language].origin is Origin.SOURCE:
        raise LetterError("Choose one of the translated languages.")
    if not reviewer.strip() or not qualification.strip():
        raise LetterError("Give the translator's name and qualification.")
    if reviewed_on > timezone.localdate():
        raise LetterError("The date of the review cannot be in the future.")
    review = TranslationReview.objects.create(
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
