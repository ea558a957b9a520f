"""Letters in the person's language, never silently in English (issue 5 item 3; H-012)."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from iptclinic.ipt.ending import Disposition
from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.ipt.problem_areas import AreaMeaning
from iptclinic.letters import services
from iptclinic.letters.formats.plaintext import html_to_text
from iptclinic.letters.kinds import build
from iptclinic.letters.languages import (
    ENGLISH,
    LOCALE_DIR,
    SHIPPED,
    Origin,
    catalog_digest,
    catalog_path,
    language_choice,
)
from iptclinic.letters.models import LetterFormat, LetterKind, Recipient, TranslationNeed
from iptclinic.letters.rendering import render_html
from iptclinic.letters.selectors import letter_draft, translation_status
from iptclinic.letters.tests.scenes import (
    completed_course,
    issue_now,
    open_course_with_appointments,
)
from iptclinic.letters.wording import AREA_EXPLANATIONS, AREA_NAMES, NEXT_STEPS, QUESTIONNAIRE_NAMES

PO = LOCALE_DIR / "pl" / "LC_MESSAGES" / "django.po"
PATIENT_KINDS = [LetterKind.APPOINTMENTS, LetterKind.CLIENT_SUMMARY]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def _catalog(path) -> dict:
    with open(path, "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


def _english_fragments() -> set[str]:
    """Every piece of fixed English wording between placeholders, of three words or more."""
    fragments = set()
    for key in _catalog(catalog_path("pl")):
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]
        for part in PLACEHOLDER.split(msgid):
            part = part.strip(" .,:")
            if len(part.split()) >= 3:
                fragments.add(part)
    return fragments


@pytest.mark.parametrize(
    ("typed", "requested", "code", "shipped"),
    [
        ("", "English", "en-gb", "en-gb"),
        ("English", "English", "en-gb", "en-gb"),
        ("Polish", "Polish", "pl", "pl"),
        ("  polski ", "Polish", "pl", "pl"),
        ("PL", "Polish", "pl", "pl"),
        ("Urdu", "Urdu", "ur", None),
        ("Tigrinya", "Tigrinya", "ti", None),
        ("Klingon", "Klingon", None, None),
    ],
)
def test_the_typed_language_is_recognised_and_matched_to_a_shipped_translation(
    typed, requested, code, shipped
):
    choice = language_choice(typed)
    assert (choice.requested, choice.code) == (requested, code)
    assert (choice.shipped.code if choice.shipped else None) == shipped
    assert choice.letter_language.code == (shipped or ENGLISH)


def test_the_committed_catalogue_is_compiled_from_the_committed_translations(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext is installed by scripts/system-packages"
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(PO)], check=True)
    assert _catalog(compiled) == _catalog(catalog_path("pl"))


def test_every_polish_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    for entry in text.split("\n\n")[1:]:
        # An empty msgstr is one not followed by a continuation line.
        assert not re.search(r'^msgstr(\[\d\])? ""\n(?!")', entry + "\n", re.MULTILINE), entry


def test_the_wording_taken_from_data_is_translated_for_every_value():
    assert set(AREA_NAMES) == set(AREA_EXPLANATIONS) == set(AreaMeaning)
    assert set(NEXT_STEPS) == set(Disposition)
    assert set(QUESTIONNAIRE_NAMES) == set(INSTRUMENTS)
    for mapping in (AREA_NAMES, AREA_EXPLANATIONS, NEXT_STEPS, QUESTIONNAIRE_NAMES):
        for value in mapping.values():
            with translation.override("pl"):
                polish = str(value)
            assert polish != str(value)


@pytest.mark.parametrize("kind", PATIENT_KINDS)
@pytest.mark.parametrize("easy_read", [False, True])
def test_a_polish_letter_has_no_fixed_english_wording_left(kind, easy_read, cara, tess):
    scene = (
        open_course_with_appointments(cara, tess, language="Polish")
        if kind is LetterKind.APPOINTMENTS
        else completed_course(cara, tess, language="Polish")
    )
    content = build(kind, scene.course)
    polish = html_to_text(
        render_html(content, content.addressees[0], "pl", easy_read=easy_read), width=None
    )
    english = html_to_text(
        render_html(content, content.addressees[0], ENGLISH, easy_read=easy_read), width=None
    )
    flat = " ".join(polish.split())
    left = [f for f in _english_fragments() if f in flat]
    assert left == []
    assert flat != " ".join(english.split())
    assert "Poufne" in flat and "116 123" in flat


@pytest.mark.time_machine(datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Europe/London")))
def test_the_polish_translation_is_shown_as_machine_made_until_a_translator_signs_it_off(lee):
    assert SHIPPED["pl"].origin is Origin.MACHINE
    status = translation_status("pl", lee.team_id)
    assert not status.checked
    assert status.label == (
        "Machine-made translation (drafted by an AI assistant): not yet checked by a qualified "
        "translator."
    )
    services.sign_off_translation(
        "pl",
        actor=lee,
        reviewer="Anna Nowak",
        qualification="MCIL, Polish",
        reviewed_on=date(2026, 11, 2),
    )
    status = translation_status("pl", lee.team_id)
    assert status.checked
    assert status.label == "Checked by Anna Nowak (MCIL, Polish) on 2 November 2026."


@pytest.mark.time_machine(datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Europe/London")))
def test_a_sign_off_lapses_when_the_wording_changes_afterwards(lee, monkeypatch):
    services.sign_off_translation(
        "pl", actor=lee, reviewer="Anna Nowak", qualification="MCIL", reviewed_on=date(2026, 11, 2)
    )
    monkeypatch.setattr(
        "iptclinic.letters.selectors.catalog_digest", lambda code: "0" * 64, raising=True
    )
    status = translation_status("pl", lee.team_id)
    assert not status.checked
    assert "changed since Anna Nowak checked it on 2 November 2026" in status.label


def test_the_catalogue_digest_depends_on_the_wording_only():
    assert catalog_digest("pl") == catalog_digest("pl")
    assert len(catalog_digest("pl")) == 64


@pytest.mark.parametrize(
    ("reviewer", "qualification", "when", "message"),
    [
        ("", "MCIL", date(2026, 11, 2), "name and qualification"),
        ("Anna", " ", date(2026, 11, 2), "name and qualification"),
        ("Anna", "MCIL", date(2999, 1, 1), "cannot be in the future"),
    ],
)
def test_a_sign_off_needs_a_named_qualified_translator_and_a_real_date(
    lee, reviewer, qualification, when, message
):
    with pytest.raises(services.LetterError, match=message):
        services.sign_off_translation(
            "pl", actor=lee, reviewer=reviewer, qualification=qualification, reviewed_on=when
        )


def test_only_a_service_lead_records_a_sign_off(tess):
    with pytest.raises(services.LetterError, match="service lead"):
        services.sign_off_translation(
            "pl", actor=tess, reviewer="A", qualification="B", reviewed_on=date(2026, 1, 1)
        )


def test_staff_are_told_what_is_not_translated_before_a_polish_letter_is_issued(cara, tess):
    scene = completed_course(cara, tess, language="Polish", braille=True)
    draft = letter_draft(scene.course, LetterKind.CLIENT_SUMMARY)
    assert draft.language.letter_language.code == "pl"
    notes = " ".join(draft.notes)
    assert "not yet checked by a qualified translator" in notes
    assert "printed as typed and are not translated" in notes
    assert "Unified English Braille" in notes
    assert draft.translation_needs == [
        "The end-of-therapy summary for the service user in Polish Braille."
    ]


def test_a_letter_for_a_language_without_a_translation_says_so_and_records_the_need(cara, tess):
    scene = open_course_with_appointments(cara, tess, language="Tigrinya")
    draft = letter_draft(scene.course, LetterKind.APPOINTMENTS)
    assert draft.language.shipped is None
    assert draft.notes == [
        "There is no Tigrinya translation of this letter. It will be issued in English, and the "
        "need for a Tigrinya translation or an interpreter will be recorded."
    ]
    with pytest.raises(services.LetterError, match="confirm them first"):
        services.request_letter(
            scene.course,
            actor=tess,
            kind=LetterKind.APPOINTMENTS,
            formats=[LetterFormat.PDF, LetterFormat.LARGE_PRINT],
        )
    assert not TranslationNeed.objects.exists()

    letter = issue_now(
        scene.course,
        actor=tess,
        kind=LetterKind.APPOINTMENTS,
        formats=[LetterFormat.PDF, LetterFormat.LARGE_PRINT],
        acknowledged=True,
    )
    assert letter.language == ENGLISH
    assert letter.staff_notes == draft.notes
    need = TranslationNeed.objects.get()
    assert (need.client, need.letter, need.language_name) == (cara, letter, "Tigrinya")
    assert need.need == "The appointment letter in Tigrinya: translation or interpreter needed."


def test_a_polish_letter_keeps_an_english_copy_for_the_record(cara, tess):
    scene = open_course_with_appointments(cara, tess, language="Polish")
    letter = issue_now(
        scene.course,
        actor=tess,
        kind=LetterKind.APPOINTMENTS,
        formats=[LetterFormat.PDF, LetterFormat.LARGE_PRINT],
        acknowledged=True,
    )
    files = {(f.recipient, f.format, f.language) for f in letter.files.all()}
    assert files == {
        (Recipient.SERVICE_USER, LetterFormat.PDF, "pl"),
        (Recipient.SERVICE_USER, LetterFormat.LARGE_PRINT, "pl"),
        (Recipient.SERVICE_USER, LetterFormat.CALENDAR, "pl"),
        (Recipient.RECORD, LetterFormat.PDF, ENGLISH),
    }
    assert letter.translation_status.startswith("Machine-made translation")


def test_the_gp_summary_is_in_english_whatever_the_persons_language(cara, tess):
    scene = completed_course(cara, tess, language="Polish")
    draft = letter_draft(scene.course, LetterKind.GP_SUMMARY)
    assert draft.notes == []
    assert draft.language.letter_language.code == ENGLISH


@pytest.mark.time_machine(datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Europe/London")))
def test_one_teams_sign_off_leaves_another_team_not_checked(lee, hana, client):
    services.sign_off_translation(
        "pl", actor=lee, reviewer="Anna Nowak", qualification="MCIL", reviewed_on=date(2026, 11, 2)
    )
    assert translation_status("pl", lee.team_id).checked
    assert not translation_status("pl", hana.team_id).checked

    client.force_login(hana)
    page = client.get(reverse("letters:translations")).content.decode()
    assert "Anna Nowak" not in page
    assert "not yet checked by a qualified translator" in page
    client.force_login(lee)
    assert "Checked by Anna Nowak" in client.get(reverse("letters:translations")).content.decode()
