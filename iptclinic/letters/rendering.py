"""Render one letter in every chosen format, for each of its recipients.

The HTML comes from the kind's template in the letter's language; the format converters in
``formats/`` turn it into PDF (the only HTML-to-PDF path is ``formats.pdf``), plain text, Braille
and speech. Plain text for Braille and speech is unwrapped (``width=None``), as those converters
lay out and phrase it themselves. Each file records how long it took, for the issue record.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation

from iptclinic.notifications.reminders import name_for_clients

from .calendar import schedule_ics
from .formats.audio import text_to_wav, voice_for_language, wav_to_mp3
from .formats.braille import text_to_brf
from .formats.pdf import LARGE_PRINT_STYLESHEET, STANDARD_STYLESHEET, html_to_pdf
from .formats.plaintext import html_to_text
from .kinds import Addressee, LetterContent
from .languages import ENGLISH, LetterLanguage
from .models import LetterFormat, LetterKind, Recipient
from .wording import TITLES

CONTENT_TYPES = {
    LetterFormat.PDF: "application/pdf",
    LetterFormat.LARGE_PRINT: "application/pdf",
    LetterFormat.EASY_READ: "application/pdf",
    LetterFormat.TEXT: "text/plain; charset=utf-8",
    LetterFormat.AUDIO: "audio/mpeg",
    LetterFormat.BRAILLE: "text/plain; charset=us-ascii",
    LetterFormat.CALENDAR: "text/calendar; charset=utf-8",
}
_SUFFIXES = {
    LetterFormat.PDF: ".pdf",
    LetterFormat.LARGE_PRINT: "-large-print.pdf",
    LetterFormat.EASY_READ: "-easy-read.pdf",
    LetterFormat.TEXT: ".txt",
    LetterFormat.AUDIO: ".mp3",
    LetterFormat.BRAILLE: ".brf",
    LetterFormat.CALENDAR: ".ics",
}
ORDER = tuple(LetterFormat)


class NoVoice(ValueError):
    """espeak-ng has no voice for the letter's language."""


@dataclass(frozen=True)
class RenderedFile:
    recipient: Recipient
    format: LetterFormat
    language: str
    filename: str
    content_type: str
    content: bytes
    seconds: float


def render_html(
    content: LetterContent, addressee: Addressee, language: str, *, easy_read: bool = False
) -> str:
    """The letter as HTML for one addressee, with its fixed wording in ``language``."""
    template = content.easy_read_template if easy_read else content.template
    with translation.override(language), timezone.override(ZoneInfo(content.time_zone)):
        html = render_to_string(
            template,
            {
                **content.context,
                "addressee": addressee,
                "language_code": language,
                "title": str(TITLES[content.kind]),
            },
        )
    return keep_numbers_together(html)


_TEXT_NODE = re.compile(r">([^<]+)<")
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\d)|(?<=\bNHS) (?=\d)")


def keep_numbers_together(html: str) -> str:
    """Join the groups of phone, NHS and crisis numbers with no-break spaces, in text only.

    A number split across two lines ("116" at the end of one, "123" on the next) is easy to
    misdial, above all at 16 point where lines are short. Attributes (SVG coordinates) are left
    alone; the plain-text, Braille and audio versions turn the no-break spaces back into spaces.
    """
    return _TEXT_NODE.sub(lambda m: ">" + _NUMBER_SPACE.sub("\u00a0", m[1]) + "<", html)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def filename(
    content: LetterContent, recipient: Recipient, fmt: LetterFormat, language: str, on: date
) -> str:
    """``appointments-whitfield-cara-2026-03-02-large-print.pdf``: the person's name in the file
    name, so a file on a desk or in an outbox says whose it is."""
    client = content.context["client"]
    parts = [content.kind, _slug(client.family_name), _slug(client.given_name), f"{on:%Y-%m-%d}"]
    if recipient not in (Recipient.SERVICE_USER, Recipient.GP):
        parts.append(recipient.replace("_", "-"))
    if language != ENGLISH:
        parts.append(language)
    return "-".join(str(part) for part in parts) + _SUFFIXES[fmt]


