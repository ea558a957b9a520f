"""CSV files that a spreadsheet opens as data, never as formulas.

Spreadsheet programs treat a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some also strip a leading tab or carriage return before deciding. A therapist named ``=HYPERLINK(...)``
would otherwise become a live link or command in whoever opens the export. Every CSV the product
writes goes through :func:`write_csv` (or :func:`csv_lines` when streamed), which prefixes such text with an apostrophe: the spreadsheet
shows the text as typed and never evaluates it. Numbers are written as numbers (a change of -5
stays a number); only text is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """The value as a CSV cell that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: Writable, rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])


class _Line:
    """Hands back what the CSV writer writes, so each row becomes one string."""

    def write(self, text: str, /) -> str:
        return text


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The rows as CSV text, a line at a time and made safe as by :func:`write_csv`: for a
    ``StreamingHttpResponse``, so an export never has to be held in memory whole."""
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
