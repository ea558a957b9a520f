"""Text to Braille Ready Format (BRF) with liblouis, and back again for checks.

decisions.md §26 (PRODUCT): BRF is ASCII braille (characters 0x20–0x5F), 40 cells a line,
25 lines a page, in Unified English Braille grade 2 (contracted), the code used in the UK.
The tables follow stack-notes.md §4: the display table comes first, or it has no effect.

lou_translate translates line by line and never wraps, so this module lays out the lines and
pages itself. A word longer than a line is divided with a hyphen at the end of the line, as
transcribers do. Back-translation of contracted braille is not always exact; the known losses
in liblouis 3.24 are listed in ``tests/test_braille.py`` (``LOSSY_BACK_TRANSLATIONS``).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata

from iptclinic.letters.formats.plaintext import without_rules
from iptclinic.letters.formats.tools import (
    LOU_TRANSLATE,
    FormatToolMissing,
    missing_message,
    require_tool,
)

BRF_TABLES = "en-us-brf.dis,en-ueb-g2.ctb"
CELLS_PER_LINE = 40
LINES_PER_PAGE = 25
BRF_CHARACTERS = frozenset(chr(code) for code in range(0x20, 0x60))

# Cells that only modify the cell after them (capital, number, letter-sign and other
# indicators, in BRF's ASCII). A divided word never ends its line on one of these.
_PREFIX_CELLS = frozenset(',#"^_@;.')
_MOST_PREFIX_CELLS_MOVED = 4
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD_DIVISION = "-"
_TIMEOUT_SECONDS = 60


class BrailleError(ValueError):
    """Text given as BRF is not BRF."""


def text_to_brf(
    text: str, *, cells_per_line: int = CELLS_PER_LINE, lines_per_page: int = LINES_PER_PAGE
) -> str:
    """Translate ``text`` to a BRF file in UEB grade 2.

    Each line of ``text`` starts a new braille line, and a blank line (a paragraph break) stays
    blank, so pass unwrapped text such as ``html_to_text(html, width=None)``. Lines that only
    underline a heading are left out. Lines wrap at ``cells_per_line`` without breaking words
    where a word fits; pages hold ``lines_per_page`` lines. Lines end with CR LF and a form
    feed starts each new page.
    """
    if cells_per_line < 2 or lines_per_page < 1:
        raise ValueError("A braille page needs at least 2 cells a line and 1 line a page.")
    cleaned = _clean(without_rules(text))
    if not cleaned:
        return ""
    rows: list[str] = []
    for braille_line in _translate(cleaned.split("\n"), "--forward"):
        rows.extend(_wrap(braille_line, cells_per_line))
    pages = [rows[start : start + lines_per_page] for start in range(0, len(rows), lines_per_page)]
    return "\f".join("".join(f"{row}\r\n" for row in page) for page in pages)


def brf_to_text(brf: str, *, cells_per_line: int = CELLS_PER_LINE) -> str:
    """Back-translate a BRF file to text: one line per paragraph, paragraphs blank-line apart.

    The wrapped lines of each paragraph are joined first (the first part of a divided word is
    joined to the rest without a space or its hyphen), so words and contractions that span a
    line end are read correctly.
    """
    rows = brf.replace("\r\n", "\n").replace("\f", "").split("\n")
    for number, row in enumerate(rows, start=1):
        stray = sorted({char for char in row if char.upper() not in BRF_CHARACTERS})
        if stray:
            raise BrailleError(
                f"Line {number} is not BRF: it contains {', '.join(map(repr, stray))}."
            )
    paragraphs: list[str] = []
    current = previous = ""
    for row in (row.rstrip() for row in rows):
        if not row:
            if current:
                paragraphs.append(current)
            current = ""
        elif current and _is_divided_word(previous, cells_per_line):
            current = current[: -len(_WORD_DIVISION)] + row
        else:
            current = f"{current} {row}" if current else row
        previous = row
    if current:
        paragraphs.append(current)
    return "\n\n".join(_translate(paragraphs, "--backward"))


def _clean(text: str) -> str:
    """Plain lines for lou_translate: one kind of line break, no control or invisible
    characters, ordinary spaces, and at most one blank line between paragraphs.

    liblouis copies a no-break space through untranslated and turns a soft hyphen into a
    printed hyphen, which would break the ASCII-braille guarantee and the reading."""
    text = _LINE_BREAKS.sub("\n", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            kept.append(char)
        elif char == "\t" or category == "Zs":
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    lines = [" ".join(line.split()) for line in "".join(kept).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def _translate(lines: list[str], direction: str) -> list[str]:
    command = require_tool(*LOU_TRANSLATE)
    # lou_translate reads backslash escapes such as \x0041 in its input, in both directions;
    # "\" is a braille cell in BRF (the "ou" sign) as well as a print character.
    escaped = (line.replace("\\", "\\\\") for line in lines)
    result = subprocess.run(
        [command, direction, BRF_TABLES],
        input="".join(f"{line}\n" for line in escaped),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=_TIMEOUT_SECONDS,
        check=False,
    )
    if "Cannot resolve table" in result.stderr:
        raise FormatToolMissing(
            missing_message("liblouis", "liblouis-data", "Braille", kind="tables")
        )
    translated = result.stdout.split("\n")[: len(lines)]
    if result.returncode != 0 or result.stderr.strip() or len(translated) != len(lines):
        raise RuntimeError(f"lou_translate failed: {result.stderr.strip() or 'no output'}")
    return [line.rstrip() for line in translated]


def _wrap(line: str, width: int) -> list[str]:
    """Fill braille words into lines of at most ``width`` cells, dividing only words longer
    than a whole line."""
    rows: list[str] = []
    current = ""
    for word in line.split(" "):
        if not word:
            continue
        while len(word) > width:
            if current:
                rows.append(current)
                current = ""
            cut = width - len(_WORD_DIVISION)
            while cut > max(1, width - _MOST_PREFIX_CELLS_MOVED) and word[cut - 1] in _PREFIX_CELLS:
                cut -= 1
            rows.append(word[:cut] + _WORD_DIVISION)
            word = word[cut:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            rows.append(current)
            current = word
    rows.append(current)
    return rows


def _is_divided_word(row: str, width: int) -> bool:
    """Whether ``row`` is the first part of a word divided by :func:`_wrap`.

    A line of one word, within a few cells of full width and ending in a hyphen, can only be a
    divided word, unless the text holds a word of about a line's length that ends in a hyphen."""
    return (
        len(row) > width - _MOST_PREFIX_CELLS_MOVED
        and " " not in row
        and row.endswith(_WORD_DIVISION)
    )
