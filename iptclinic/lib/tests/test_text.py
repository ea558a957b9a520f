"""The text-hygiene rules: what is refused where, what passes untouched, and the messages."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.lib.text import (
    DIRECTION_CHARACTERS,
    JOINERS,
    LINE_BREAKS,
    Problem,
    TextKind,
    TextRefused,
    clean_text,
    problems_in,
    refusal,
    without_refused,
)

LINES, LINE, NAME = TextKind.LINES, TextKind.LINE, TextKind.NAME

ORDINARY = [
    "Zażółć gęślą jaźń",  # Polish
    "Llŷr ap Siôn",  # Welsh
    "Siân Ffion Ellis-Hughes",
    "محمد عبد الله",  # Arabic
    "יעל כהן",  # Hebrew
    "علی‌رضا",  # Persian, spelt with a zero-width non-joiner
    "O'Brien-Ó Briain",
    "José Nguyễn",
    "山田 太郎",
    "Mum 👩🏽‍⚕️ 🙂",  # an emoji with a skin tone and a zero-width joiner
]


@pytest.mark.parametrize("kind", list(TextKind))
@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_in_any_script_passes_unchanged(text: str, kind: TextKind) -> None:
    assert clean_text(text, kind) == text


@pytest.mark.parametrize(
    ("text", "kind", "problems"),
    [
        ("Ann\x00Smith", LINES, [Problem.CONTROL]),
        ("Ann\x00Smith", NAME, [Problem.CONTROL]),
        ("bell\x07", LINES, [Problem.CONTROL]),
        ("escape \x1b[31m red", LINE, [Problem.CONTROL]),
        ("delete\x7f", LINES, [Problem.CONTROL]),
        ("next line\x85", LINES, [Problem.CONTROL]),  # C1 control NEL
        ("form\x0cfeed", LINES, [Problem.CONTROL]),
        ("vertical\x0btab", LINES, [Problem.CONTROL]),
        ("lone \ud800 surrogate", LINES, [Problem.NOT_A_CHARACTER]),
        ("low \udc80 half", NAME, [Problem.NOT_A_CHARACTER]),
        ("not a character \ufffe", LINES, [Problem.NOT_A_CHARACTER]),
        ("plane 16 \U0010ffff", LINES, [Problem.NOT_A_CHARACTER]),
        ("arabic range \ufdd0", LINES, [Problem.NOT_A_CHARACTER]),
        ("first line\nsecond", LINE, [Problem.LINE_BREAK]),
        ("Smith\tJohn", LINE, [Problem.LINE_BREAK]),
        ("Smith\tJohn", NAME, [Problem.LINE_BREAK]),
        ("old\rmac", NAME, [Problem.LINE_BREAK]),
        ("line\u2028separator", LINE, [Problem.LINE_BREAK]),
        ("Cara\u202eSmith", NAME, [Problem.DIRECTION]),
        ("\u202aembedded\u202c", NAME, [Problem.DIRECTION]),
        ("\u2066isolated\u2069", NAME, [Problem.DIRECTION]),
        ("marked\u200f", NAME, [Problem.DIRECTION]),
        ("marked\u200e", NAME, [Problem.DIRECTION]),
        ("arabic mark\u061c", NAME, [Problem.DIRECTION]),
        ("zero\u200bwidth", NAME, [Problem.INVISIBLE]),
        ("\ufeffbyte order mark", NAME, [Problem.INVISIBLE]),
        ("soft\u00adhyphen", NAME, [Problem.INVISIBLE]),
        ("word\u2060joiner", NAME, [Problem.INVISIBLE]),
        ("every\x00\tproblem\ud800\u202e\u200b", NAME, list(Problem)),
    ],
)
def test_refused_characters(text: str, kind: TextKind, problems: list[Problem]) -> None:
    assert problems_in(text, kind) == problems
    with pytest.raises(TextRefused) as refused:
        clean_text(text, kind)
    assert refused.value.problems == problems
    assert str(refused.value) == " ".join(refusal(p) for p in problems)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("two\nlines\r\nand a\ttab", LINES),
        ("He said \u2067שלום\u2069 and left", LINES),  # isolates around Hebrew in a note
        ("\u202eoverride in a note", LINES),
        ("\u200fمرحبا", LINE),  # a right-to-left mark in a short answer
        ("zero\u200bwidth in a note", LINES),
        ("Wales 🏴󠁧󠁢󠁷󠁬󠁳󠁿", LINES),  # the flag is spelt with tag characters
        ("unassigned \U000e0fff and private \ue000 code points", LINES),
        ("", NAME),
    ],
)
def test_allowed_outside_names(text: str, kind: TextKind) -> None:
    assert problems_in(text, kind) == []
    assert clean_text(text, kind) == text


def test_text_is_normalised_to_nfc() -> None:
    decomposed = "Zoe\u0301 Sie\u0302n"
    assert clean_text(decomposed, NAME) == "Zoé Siên"
    assert clean_text("Å", LINES) == "Å"  # the angstrom sign is canonically A with a ring


def test_messages_name_the_problem_without_the_character() -> None:
    assert refusal(Problem.CONTROL) == (
        "This text contains a control character (an invisible code, such as a null byte), "
        "which cannot be stored. Remove it and try again."
    )
    assert refusal(Problem.LINE_BREAK) == (
        "This text contains a tab or a line break, but it must be a single line. Put it on one "
        "line and try again."
    )
    assert "backwards" in refusal(Problem.DIRECTION)
    for problem in Problem:
        assert problems_in(refusal(problem), NAME) == []


def test_refused_characters_can_be_taken_out_for_showing_back() -> None:
    assert without_refused("Ca\u202era\x00", NAME) == "Cara"
    assert without_refused("Smith\tJohn\nJr", LINE) == "Smith John Jr"
    assert without_refused("keeps\nlines\x07", LINES) == "keeps\nlines"
    assert without_refused("Zoe\u0301", NAME) == "Zoé"


def test_the_name_rule_covers_every_hidden_formatting_character_but_the_joiners() -> None:
    hidden = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert DIRECTION_CHARACTERS.issubset(hidden)
    refused = {c for c in hidden if problems_in(c, NAME)}
    assert refused == hidden - JOINERS


# --- Properties ------------------------------------------------------------------------------

_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
_KIND = st.sampled_from(TextKind)


def _ordinary(kind: TextKind) -> st.SearchStrategy[str]:
    """Text in any script with nothing refused: no controls, surrogates or noncharacters, and
    for a single line or a name no line break, for a name no hidden formatting character."""
    excluded = ["Cc", "Cs"]
    if kind is NAME:
        excluded.append("Cf")
    characters = st.characters(exclude_categories=excluded).filter(
        lambda c: not problems_in(c, LINES) and (kind is LINES or c not in LINE_BREAKS)
    )
    return st.text(characters, max_size=40)


@settings(deadline=None)
@given(_ANY_TEXT, _KIND)
def test_clean_text_returns_nfc_and_never_a_refused_character(text: str, kind: TextKind) -> None:
    try:
        cleaned = clean_text(text, kind)
    except TextRefused as refused:
        assert refused.problems == problems_in(unicodedata.normalize("NFC", text), kind)
        assert refused.problems
    else:
        assert unicodedata.is_normalized("NFC", cleaned)
        assert problems_in(cleaned, kind) == []


@settings(deadline=None)
@given(_ANY_TEXT, _KIND)
def test_text_with_refused_characters_taken_out_is_accepted(text: str, kind: TextKind) -> None:
    shown = without_refused(text, kind)
    assert clean_text(shown, kind) == shown


@settings(deadline=None)
@given(st.data(), _KIND)
def test_ordinary_text_passes_unchanged_apart_from_nfc(data: st.DataObject, kind: TextKind) -> None:
    text = data.draw(_ordinary(kind))
    assert clean_text(text, kind) == unicodedata.normalize("NFC", text)
