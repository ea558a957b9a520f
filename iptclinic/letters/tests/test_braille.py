"""Braille Ready Format letters (decisions.md §26; stack-notes.md §4)."""

from __future__ import annotations

import itertools
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.letters.formats import braille
from iptclinic.letters.formats.braille import BrailleError, brf_to_text, text_to_brf
from iptclinic.letters.formats.plaintext import html_to_text, without_rules
from iptclinic.letters.formats.tools import FormatToolMissing
from iptclinic.letters.tests.samples import LETTER_HTML

LETTER_SENTENCES = (
    "Your next appointment is on Tuesday 3 March at 10:00.",
    "Please call us on 0161 496 0000 or 07700 900123 if you cannot come.",
    "Your NHS number is 943 476 5919.",
    "Travel costs up to £12.50 can be paid back at the café.",
    "Dear Ms O’Brien,",
    "We will talk about “ending well” in session 14 of 16 – it is part of the plan.",
    "If you feel unsafe, call 999 or NHS 111... you can also call the Samaritans on 116 123.",
    "Date of birth: 12/07/1985. Email ipt@example.nhs.uk for help.",
    "Mrs Anne-Marie Smith-Jones, 14a Oak Lane, Northtown NT1 2AB.",
    "Without doubt, you should bring a friend and your questions (if you want)!",
)

# Print signs that UEB writes one way for several print forms, so back-translation cannot know
# which was meant. Only these are normalised before comparing a round trip.
AMBIGUOUS_PRINT_SIGNS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "—"})

# Contracted braille that liblouis 3.24 reads back wrongly although the forward translation
# is correct UEB: a lone "g" after a full stop is read as the wordsign "go"; the colon cell
# after "s" as the groupsign "cc"; a wordsign before a semicolon or a closing bracket ("it",
# "like", "friend") is left as its letters.
LOSSY_BACK_TRANSLATIONS = {
    "Bring it, e.g. a list.": "Bring it, e.go. a list.",
    "Visit https://www.nhs.uk today.": "Visit httpscc//www.nhs.uk today.",
    "Try it; it helps.": "Try x; it helps.",
    "Bring someone (if you like).": "Bring someone (if you l).",
    "Bring someone (a friend).": "Bring someone (a fr).",
}


def _comparable(text: str) -> str:
    text = text.translate(AMBIGUOUS_PRINT_SIGNS).replace("…", "...")
    return " ".join(text.casefold().split())


def _pages(brf: str) -> list[list[str]]:
    pages = brf.split("\f")
    for page in pages:
        assert page.endswith("\r\n")
    return [page.removesuffix("\r\n").split("\r\n") for page in pages]


def _assert_is_brf(brf: str, *, cells: int = 40, lines: int = 25) -> None:
    assert {char for char in brf if not 0x20 <= ord(char) <= 0x5F} <= {"\r", "\n", "\f"}
    assert "\n" not in brf.replace("\r\n", "")
    for page in _pages(brf):
        assert len(page) <= lines
        assert all(len(line) <= cells for line in page)


@pytest.mark.parametrize("sentence", LETTER_SENTENCES)
def test_a_letter_sentence_translates_back_to_itself(sentence: str) -> None:
    brf = text_to_brf(sentence)
    _assert_is_brf(brf)
    assert _comparable(brf_to_text(brf)) == _comparable(sentence)


def test_a_whole_letter_translates_back_paragraph_by_paragraph() -> None:
    paragraphs = [" ".join(LETTER_SENTENCES[:4]), " ".join(LETTER_SENTENCES[4:])]
    back = brf_to_text(text_to_brf("\n\n".join(paragraphs))).split("\n\n")
    assert [_comparable(paragraph) for paragraph in back] == [
        _comparable(paragraph) for paragraph in paragraphs
    ]


def test_the_plain_text_of_a_whole_letter_becomes_brf_and_back() -> None:
    text = html_to_text(LETTER_HTML, width=None)
    brf = text_to_brf(text)
    _assert_is_brf(brf)
    back = brf_to_text(brf)
    assert '"7"7' not in brf  # an underline of = signs
    expected = without_rules(text).split("\n\n")
    assert [_comparable(part) for part in back.split("\n\n")] == [
        _comparable(part) for part in expected
    ]


