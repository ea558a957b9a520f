"""Issuing a letter: stored exactly as sent, audited once, refused when it would be wrong."""

from __future__ import annotations

import pytest

from iptclinic.audit.models import AuditEvent
from iptclinic.letters import services
from iptclinic.letters.models import (
    IssuedLetter,
    LetterFile,
    LetterFormat,
    LetterKind,
    LetterRequest,
    Recipient,
)
from iptclinic.letters.services import LetterDataMissing, LetterError, request_letter
from iptclinic.letters.tests.scenes import (
    TEAM_CONTACTS,
    completed_course,
    issue_now,
    open_course_with_appointments,
)


def test_issuing_stores_every_format_with_its_digest_and_writes_one_audit_event(cara, tess):
    scene = open_course_with_appointments(cara, tess, braille=True)
    before = AuditEvent.objects.count()

    letter = issue_now(
        scene.course,
        actor=tess,
        kind=LetterKind.APPOINTMENTS,
        formats=[LetterFormat.LARGE_PRINT, LetterFormat.BRAILLE, LetterFormat.TEXT],
    )

    # One event for asking (in the request), one for the letter stored (by the worker).
    assert AuditEvent.objects.count() == before + 2
    event = AuditEvent.objects.get(action="letter.issue")
    assert (event.actor, event.client, event.object_id) == (tess, cara, str(letter.pk))
    assert event.detail == {
        "kind": "appointments",
        "language": "en-gb",
        "formats": ["braille", "large_print", "pdf", "text"],
        "files": 5,
        "translation_needs": 0,
        "request": letter.request_id,
    }
    assert (letter.issued_by, letter.client, letter.course) == (tess, cara, scene.course)
    files = {f.format: f for f in letter.files.all()}
    assert set(files) == {
        LetterFormat.PDF,
        LetterFormat.LARGE_PRINT,
        LetterFormat.BRAILLE,
        LetterFormat.TEXT,
        LetterFormat.CALENDAR,
    }
    for stored in files.values():
        content = bytes(stored.content)
        assert stored.size == len(content) > 0
        assert stored.sha256 == LetterFile.digest(content)
        assert stored.is_intact
        assert stored.render_seconds >= 0
        assert "whitfield-cara" in stored.filename
    assert {f.format for f in files.values() if f.needed} == {
        LetterFormat.LARGE_PRINT,
        LetterFormat.BRAILLE,
    }
    assert content_of(files[LetterFormat.PDF]).startswith(b"%PDF-")
    assert content_of(files[LetterFormat.CALENDAR]).startswith(b"BEGIN:VCALENDAR")


def content_of(stored: LetterFile) -> bytes:
    return bytes(stored.content)


def test_standard_print_is_always_made(cara, tess):
    scene = open_course_with_appointments(cara, tess, large_print=False)
    letter = issue_now(scene.course, actor=tess, kind=LetterKind.APPOINTMENTS, formats=[])
    assert set(letter.files.values_list("format", flat=True)) == {"pdf", "calendar"}


@pytest.mark.parametrize(
    ("needs", "left_out", "message"),
    [
        ({"large_print": True}, [], "Cara needs large print"),
        ({"braille": True, "large_print": False}, [], "Cara needs Braille"),
        (
            {"audio": True, "easy_read": True, "large_print": False},
            [LetterFormat.AUDIO],
            r"Cara needs easy read \(a recorded",
        ),
    ],
)
def test_a_format_the_person_needs_cannot_be_left_out(cara, tess, needs, left_out, message):
    scene = open_course_with_appointments(cara, tess, **needs)
    with pytest.raises(LetterError, match=message):
        request_letter(scene.course, actor=tess, kind=LetterKind.APPOINTMENTS, formats=left_out)
    assert not LetterRequest.objects.exists()
    assert not IssuedLetter.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="letter.").exists()


def test_a_gp_letter_is_made_only_in_the_formats_offered_for_it(cara, tess):
    scene = completed_course(cara, tess, large_print=False)
    with pytest.raises(LetterError, match="not made in these formats: audio"):
        request_letter(
            scene.course, actor=tess, kind=LetterKind.GP_SUMMARY, formats=[LetterFormat.AUDIO]
        )


@pytest.mark.parametrize(
    ("change", "gap"),
    [
        ({"address": ""}, "Cara has no postal address. Add it on the client's details page."),
        ({"postcode": ""}, "Cara has no postcode. Add it on the client's details page."),
    ],
)
def test_a_client_letter_with_missing_data_says_what_is_missing_and_is_not_issued(
    cara, tess, change, gap
):
    scene = open_course_with_appointments(cara, tess)
    for name, value in change.items():
        setattr(cara, name, value)
    cara.save()
    with pytest.raises(LetterDataMissing) as caught:
        request_letter(scene.course, actor=tess, kind=LetterKind.APPOINTMENTS, formats=[])
    assert caught.value.gaps == [gap]
    assert not IssuedLetter.objects.exists()


