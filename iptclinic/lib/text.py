"""Text hygiene: the one set of rules for every piece of text a person types or a file supplies.

Forms (``lib/forms.py``), the services that take text without a form and the command-line tools
all call :func:`clean_text`, so a character refused in one place is refused everywhere. The rules:

* **NFC.** Text is normalised to Unicode NFC, so that "é" typed as one character and "é" typed as
  "e" plus a combining accent are the same text, and a search for a name finds it however the
  keyboard produced it.
* **Control characters are refused** (C0, DEL and C1): PostgreSQL cannot store a null byte, and the
  others are invisible, come from pasting binary data rather than from typing, and break the
  files made from the record (CSV, FHIR JSON, letters, braille). Multi-line text keeps tab, line
  feed and carriage return.
* **Single-line text also refuses tab and line breaks.** Nobody can type a tab into a one-line box
  (the Tab key moves to the next box), so one arrives only by pasting from a spreadsheet or a
  document, often with a neighbouring cell's content; it shows as a space, splits the value in
  tab-separated exports and makes two names that look alike differ. Refusing it makes the person
  look at what was pasted; replacing it silently would not.
* **Lone surrogates and noncharacters are refused.** They are not characters: a lone surrogate
  cannot be written as UTF-8, so text holding one fails later, when it is saved or printed.
  Unassigned code points are allowed, because a phone may send an emoji newer than this Python's
  Unicode tables.
* **Names refuse hidden formatting characters.** Bidirectional controls (embeddings, overrides,
  isolates and the marks U+061C, U+200E, U+200F) can make a name display backwards on the caseload
  (U+202E once turned a client's name around), and zero-width characters make a name look the same
  as another while matching neither in a search, which hides duplicate records. Zero-width joiner
  and non-joiner are allowed: Persian and Indic names need them.

Outside names, bidirectional controls are allowed: notes written in Arabic, Hebrew or Urdu with
English words in them legitimately hold direction marks and isolates (word processors insert
them), and refusing them would refuse real text. Pages show free text in its own block, where an
unclosed override ends.
"""

from __future__ import annotations

import unicodedata
from enum import Enum, StrEnum

LINE_BREAKS = frozenset("\t\n\r\u2028\u2029")
"""Characters that end or split a line: allowed in multi-line text, refused in a single line."""

DIRECTION_CHARACTERS = frozenset(
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right mark, right-to-left mark
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates and pop isolate
)
"""Unicode's bidirectional formatting characters (UAX #9), refused in names."""

JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: formatting characters that spell names in some scripts."""


class TextKind(Enum):
    """What a piece of text is, which decides the characters it may hold."""

    LINES = "lines"
    """Multi-line free text: notes, reasons, addresses."""
    LINE = "line"
    """A single line: a phone number, a short answer, an identifier."""
    NAME = "name"
    """A person's name (single line): a client, a person in the inventory, a translator."""


class Problem(StrEnum):
    """Why text was refused. The value is the code a form error carries."""

    CONTROL = "control_character"
    LINE_BREAK = "line_break"
    NOT_A_CHARACTER = "not_a_character"
    DIRECTION = "direction_character"
    INVISIBLE = "invisible_character"


_WHAT: dict[Problem, str] = {
    Problem.CONTROL: "a control character (an invisible code, such as a null byte)",
    Problem.LINE_BREAK: "a tab or a line break",
    Problem.NOT_A_CHARACTER: "a broken character code (a lone surrogate or a noncharacter)",
    Problem.DIRECTION: "a hidden character that changes the direction of the text",
    Problem.INVISIBLE: "a hidden character, such as a zero-width space",
}
_WHY: dict[Problem, str] = {
    Problem.CONTROL: "which cannot be stored",
    Problem.LINE_BREAK: "but it must be a single line",
    Problem.NOT_A_CHARACTER: "which cannot be stored",
    Problem.DIRECTION: "which can make a name read backwards",
    Problem.INVISIBLE: "which would stop the name matching the same name typed plainly",
}


def what(problem: Problem) -> str:
    """The refused character in words, never the character itself (which no one could see)."""
    return _WHAT[problem]


def describe(problem: Problem) -> str:
    """What the refused character is and why it is refused, for the person at the screen."""
    return f"{_WHAT[problem]}, {_WHY[problem]}"


class TextRefused(ValueError):
    """Text that cannot be stored, with every problem found in it (at least one)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(refusal(problem) for problem in problems))


def refusal(problem: Problem) -> str:
    """The message for text refused outright, as a service says it."""
    remedy = "Put it on one line" if problem is Problem.LINE_BREAK else "Remove it"
    return f"This text contains {describe(problem)}. {remedy} and try again."


def problems_in(text: str, kind: TextKind = TextKind.LINES) -> list[Problem]:
    """Every rule ``text`` breaks, in the order of :class:`Problem`; empty when it may be stored.

    Linear in the length of ``text``: each distinct character is looked at once.
    """
    found = {_problem(character, kind) for character in set(text)}
    return [problem for problem in Problem if problem in found]


def clean_text(text: str, kind: TextKind = TextKind.LINES) -> str:
    """``text`` normalised to NFC; raises :class:`TextRefused` if it breaks a rule."""
    normalised = unicodedata.normalize("NFC", text)
    problems = problems_in(normalised, kind)
    if problems:
        raise TextRefused(problems)
    return normalised


def without_refused(text: str, kind: TextKind = TextKind.LINES) -> str:
    """``text`` normalised, with refused characters taken out (a line break becomes a space).

    For showing refused text back to the person, who cannot see or select an invisible
    character to delete it; never for storing text without asking.
    """
    normalised = unicodedata.normalize("NFC", text)
    replacements = {
        ord(character): " " if problem is Problem.LINE_BREAK else None
        for character in set(normalised)
        if (problem := _problem(character, kind)) is not None
    }
    return normalised.translate(replacements)


def _problem(character: str, kind: TextKind) -> Problem | None:
    if kind is not TextKind.LINES and character in LINE_BREAKS:
        return Problem.LINE_BREAK
    category = unicodedata.category(character)
    if category == "Cc" and character not in LINE_BREAKS:
        return Problem.CONTROL
    if category == "Cs" or _is_noncharacter(character):
        return Problem.NOT_A_CHARACTER
    if kind is TextKind.NAME and character in DIRECTION_CHARACTERS:
        return Problem.DIRECTION
    if kind is TextKind.NAME and category == "Cf" and character not in JOINERS:
        return Problem.INVISIBLE
    return None


def _is_noncharacter(character: str) -> bool:
    """The 66 code points Unicode reserves never to be characters (U+FDD0..FDEF, U+xFFFE/F)."""
    point = ord(character)
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE
