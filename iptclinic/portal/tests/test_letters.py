"""My letters: only the files addressed to the person, exactly as sent, audited (hazard H-099)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses.models import Course
from iptclinic.letters.models import (
    IssuedLetter,
    LetterFile,
    LetterFormat,
    LetterKind,
    LetterRequest,
    Recipient,
    RequestStatus,
)
from iptclinic.test import open_course_for


def _page(response: Any) -> str:
    return response.content.decode()


def _letter(course: Course, kind: LetterKind, by: User, **extra: Any) -> IssuedLetter:
    return IssuedLetter.objects.create(
        client=course.referral.client,
        course=course,
        kind=kind,
        language=extra.pop("language", "en-gb"),
        language_name=extra.pop("language_name", "English"),
        translation_status=extra.pop("translation_status", "Original wording."),
        subject="A letter",
        issued_by=by,
        issued_at=timezone.now(),
    )


def _file(letter: IssuedLetter, recipient: Recipient, fmt: LetterFormat, body: bytes) -> LetterFile:
    return LetterFile.objects.create(
        letter=letter,
        recipient=recipient,
        format=fmt,
        language=letter.language,
        filename=f"{letter.kind}-{recipient}-{fmt}.bin",
        content_type="application/octet-stream",
        content=body,
        size=len(body),
        sha256=LetterFile.digest(body),
        render_seconds=0.1,
    )


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User) -> HttpClient:
    client.force_login(cara_user)
    return client


@pytest.fixture
def letters(cara_course: Course, tess: User) -> dict[str, LetterFile]:
    mine = _letter(cara_course, LetterKind.FORMULATION, tess)
    gp = _letter(cara_course, LetterKind.GP_SUMMARY, tess)
    polish = _letter(
        cara_course,
        LetterKind.APPOINTMENTS,
        tess,
        language="pl",
        language_name="Polish",
        translation_status="Machine-made translation: not yet checked by a qualified translator.",
    )
    return {
        "large": _file(mine, Recipient.SERVICE_USER, LetterFormat.LARGE_PRINT, b"large print"),
        "audio": _file(mine, Recipient.SERVICE_USER, LetterFormat.AUDIO, b"mp3"),
        "gp": _file(gp, Recipient.GP, LetterFormat.PDF, b"to the GP"),
        "referrer": _file(gp, Recipient.REFERRER, LetterFormat.PDF, b"to the referrer"),
        "polish": _file(polish, Recipient.SERVICE_USER, LetterFormat.PDF, b"po polsku"),
        "record": _file(polish, Recipient.RECORD, LetterFormat.PDF, b"English for the record"),
    }


def test_the_person_sees_only_letters_addressed_to_them(
    as_cara: HttpClient, letters: dict[str, LetterFile]
) -> None:
    page = _page(as_cara.get(reverse("portal:letters")))

    assert "What we agreed to work on" in page
    assert "Your appointments" in page
    for mine in ("large", "audio", "polish"):
        assert reverse("portal:letter_download", args=[letters[mine].pk]) in page
    for theirs in ("gp", "referrer", "record"):
        assert reverse("portal:letter_download", args=[letters[theirs].pk]) not in page
    assert "Summary for the GP" not in page


def test_a_translated_letter_shows_its_review_status(
    as_cara: HttpClient, letters: dict[str, LetterFile]
) -> None:
    page = _page(as_cara.get(reverse("portal:letters")))
    assert "Written in Polish." in page
    assert "not yet checked by a qualified translator" in page


def test_a_download_is_the_letter_as_sent_and_is_audited(
    as_cara: HttpClient, cara: Client, letters: dict[str, LetterFile]
) -> None:
    stored = letters["large"]
    response = as_cara.get(reverse("portal:letter_download", args=[stored.pk]))

    assert response.status_code == 200
    assert response.content == b"large print"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="letter.portal_download")
    assert event.client_id == cara.pk and event.detail["format"] == "large_print"


@pytest.mark.parametrize("theirs", ["gp", "referrer", "record"])
def test_a_file_to_someone_else_is_not_found(
    as_cara: HttpClient, letters: dict[str, LetterFile], theirs: str
) -> None:
    response = as_cara.get(reverse("portal:letter_download", args=[letters[theirs].pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="letter.portal_download").exists()


def test_another_persons_letter_is_not_found(as_cara: HttpClient, ruth: Client, otto: User) -> None:
    course = open_course_for(ruth, otto)
    ruths = _file(
        _letter(course, LetterKind.FORMULATION, otto),
        Recipient.SERVICE_USER,
        LetterFormat.PDF,
        b"Ruth's",
    )
    assert as_cara.get(reverse("portal:letter_download", args=[ruths.pk])).status_code == 404
    assert reverse("portal:letter_download", args=[ruths.pk]) not in _page(
        as_cara.get(reverse("portal:letters"))
    )


def test_staff_cannot_use_the_portal_download(
    client: HttpClient, tess: User, letters: dict[str, LetterFile]
) -> None:
    client.force_login(tess)
    url = reverse("portal:letter_download", args=[letters["large"].pk])
    assert client.get(url).status_code == 404


def test_a_damaged_file_is_not_handed_over(
    as_cara: HttpClient, letters: dict[str, LetterFile]
) -> None:
    stored = letters["audio"]
    LetterFile.objects.filter(pk=stored.pk).update(content=b"changed")
    response = as_cara.get(reverse("portal:letter_download", args=[stored.pk]))
    assert response.status_code == 500
    assert b"mp3" not in response.content and b"changed" not in response.content
    assert "ask your therapist for a new copy" in _page(response)


def test_a_letter_being_made_says_come_back(
    as_cara: HttpClient, cara: Client, cara_course: Course, tess: User
) -> None:
    LetterRequest.objects.create(
        client=cara,
        course=cara_course,
        kind=LetterKind.APPOINTMENTS,
        formats=["audio", "pdf"],
        requested_by=tess,
        requested_at=timezone.now(),
        status=RequestStatus.MAKING,
    )
    LetterRequest.objects.create(
        client=cara,
        course=cara_course,
        kind=LetterKind.GP_SUMMARY,
        formats=["pdf"],
        requested_by=tess,
        requested_at=timezone.now(),
    )
    page = _page(as_cara.get(reverse("portal:letters")))
    assert "we are making this letter now. Please come back to this page later." in page
    assert page.count("we are making this letter now") == 1


def test_the_information_about_ipt_is_offered_in_every_format(as_cara: HttpClient) -> None:
    page = _page(as_cara.get(reverse("portal:letters")))
    for name in ("letters:about_ipt", "letters:about_ipt_pdf", "letters:about_ipt_large_print"):
        assert reverse(name) in page
    easy = as_cara.get(reverse("portal:information_easy_read"))
    assert easy.status_code == 200
    assert "IPT is a talking therapy." in _page(easy)


def test_the_letters_page_takes_a_fixed_number_of_queries(
    as_cara: HttpClient, letters: dict[str, LetterFile], django_assert_max_num_queries: Any
) -> None:
    # Signing in, the record twice (the page's own lookup and the needs it follows), the audit
    # event, then one query each for letters, their files and letters being made: however many.
    with django_assert_max_num_queries(16):
        as_cara.get(reverse("portal:letters"))
