"""Standard and large-print PDF letters (issue 5 item 3; stack-notes.md §3)."""

from __future__ import annotations

import builtins
import io
from collections import Counter
from typing import Any

import pdfplumber
import pytest

from iptclinic.letters.formats import tools
from iptclinic.letters.formats.pdf import (
    LARGE_PRINT_STYLESHEET,
    STANDARD_STYLESHEET,
    html_to_pdf,
    pdf_font_names,
    pdf_font_sizes,
    pdf_text,
)
from iptclinic.letters.formats.tools import FormatToolMissing
from iptclinic.letters.tests.samples import LETTER_HTML, LETTER_PARAGRAPHS

STYLESHEETS = {"standard": STANDARD_STYLESHEET, "large print": LARGE_PRINT_STYLESHEET}


@pytest.fixture(scope="module")
def letters() -> dict[str, bytes]:
    return {name: html_to_pdf(LETTER_HTML, stylesheets=[css]) for name, css in STYLESHEETS.items()}


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("style", STYLESHEETS)
def test_the_extracted_text_holds_every_paragraph_of_the_letter(
    letters: dict[str, bytes], style: str
) -> None:
    text = _words(pdf_text(letters[style]))
    for paragraph in (*LETTER_PARAGRAPHS, "Private and confidential", "NHS number 943 476 5919"):
        assert paragraph in text
    assert "£12.50" in text
    assert "café" in text


def test_large_print_has_no_text_smaller_than_16_point(letters: dict[str, bytes]) -> None:
    sizes = pdf_font_sizes(letters["large print"])
    assert min(sizes) >= 16
    assert max(sizes) >= 20


def test_standard_body_text_is_between_10_and_13_point(letters: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(letters["standard"])) as document:
        sizes = Counter(
            round(char["size"], 1)
            for page in document.pages
            for char in page.chars
            if char["text"].strip()
        )
    body_size, _ = sizes.most_common(1)[0]
    assert 10 <= body_size <= 13
    assert min(sizes) >= 10


@pytest.mark.parametrize("style", STYLESHEETS)
def test_only_dejavu_sans_is_embedded(letters: dict[str, bytes], style: str) -> None:
    assert pdf_font_names(letters[style]) == {"DejaVu-Sans", "DejaVu-Sans-Bold"}


@pytest.mark.parametrize("style", STYLESHEETS)
def test_the_pdf_is_tagged_with_its_language_for_screen_readers(
    letters: dict[str, bytes], style: str
) -> None:
    with pdfplumber.open(io.BytesIO(letters[style])) as document:
        catalog = document.doc.catalog
        assert "StructTreeRoot" in catalog
        assert catalog["Lang"] == b"en"
        assert document.metadata["Title"] == "Your appointments"


def test_later_pages_repeat_private_and_confidential_at_the_top(
    letters: dict[str, bytes],
) -> None:
    with pdfplumber.open(io.BytesIO(letters["large print"])) as document:
        assert len(document.pages) >= 2
        for page in document.pages[1:]:
            first_line = (page.extract_text() or "").splitlines()[0]
            assert first_line == "Private and confidential"


def test_pages_are_numbered_with_the_page_count(letters: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(letters["large print"])) as document:
        count = len(document.pages)
        for number, page in enumerate(document.pages, start=1):
            assert f"{number} / {count}" in (page.extract_text() or "")


def test_a_missing_stylesheet_is_named_in_the_error() -> None:
    with pytest.raises(FileNotFoundError, match=r"Letter stylesheet not found: .*nowhere\.css"):
        html_to_pdf("<p>Hello</p>", stylesheets=["/nowhere.css"])


def test_a_missing_dejavu_font_names_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tools, "_FONT_DIRECTORIES", ())
    with pytest.raises(FormatToolMissing) as raised:
        html_to_pdf("<p>Hello</p>")
    assert str(raised.value) == (
        "PDF needs the DejaVu Sans font: install the Debian package fonts-dejavu-core."
    )


def test_a_missing_pango_library_names_the_packages_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def import_without_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", import_without_pango)
    with pytest.raises(FormatToolMissing) as raised:
        html_to_pdf("<p>Hello</p>")
    assert str(raised.value) == (
        "PDF needs the Pango library: install the Debian package libpango-1.0-0 "
        "(and libpangoft2-1.0-0)."
    )
