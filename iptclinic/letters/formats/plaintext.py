"""A letter's HTML as plain text, for screen readers, email and the Braille and audio versions.

Headings stay as lines, underlined with "=" (level 1) or "-"; list items start with "- " or
their number; a table row becomes "label: value" lines; a link keeps its address in brackets
after its text; paragraphs are separated by a blank line and wrapped. What a screen reader
would skip is left out (``<svg>``, ``aria-hidden``, ``hidden``, ``<head>``, scripts, and
anything with the class ``visually-hidden-in-text``), while an element with a
``data-text-alternative`` attribute is replaced by that text: the way a chart says in words
what it shows.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import zip_longest
from urllib.parse import unquote

HIDDEN_CLASS = "visually-hidden-in-text"
TEXT_ALTERNATIVE = "data-text-alternative"

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
_SKIPPED_TAGS = frozenset(["head", "script", "style", "template", "noscript", "svg", "title"])
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_INVISIBLE = str.maketrans(dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_MINIMUM_WIDTH = 20
_RULE_LINES = re.compile(r"^[ \t]*([=\-_*~#])\1{2,}[ \t]*(?:\n|$)", re.MULTILINE)


def html_to_text(html: str, *, width: int | None = 72) -> str:
    """Readable plain text of ``html``, wrapped at ``width`` characters, ending in a newline.

    Text joined by no-break spaces (``&nbsp;``) is kept on one line, then written with
    ordinary spaces. Long words and addresses are never broken. With ``width=None`` nothing is
    wrapped, so each line is a whole heading, paragraph or address line: the text to give
    :func:`~iptclinic.letters.formats.braille.text_to_brf` and
    :func:`~iptclinic.letters.formats.audio.text_to_wav`, which lay out and phrase it their way.
    """
    if width is not None and width < _MINIMUM_WIDTH:
        raise ValueError(f"Plain text needs at least {_MINIMUM_WIDTH} characters a line.")
    writer = _TextWriter(width)
    writer.feed(html)
    writer.close()
    return writer.text()


def without_rules(text: str) -> str:
    """``text`` without the lines that only underline a heading or draw a rule ("=====").

    Braille and speech have their own ways to show a heading; an underline would be brailled
    or read aloud as a row of symbols."""
    return _RULE_LINES.sub("", text)


@dataclass
class _List:
    ordered: bool
    indent: str
    """Where this list's bullets start."""
    item_indent: str = ""
    """Where the text of the current item starts, after its bullet."""
    count: int = 0


@dataclass
class _Table:
    rows: list[list[tuple[str, bool]]] = field(default_factory=list)
    row: list[tuple[str, bool]] | None = None