@pytest.mark.parametrize(("sentence", "lossy"), LOSSY_BACK_TRANSLATIONS.items())
def test_known_contraction_ambiguities_are_the_only_losses(sentence: str, lossy: str) -> None:
    assert brf_to_text(text_to_brf(sentence)) in (sentence, lossy)


def test_it_writes_uppercase_ueb_grade_2_with_the_display_table_first() -> None:
    brf = text_to_brf("Your appointment is at 10:00. It costs £5.")
    assert brf == ",YR APPO9T;T IS AT #AJ3#JJ4 ,X CO/S\r\n@L#E4\r\n"


def test_a_blank_line_between_paragraphs_stays_one_blank_line() -> None:
    brf = text_to_brf("First part.\n\n\n\nSecond part.\r\nSame paragraph.")
    assert _pages(brf) == [[',F/ "P4', "", ',SECOND "P4', ",SAME P>AGRAPH4"]]


def test_lines_wrap_at_40_cells_between_words() -> None:
    text = " ".join(["Please bring your diary to every session with us."] * 6)
    rows = _pages(text_to_brf(text))[0]
    (one_line,) = _pages(text_to_brf(text, cells_per_line=1000))[0]
    assert len(rows) >= 6
    assert all(len(row) <= 40 for row in rows)
    assert " ".join(rows) == one_line
    for row, after in itertools.pairwise(rows):
        assert len(row) + 1 + len(after.split()[0]) > 40


def test_a_word_longer_than_a_line_is_divided_with_a_hyphen_and_read_back_whole() -> None:
    url = "www.example.nhs.uk/services/interpersonal-psychotherapy/ending-well/relapse-plan"
    brf = text_to_brf(f"See {url} for the plan.")
    rows = _pages(brf)[0]
    assert max(len(row) for row in rows) <= 40
    assert rows[1].endswith("-")
    assert " " not in rows[1]
    assert _comparable(brf_to_text(brf)) == _comparable(f"See {url} for the plan.")


def test_a_long_text_is_paged_at_25_lines_with_form_feeds() -> None:
    text = "\n".join(f"Session {number} is on a Tuesday." for number in range(1, 61))
    brf = text_to_brf(text)
    pages = _pages(brf)
    assert [len(page) for page in pages] == [25, 25, 10]
    assert brf.count("\f") == 2
    assert brf.endswith("\r\n")
    assert _comparable(brf_to_text(brf)) == _comparable(text)


def test_the_page_size_can_be_chosen() -> None:
    brf = text_to_brf("one two three four five six", cells_per_line=8, lines_per_page=2)
    _assert_is_brf(brf, cells=8, lines=2)
    assert len(_pages(brf)) == 2


def test_a_backslash_and_characters_braille_cannot_show_stay_within_ascii_braille() -> None:
    brf = text_to_brf("a\\b\tc\u00a0d\u00ade\u200bf 😀 中 \x07")
    _assert_is_brf(brf)
    assert brf_to_text(text_to_brf("a \\ b")) == "a \\ b"


def test_empty_text_gives_an_empty_file() -> None:
    assert text_to_brf(" \n\n \t") == ""
    assert brf_to_text("") == ""


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=400), st.integers(2, 60), st.integers(1, 30))
def test_any_text_gives_ascii_braille_within_the_page(text: str, cells: int, lines: int) -> None:
    brf = text_to_brf(text, cells_per_line=cells, lines_per_page=lines)
    if brf:
        _assert_is_brf(brf, cells=cells, lines=lines)


def test_text_that_is_not_brf_is_refused_with_the_line_number() -> None:
    with pytest.raises(BrailleError, match=r"Line 2 is not BRF: it contains 'é'"):
        brf_to_text(",HELLO\r\nCAF\u00e9\r\n")


def test_a_page_too_small_for_braille_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 cells"):
        text_to_brf("Hello", cells_per_line=1)


def test_a_missing_lou_translate_names_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda command: None)
    with pytest.raises(FormatToolMissing) as raised:
        text_to_brf("Hello")
    assert str(raised.value) == (
        "Braille needs the lou_translate tool: install the Debian package liblouis-bin "
        "(and liblouis-data)."
    )


def test_missing_braille_tables_name_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(braille, "BRF_TABLES", "en-us-brf.dis,no-such-table.ctb")
    with pytest.raises(FormatToolMissing, match="install the Debian package liblouis-data"):
        text_to_brf("Hello")