@pytest.mark.parametrize(
    ("change", "gap"),
    [
        (
            {"gp_address": ""},
            "Cara's GP practice has no address. Add it on the client's details page.",
        ),
        (
            {"gp_practice": ""},
            "Cara's GP practice is not recorded. Add it on the client's details page.",
        ),
        ({"nhs_number": ""}, "Cara has no NHS number; a letter to the GP must carry it."),
    ],
)
def test_a_gp_summary_with_missing_data_says_what_is_missing(cara, tess, change, gap):
    scene = completed_course(cara, tess)
    for name, value in change.items():
        setattr(cara, name, value)
    cara.save()
    with pytest.raises(LetterDataMissing) as caught:
        request_letter(scene.course, actor=tess, kind=LetterKind.GP_SUMMARY, formats=[])
    assert gap in caught.value.gaps


def test_the_gp_summary_needs_the_persons_consent(cara, tess):
    scene = completed_course(cara, tess)
    record = scene.course.ending_record
    record.gp_consent = False
    record.save()
    with pytest.raises(LetterDataMissing, match="has not agreed to the summary going to the GP"):
        request_letter(scene.course, actor=tess, kind=LetterKind.GP_SUMMARY, formats=[])


@pytest.mark.parametrize(
    ("blank", "gap"),
    [
        ("phone", "The team has no switchboard phone number."),
        ("address", "The team has no address for the letterhead."),
    ],
)
def test_a_letter_without_the_teams_contact_details_is_not_issued(cara, tess, blank, gap):
    scene = open_course_with_appointments(cara, tess)
    setattr(cara.team, blank, "")
    cara.team.save()
    with pytest.raises(LetterDataMissing) as caught:
        request_letter(scene.course, actor=tess, kind=LetterKind.APPOINTMENTS, formats=[])
    assert caught.value.gaps == [f"{gap} A service lead can add it in the letter settings."]


def test_a_patient_letter_needs_a_complaints_contact(cara, tess):
    scene = open_course_with_appointments(cara, tess)
    team = cara.team
    team.complaints_phone = team.complaints_freephone = team.complaints_email = ""
    team.save()
    with pytest.raises(LetterDataMissing, match="no complaints service with a phone or email"):
        request_letter(scene.course, actor=tess, kind=LetterKind.APPOINTMENTS, formats=[])


def test_an_end_of_therapy_summary_waits_for_the_course_to_end(cara, tess):
    scene = open_course_with_appointments(cara, tess)
    with pytest.raises(LetterDataMissing) as caught:
        request_letter(scene.course, actor=tess, kind=LetterKind.CLIENT_SUMMARY, formats=[])
    assert caught.value.gaps == [
        "The course has not ended yet. End it first; the summary describes the whole course.",
        "Cara's course has no ending record. Write it on the ending page.",
    ]


def test_a_referrer_without_an_address_gets_one_typed_for_their_copy(cara, tess):
    referral = cara.referrals.get()
    referral.referrer = "Ms Jo Bright, Community Wellbeing Team"
    referral.save()
    scene = completed_course(cara, tess)
    with pytest.raises(LetterDataMissing, match="Type it in the box below"):
        request_letter(scene.course, actor=tess, kind=LetterKind.GP_SUMMARY, formats=[])

    letter = issue_now(
        scene.course,
        actor=tess,
        kind=LetterKind.GP_SUMMARY,
        formats=[],
        referrer_address="5 Park Road\nNorthtown NT2 1AA",
    )
    assert set(letter.files.values_list("recipient", flat=True)) == {
        Recipient.GP,
        Recipient.REFERRER,
    }


def test_only_the_allocated_therapist_issues_letters(cara, tess, sam, lee):
    scene = open_course_with_appointments(cara, tess)
    for someone in (sam, lee):
        with pytest.raises(LetterError, match="Only the therapist allocated"):
            request_letter(scene.course, actor=someone, kind=LetterKind.APPOINTMENTS, formats=[])


def test_the_team_contacts_are_changed_by_the_service_lead_with_one_audit_event(lee, tess, team):
    with pytest.raises(LetterError, match="service lead"):
        services.update_team_contacts(team, actor=tess, changes={"phone": "1"})
    services.update_team_contacts(
        team, actor=lee, changes={"complaints_phone": TEAM_CONTACTS["complaints_phone"]}
    )
    team.refresh_from_db()
    assert team.complaints_phone == TEAM_CONTACTS["complaints_phone"]
    event = AuditEvent.objects.get(action="team.contacts")
    assert event.detail == {"fields": ["complaints_phone"]}