def calendar_file(content: LetterContent, language: str) -> bytes:
    """The ICS of an appointment letter's schedule, its wording in ``language``."""
    context = content.context
    team = context["team"]
    with translation.override(language):
        return schedule_ics(
            [(s["id"], s["number"], s["starts_at"]) for s in context["sessions"]],
            time_zone=content.time_zone,
            minutes=context["minutes"],
            contracted=context["contracted"],
            team_id=team.pk,
            # The plainer name if the team chose one: a calendar shows it on a lock screen.
            team_name=name_for_clients(team),
            location=", ".join(context["team_address"]),
            phone=team.care_coordination_phone or team.phone,
        )


def _convert(
    fmt: LetterFormat,
    content: LetterContent,
    addressee: Addressee,
    html: str,
    language: LetterLanguage,
    code: str,
    large_easy_read: bool,
) -> tuple[bytes, str]:
    """One format of the letter, and the language it ended up in."""
    if fmt is LetterFormat.PDF:
        return html_to_pdf(html, stylesheets=[STANDARD_STYLESHEET]), code
    if fmt is LetterFormat.LARGE_PRINT:
        return html_to_pdf(html, stylesheets=[LARGE_PRINT_STYLESHEET]), code
    if fmt is LetterFormat.EASY_READ:
        easy = render_html(content, addressee, code, easy_read=True)
        sheet = LARGE_PRINT_STYLESHEET if large_easy_read else STANDARD_STYLESHEET
        return html_to_pdf(easy, stylesheets=[sheet]), code
    if fmt is LetterFormat.TEXT:
        return html_to_text(html).encode("utf-8"), code
    if fmt is LetterFormat.AUDIO:
        voice = voice_for_language(code)
        if voice is None:
            raise NoVoice(f"There is no speech voice for {language.english_name}.")
        return wav_to_mp3(text_to_wav(html_to_text(html, width=None), voice=voice)), code
    if fmt is LetterFormat.BRAILLE:
        # The BRF module writes Unified English Braille, so Braille in another language is made
        # from the English version (staff are told before issuing; the need is recorded).
        if not language.braille_in_language and code != ENGLISH:
            html, code = render_html(content, addressee, ENGLISH), ENGLISH
        return text_to_brf(html_to_text(html, width=None)).encode("ascii"), code
    if fmt is LetterFormat.CALENDAR:
        return calendar_file(content, code), code
    raise ValueError(f"Unknown letter format {fmt!r}.")


def render_files(
    content: LetterContent,
    formats: Iterable[LetterFormat],
    language: LetterLanguage,
    *,
    large_easy_read: bool = False,
) -> list[RenderedFile]:
    """Every chosen format for every addressee, plus what always goes with the letter: the
    calendar of an appointment letter, and an English copy for the record when the letter is in
    another language. Raises ``NoVoice`` when audio is asked for in a language without a voice."""
    wanted = set(formats)
    if content.kind == LetterKind.APPOINTMENTS:
        wanted.add(LetterFormat.CALENDAR)
    chosen = [fmt for fmt in ORDER if fmt in wanted]
    code = language.code if content.patient_facing else ENGLISH
    today = timezone.localdate()
    files: list[RenderedFile] = []

    def add(recipient: Recipient, fmt: LetterFormat, html: str, lang: str) -> None:
        start = time.perf_counter()
        data, made_in = _convert(fmt, content, addressee, html, language, lang, large_easy_read)
        files.append(
            RenderedFile(
                recipient=recipient,
                format=fmt,
                language=made_in,
                filename=filename(content, recipient, fmt, made_in, today),
                content_type=CONTENT_TYPES[fmt],
                content=data,
                seconds=time.perf_counter() - start,
            )
        )

    for addressee in content.addressees:
        html = render_html(content, addressee, code)
        for fmt in chosen:
            add(addressee.recipient, fmt, html, code)
        if content.patient_facing and code != ENGLISH:
            add(
                Recipient.RECORD,
                LetterFormat.PDF,
                render_html(content, addressee, ENGLISH),
                ENGLISH,
            )
    return files


def preview_pdf(content: LetterContent, language: LetterLanguage) -> bytes:
    """The standard PDF for the first addressee, for staff to look at before issuing."""
    code = language.code if content.patient_facing else ENGLISH
    return html_to_pdf(
        render_html(content, content.addressees[0], code), stylesheets=[STANDARD_STYLESHEET]
    )
