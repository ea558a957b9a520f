"""The portal's Polish catalogue: compiled from the committed translations, every entry
translated, and every portal string of this slice in it (hazard H-100)."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

from django.utils import translation

from iptclinic.letters.languages import Origin
from iptclinic.portal.following import PORTAL_LANGUAGES, needs_of

FOLDER = Path(__file__).resolve().parents[1] / "locale" / "pl" / "LC_MESSAGES"
PO = FOLDER / "django.po"


def _catalog(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined,no-any-return]


def test_the_committed_catalogue_is_compiled_from_the_committed_translations(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext is installed by scripts/system-packages"
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(PO)], check=True)
    assert _catalog(compiled) == _catalog(FOLDER / "django.mo")


def test_every_polish_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    for entry in text.split("\n\n")[1:]:
        assert not re.search(r'^msgstr(\[\d\])? ""\n(?!")', entry + "\n", re.MULTILINE), entry


def test_the_polish_portal_is_marked_machine_made_until_a_translator_checks_it():
    assert PORTAL_LANGUAGES["pl"] is Origin.MACHINE
    assert "not yet checked by a qualified translator" in PO.read_text(encoding="utf-8")


def test_the_portal_follows_a_language_typed_in_any_recognised_way():
    class Record:
        large_print = easy_read = False

        def __init__(self, language: str) -> None:
            self.language = language

    assert needs_of(Record("polski")).language == "pl"
    assert needs_of(Record("Polish")).translated
    assert not needs_of(Record("")).translated and not needs_of(Record("")).asked_language
    assert needs_of(Record("Somali")).asked_language == "Somali"
    assert needs_of(Record("Klingon")).asked_language == "Klingon"


def test_the_base_template_words_are_translated():
    with translation.override("pl"):
        assert translation.gettext("Sign out") == "Wyloguj się"
        assert translation.gettext("Skip to main content") != "Skip to main content"