class _TextWriter(HTMLParser):
    def __init__(self, width: int | None) -> None:
        super().__init__(convert_charrefs=True)
        self._width = width
        self._blocks: list[tuple[str, bool]] = []
        self._lines: list[list[str]] = [[]]
        self._skip_tag: str | None = None
        self._skip_depth = 0
        self._lists: list[_List] = []
        self._bullet: str | None = None
        self._group_starts = False
        self._heading: int | None = None
        self._links: list[tuple[str, int, int]] = []
        self._table: _Table | None = None
        self._cell_is_header: bool | None = None
        self._term: str | None = None

    # Parser events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag is not None:
            self._skip_depth += tag == self._skip_tag
            return
        attributes = dict(attrs)
        alternative = attributes.get(TEXT_ALTERNATIVE)
        if alternative is not None or tag in _SKIPPED_TAGS or _is_hidden(attributes):
            if alternative:
                self._add_alternative(tag, alternative)
            if tag not in _VOID_TAGS:
                self._skip_tag, self._skip_depth = tag, 1
            return
        if tag == "br":
            self._lines.append([])
        elif tag == "img":
            self._add_text(f" {attributes.get('alt') or ''} ")
        elif tag == "a":
            self._links.append((attributes.get("href") or "", *self._position()))
        elif self._cell_is_header is not None and tag not in ("td", "th", "tr"):
            if tag in _BLOCK_TAGS:
                self._lines.append([])
        elif tag in _BLOCK_TAGS:
            if tag in ("td", "th", "tr"):
                self._close_cell(closing_row=tag == "tr")
            self._start_block(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag == "a" and self._links:
            self._end_link(*self._links.pop())
        elif tag in ("td", "th", "tr", "table"):
            self._close_cell(closing_row=tag in ("tr", "table"))
            if tag == "table" and self._table is not None:
                self._end_table(self._table)
        elif self._cell_is_header is not None:
            if tag in _BLOCK_TAGS:
                self._lines.append([])
        elif tag in _BLOCK_TAGS:
            self._end_block(tag)

    def handle_data(self, data: str) -> None:
        if self._skip_tag is None:
            self._add_text(data)

    def text(self) -> str:
        self._close_cell(closing_row=True)
        if self._table is not None:
            self._end_table(self._table)
        self._flush()
        text = ""
        for block, tight in self._blocks:
            if text:
                text += "\n" if tight else "\n\n"
            text += block
        lines = (line.replace("\u00a0", " ").rstrip() for line in text.split("\n"))
        text = "\n".join(lines).strip("\n")
        return f"{text}\n" if text else ""

    # Blocks

    def _start_block(self, tag: str) -> None:
        self._flush()
        if tag in ("ul", "ol"):
            self._group_starts = self._group_starts or not self._lists
            indent = self._lists[-1].item_indent if self._lists else ""
            self._lists.append(_List(ordered=tag == "ol", indent=indent))
        elif tag == "li" and self._lists:
            state = self._lists[-1]
            state.count += 1
            bullet = f"{state.count}. " if state.ordered else "- "
            self._bullet = state.indent + bullet
            state.item_indent = state.indent + " " * len(bullet)
        elif tag in ("dl", "table"):
            self._group_starts = True
            if tag == "table":
                self._table = _Table()
        elif tag == "tr" and self._table is not None:
            self._table.row = []
        elif tag in ("td", "th") and self._table is not None:
            self._cell_is_header = tag == "th"
        elif tag in _HEADINGS:
            self._heading = _HEADINGS[tag]

    def _end_block(self, tag: str) -> None:
        if tag in _HEADINGS and self._heading is not None:
            self._end_heading(self._heading)
        elif tag == "dt":
            self._term = " ".join(self._take_lines()) or None
        elif tag == "dd":
            value = " ".join(self._take_lines())
            if value:
                self._emit(self._wrap(f"{self._term}: {value}" if self._term else value), True)
        else:
            self._flush()
            if tag in ("ul", "ol") and self._lists:
                self._lists.pop()
            elif tag == "li":
                self._bullet = None
            elif tag == "dl":
                self._term = None

    def _flush(self) -> None:
        lines = self._take_lines()
        if not lines:
            return
        rest = self._lists[-1].item_indent if self._lists else ""
        first = rest if self._bullet is None else self._bullet
        self._bullet = None
        wrapped = [
            self._wrap(line, first if number == 0 else rest, rest)
            for number, line in enumerate(lines)
        ]
        self._emit("\n".join(wrapped), bool(self._lists))

    def _end_heading(self, level: int) -> None:
        self._heading = None
        text = " ".join(self._take_lines())
        if text:
            wrapped = self._wrap(text)
            underline = ("=" if level == 1 else "-") * max(map(len, wrapped.split("\n")))
            self._emit(f"{wrapped}\n{underline}", False)

    def _close_cell(self, *, closing_row: bool) -> None:
        """End the open cell, and the open row too when ``closing_row``; HTML lets both end
        tags be left out."""
        if self._table is None:
            return
        if self._cell_is_header is not None:
            if self._table.row is None:
                self._table.row = []
            text = ", ".join(line for line in self._take_lines() if line)
            self._table.row.append((text, self._cell_is_header))
            self._cell_is_header = None
        if closing_row and self._table.row is not None:
            self._table.rows.append(self._table.row)
            self._table.row = None

    def _end_table(self, table: _Table) -> None:
        self._flush()
        self._table = None
        rows = table.rows
        headers: list[str] = []
        if len(rows) > 1 and all(is_header for _, is_header in rows[0]):
            headers = [text for text, _ in rows[0]]
            rows = rows[1:]
        for row in rows:
            values = [text for text, _ in row]
            if headers:
                lines = [
                    f"{label}: {value}" if label else value
                    for label, value in zip_longest(headers, values, fillvalue="")
                    if value
                ]
                self._group_starts = True
            elif len(values) > 1:
                lines = [f"{values[0]}: {', '.join(value for value in values[1:] if value)}"]
            else:
                lines = [value for value in values if value]
            if lines:
                self._emit("\n".join(self._wrap(line, "", "  ") for line in lines), True)

    def _emit(self, block: str, tight: bool) -> None:
        self._blocks.append((block, tight and not self._group_starts))
        self._group_starts = False

    # Inline text

    def _add_text(self, text: str) -> None:
        self._lines[-1].append(text.translate(_INVISIBLE))

    def _add_alternative(self, tag: str, alternative: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._add_text(alternative)
            self._flush()
        else:
            self._add_text(f" {alternative} ")

    def _position(self) -> tuple[int, int]:
        return len(self._lines) - 1, len(self._lines[-1])

    def _end_link(self, href: str, line: int, fragment: int) -> None:
        parts = [self._lines[line][fragment:], *self._lines[line + 1 :]]
        text = _collapse(" ".join("".join(part) for part in parts))
        address = _shown_address(href, text)
        if address:
            self._add_text(f" ({address})" if text else address)

    def _take_lines(self) -> list[str]:
        lines = [_collapse("".join(fragments)) for fragments in self._lines]
        self._lines = [[]]
        self._links = [(href, 0, 0) for href, _, _ in self._links]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        kept: list[str] = []
        for line in lines:
            if line or kept[-1]:
                kept.append(line)
        return kept

    def _wrap(self, text: str, first: str = "", rest: str = "") -> str:
        if self._width is None:
            return first + text
        return "\n".join(
            textwrap.wrap(
                text,
                self._width,
                initial_indent=first,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )


def _collapse(text: str) -> str:
    return _HTML_SPACE.sub(" ", text).strip(" ")


def _is_hidden(attributes: dict[str, str | None]) -> bool:
    classes = (attributes.get("class") or "").split()
    return (
        HIDDEN_CLASS in classes
        or "hidden" in attributes
        or (attributes.get("aria-hidden") or "").lower() == "true"
    )


def _shown_address(href: str, text: str) -> str:
    """The address to print after a link's text, or "" when the text already says it."""
    scheme, _, rest = href.partition(":")
    scheme = scheme.lower()
    if scheme == "tel":
        return "" if any(char.isdigit() for char in text) else unquote(rest)
    if scheme == "mailto":
        address = unquote(rest.split("?")[0])
        return "" if address.lower() in text.lower() else address
    if scheme in ("http", "https"):
        return "" if _bare(href) == _bare(text) else href
    return ""


def _bare(address: str) -> str:
    address = address.lower().strip()
    for prefix in ("https://", "http://", "www."):
        address = address.removeprefix(prefix)
    return address.rstrip("/")
