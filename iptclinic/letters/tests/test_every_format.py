"""Each kind of letter in each of its formats, read back and checked (issue 5, Show).

PDFs are read back with pdfplumber: their text, and for large print every character's size. BRF
holds only ASCII braille in 40-cell lines and 25-line pages and translates back to the letter's
text. The audio's playing time is plausible for the number of words read.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterator

import pytest
from django.utils import timezone

from iptclinic.letters.formats.braille import brf_to_text
from iptclinic.letters.formats.pdf import pdf_font_names, pdf_font_sizes, pdf_text
from iptclinic.letters.formats.plaintext import html_to_text, without_rules
from iptclinic.letters.kinds import build
from iptclinic.letters.languages import SHIPPED
from iptclinic.letters.models import LetterFormat, LetterKind, Recipient
from iptclinic.letters.rendering import RenderedFile, render_files, render_html
from iptclinic.letters.tests.scenes import (
    TEAM_CONTACTS,
    Scene,
    completed_course,
    open_course_with_appointments,
    prepare_client,
    run_course,
)

ENGLISH = SHIPPED["en-gb"]
# What every letter must say, whoever it is for (decisions.md §25).
IDENTIFIERS = ("Private and confidential", "Cara Whitfield", "23 April 1985", "943 476 5919")
# What every patient-facing letter must say (decisions.md §19; issue 5 item 5).
PATIENT_FACING = (
    TEAM_CONTACTS["phone"],
    TEAM_CONTACTS["complaints_phone"],
    "Patient Advice and Liaison Service",
    "116 123",
    "NHS 111",
    "999",
)
KEY_SENTENCES = {
    LetterKind.APPOINTMENTS: ("Your appointments", "sessions of Interpersonal Psychotherapy"),
    LetterKind.FORMULATION: ("What we understood together", "lost daily contact with friends"),
    LetterKind.CLIENT_SUMMARY: ("Your therapy: a summary", "asking for help at work"),
    LetterKind.GP_SUMMARY: ("End of Interpersonal Psychotherapy: summary", "PHQ-9"),
}


def _scene(kind: LetterKind, cara, tess) -> Scene:
    needs = {"large_print": True, "braille": True, "audio": True, "easy_read": True}
    if kind is LetterKind.APPOINTMENTS:
        return open_course_with_appointments(cara, tess, **needs)
    if kind is LetterKind.FORMULATION:
        prepare_client(cara, **needs)
        course = run_course(cara, tess)
        return Scene(client=cara, course=course, therapist=tess)
    return completed_course(cara, tess, **needs)


def _by_format(files: list[RenderedFile], recipient: Recipient) -> dict[LetterFormat, bytes]:
    return {f.format: f.content for f in files if f.recipient == recipient}


def _words(text: str) -> list[str]:
    return text.casefold().split()


def _url_only_differences(source: str, back: str) -> Iterator[tuple[list[str], list[str]]]:
    """Differences between two texts that are not inside a web address (UEB reads "://" back
    as "cc//": a known liblouis loss, see test_braille.LOSSY_BACK_TRANSLATIONS)."""
    a, b = _words(source), _words(back)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal" and not any("//" in word for word in a[i1:i2] + b[j1:j2]):
            yield a[i1:i2], b[j1:j2]


def _mp3_seconds(mp3: bytes, tmp_path) -> float:
    path = tmp_path / "letter.mp3"
    path.write_bytes(mp3)
    result = subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True, check=True)
    return float(result.stdout)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_each_letter_kind_renders_in_each_of_its_formats(kind, cara, tess, tmp_path):
    scene = _scene(kind, cara, tess)
    content = build(kind, scene.course)
    assert content.gaps == []
    files = render_files(content, content.formats, ENGLISH, large_easy_read=True)
    recipient = Recipient.GP if kind is LetterKind.GP_SUMMARY else Recipient.SERVICE_USER
    made = _by_format(files, recipient)
    expected = set(content.formats) | (
        {LetterFormat.CALENDAR} if kind is LetterKind.APPOINTMENTS else set()
    )
    assert set(made) == expected
    html = render_html(content, content.addressees[0], "en-gb")
    text = html_to_text(html, width=None)
    must_say = (
        IDENTIFIERS + KEY_SENTENCES[kind] + (PATIENT_FACING if content.patient_facing else ())
    )

    # Standard print: every identifier, the key sentences, the contacts; DejaVu Sans only.
    standard = " ".join(pdf_text(made[LetterFormat.PDF]).split())
    for phrase in must_say:
        assert phrase in standard, f"{kind} PDF lacks {phrase!r}"
    assert all(name.startswith("DejaVu-Sans") for name in pdf_font_names(made[LetterFormat.PDF]))

    # Plain text: the same words as the letter.
    plain = made[LetterFormat.TEXT].decode("utf-8")
    for phrase in must_say:
        assert phrase in " ".join(plain.split()), f"{kind} text lacks {phrase!r}"
    if not content.patient_facing:
        return

    # Large print: every visible character at 16 pt or more.
    large = made[LetterFormat.LARGE_PRINT]
    assert min(pdf_font_sizes(large)) >= 16
    large_text = " ".join(pdf_text(large).split())
    for phrase in must_say:
        assert phrase in large_text, f"{kind} large print lacks {phrase!r}"

    # Easy read: short lines with pictograms, its own words, the person's identifiers; printed
    # large because Cara needs large print.
    easy = made[LetterFormat.EASY_READ]
    easy_text = " ".join(pdf_text(easy).split())
    for phrase in IDENTIFIERS + ("116 123",):
        assert phrase in easy_text
    assert min(pdf_font_sizes(easy)) >= 16
    easy_html = render_html(content, content.addressees[0], "en-gb", easy_read=True)
    assert easy_html.count('class="pictogram"') >= 5
    for item in re.findall(r'<li class="easy-read-item">.*?<p>(.*?)</p>', easy_html, re.S):
        sentences = [s for s in re.split(r"<br>|(?<=[.?!:])\s", item) if s.strip()]
        assert all(len(s.split()) <= 25 for s in sentences), item

    # Braille: ASCII braille, 40 cells by 25 lines, and back to the letter's own text.
    brf = made[LetterFormat.BRAILLE].decode("ascii")
    assert {c for c in brf if not 0x20 <= ord(c) <= 0x5F} <= {"\r", "\n", "\f"}
    for page in brf.split("\f"):
        rows = page.removesuffix("\r\n").split("\r\n")
        assert len(rows) <= 25
        assert all(len(row) <= 40 for row in rows)
    back = brf_to_text(brf)
    assert list(_url_only_differences(without_rules(text), back)) == []

    # Audio: MP3 whose length fits the words read at 150 words a minute, with pauses.
    seconds = _mp3_seconds(made[LetterFormat.AUDIO], tmp_path)
    words = len(without_rules(text).split())
    assert words / 3.2 <= seconds <= words / 1.2, (words, seconds)


def test_the_appointment_letter_lists_every_booked_session_and_comes_with_its_calendar(cara, tess):
    scene = open_course_with_appointments(cara, tess)
    content = build(LetterKind.APPOINTMENTS, scene.course)
    files = render_files(content, [LetterFormat.PDF], ENGLISH)
    made = _by_format(files, Recipient.SERVICE_USER)
    assert set(made) == {LetterFormat.PDF, LetterFormat.CALENDAR}
    text = " ".join(pdf_text(made[LetterFormat.PDF]).split())
    upcoming = [s["starts_at"] for s in content.context["sessions"]]
    booked = scene.course.appointments.filter(status="planned", starts_at__gte=timezone.now())
    assert len(upcoming) == booked.count() >= 13
    for when in upcoming:
        assert f"{when:%A} {when.day} {when:%B %Y} {when:%H:%M}" in text
    ics = made[LetterFormat.CALENDAR].decode()
    assert ics.count("BEGIN:VEVENT") == len(upcoming)
    assert "TZID:Europe/London" in ics


def test_the_gp_summary_is_copied_to_a_referrer_who_is_not_the_gp(cara, tess):
    referral = cara.referrals.get()
    referral.referrer = "Ms Jo Bright, Community Wellbeing Team"
    referral.referrer_address = "Community Wellbeing Team\n5 Park Road\nNorthtown NT2 1AA"
    referral.save()
    scene = completed_course(cara, tess)
    content = build(LetterKind.GP_SUMMARY, scene.course)
    files = render_files(content, [LetterFormat.PDF], ENGLISH)
    by_recipient = {f.recipient: pdf_text(f.content) for f in files}
    assert set(by_recipient) == {Recipient.GP, Recipient.REFERRER}
    assert "Copy to: Ms Jo Bright, Community Wellbeing Team" in by_recipient[Recipient.GP]
    referrer_copy = by_recipient[Recipient.REFERRER]
    assert "5 Park Road" in referrer_copy.split("Dear colleague")[0]
    assert (
        "Mill Lane Surgery"
        not in referrer_copy.split("Private and confidential")[1].split("Riverside IPT Service")[0]
    )


def test_the_letter_date_is_the_day_it_is_made(cara, tess):
    scene = open_course_with_appointments(cara, tess)
    content = build(LetterKind.APPOINTMENTS, scene.course)
    today = timezone.localdate()
    html = render_html(content, content.addressees[0], "en-gb")
    assert f"{today.day} {today:%B %Y}" in html_to_text(html)
