"""``iptclinic outcomes FILE.csv``: classify paired scores from a CSV file and print the rates.

The layout is documented in ``docs/outcomes-csv.md``: one row per referral with the header
``referral_id,phq9_first,phq9_last,gad7_first,gad7_last,attended_treatment_sessions,ended``.
Each row goes through :func:`iptclinic.ipt.outcomes.classify`, the same rules the web application
uses. A row that breaks the layout is reported on standard error as ``line N: what is wrong`` and
skipped; nothing is guessed. Two rows with the same referral id are both skipped, since there is
no telling which one is right.

A file that is not a plain text file of paired scores is refused whole, with one message and
nothing printed: not UTF-8, a control character (such as a null byte) or a broken character code,
a line longer than any row can be, or a number with more digits than any score or count. Such a
file is damaged or the wrong file, so none of its rows can be trusted.

Exit status: 0 when every row was used; 1 when the file was read but some rows were skipped (the
output is still printed, so a script can tell complete results from partial ones); 2 when the
file could not be used at all (missing, unreadable, damaged as above, broken CSV, no header).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from iptclinic.ipt.instruments import GAD7, PHQ9, Instrument
from iptclinic.ipt.outcomes import ReferralOutcome, ScorePair, aggregate, classify
from iptclinic.lib.text import TextKind, problems_in, what

HEADER = (
    "referral_id",
    "phq9_first",
    "phq9_last",
    "gad7_first",
    "gad7_last",
    "attended_treatment_sessions",
    "ended",
)

_SCORE_COLUMNS: tuple[tuple[str, Instrument], ...] = (
    ("phq9_first", PHQ9),
    ("phq9_last", PHQ9),
    ("gad7_first", GAD7),
    ("gad7_last", GAD7),
)

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")

MAX_LINE_LENGTH = 1_000
"""The longest line a file may have, in characters. A row of seven short values is well under
100; a longer line is not a row of this file, and refusing it early keeps the work linear."""

MAX_DIGITS = 9
"""The most digits a score or a session count may have. More is not a slip of the keyboard but a
damaged or wrong file (and Python refuses to read an integer of more than 4,300 digits)."""

EXIT_OK = 0
EXIT_ROWS_SKIPPED = 1
EXIT_UNREADABLE = 2


class OutcomesFileError(Exception):
    """The file cannot be used at all (exit status 2)."""


@dataclass(frozen=True)
class OutcomeRow:
    """One valid row of the file."""

    line: int
    referral_id: str
    phq9: ScorePair
    gad7: ScorePair
    attended_treatment_sessions: int
    ended: bool


@dataclass(frozen=True)
class RowProblem:
    """Why a row was skipped."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def read_outcome_rows(text: str) -> tuple[list[OutcomeRow], list[RowProblem]]:
    """Parse the file's text into valid rows and the problems of the skipped ones.

    Raises OutcomesFileError when the header is missing or wrong, the CSV itself is broken, or the
    file is damaged (see the module docstring). Rows with every cell blank are ignored.
    """
    lines = text.splitlines(keepends=True)
    _check_lines(lines)
    reader = csv.reader(lines, strict=True)
    records: list[tuple[int, list[str]]] = []
    end_of_previous = 0
    try:
        for cells in reader:
            records.append((end_of_previous + 1, cells))
            end_of_previous = reader.line_num
    except csv.Error as error:
        raise OutcomesFileError(
            f"line {end_of_previous + 1}: this is not valid CSV ({error})."
        ) from None

    records = [(line, cells) for line, cells in records if any(cell.strip() for cell in cells)]
    if not records:
        raise OutcomesFileError(f"the file is empty; it must start with the header\n  {_header()}")
    header_line, header = records[0]
    if tuple(cell.strip().lower() for cell in header) != HEADER:
        raise OutcomesFileError(
            f"line {header_line} must be the header\n  {_header()}\nbut it is\n  {','.join(header)}"
        )

    rows: list[OutcomeRow] = []
    problems: list[RowProblem] = []
    for line, cells in records[1:]:
        row, messages = _parse_row(line, cells)
        problems.extend(RowProblem(line, message) for message in messages)
        if row is not None:
            rows.append(row)
    duplicates = _duplicates(rows)
    problems.extend(duplicates)
    skipped = {problem.line for problem in duplicates}
    rows = [row for row in rows if row.line not in skipped]
    problems.sort(key=lambda problem: problem.line)
    return rows, problems


def run_outcomes(path: str, stdout: TextIO, stderr: TextIO) -> int:
    """Read ``path``, print each referral's classification and the rates; return the exit status.

    See the module docstring for the exit statuses.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        stderr.write(f"Cannot read {path}: there is no such file.\n")
        return EXIT_UNREADABLE
    except IsADirectoryError:
        stderr.write(f"Cannot read {path}: it is a folder, not a CSV file.\n")
        return EXIT_UNREADABLE
    except OSError as error:
        stderr.write(f"Cannot read {path}: {error.strerror or error}.\n")
        return EXIT_UNREADABLE
    # A spreadsheet's byte-order mark is fine; it holds no line break, so line numbers stand.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        stderr.write(
            f"Cannot read {path}: line {line} is not UTF-8 text. Save it as CSV (UTF-8).\n"
        )
        return EXIT_UNREADABLE

    try:
        rows, problems = read_outcome_rows(text)
    except OutcomesFileError as error:
        stderr.write(f"Cannot use {path}: {error}\n")
        return EXIT_UNREADABLE

    for problem in problems:
        stderr.write(f"{problem} (row skipped)\n")
    outcomes = [_classify(row) for row in rows]
    _print_report(stdout, rows, outcomes, skipped=len({problem.line for problem in problems}))
    return EXIT_ROWS_SKIPPED if problems else EXIT_OK


def _header() -> str:
    return ",".join(HEADER)


def _check_lines(lines: Sequence[str]) -> None:
    """Refuse a damaged file: a line too long to be a row, or a character no CSV of scores holds
    (a control character such as a null byte, or a broken character code)."""
    for number, line in enumerate(lines, start=1):
        content = line.rstrip("\r\n")
        if len(content) > MAX_LINE_LENGTH:
            raise OutcomesFileError(
                f"line {number} is {len(content):,} characters long, and a row of this file is "
                f"at most {MAX_LINE_LENGTH:,}. Check that this is the right file."
            )
        problems = problems_in(content, TextKind.LINES)
        if problems:
            raise OutcomesFileError(
                f"line {number} contains {what(problems[0])}. Check that this is the right "
                "file, and save it again as CSV (UTF-8)."
            )


def _parse_row(line: int, cells: list[str]) -> tuple[OutcomeRow | None, list[str]]:
    if len(cells) != len(HEADER):
        return None, [f"expected {len(HEADER)} columns, found {len(cells)}"]
    values = dict(zip(HEADER, (cell.strip() for cell in cells), strict=True))
    messages: list[str] = []

    referral_id = values["referral_id"]
    if not referral_id:
        messages.append("referral_id is blank")

    scores: dict[str, int | None] = {}
    for column, instrument in _SCORE_COLUMNS:
        scores[column], message = _parse_score(line, column, values[column], instrument)
        if message:
            messages.append(message)

    sessions, message = _parse_sessions(line, values["attended_treatment_sessions"])
    if message:
        messages.append(message)

    ended_text = values["ended"].lower()
    if ended_text not in ("yes", "no"):
        messages.append(f"ended must be yes or no, not {values['ended']!r}")

    if messages or sessions is None:
        return None, messages
    return (
        OutcomeRow(
            line=line,
            referral_id=referral_id,
            phq9=ScorePair(scores["phq9_first"], scores["phq9_last"]),
            gad7=ScorePair(scores["gad7_first"], scores["gad7_last"]),
            attended_treatment_sessions=sessions,
            ended=ended_text == "yes",
        ),
        [],
    )


def _parse_score(
    line: int, column: str, text: str, instrument: Instrument
) -> tuple[int | None, str | None]:
    """A blank score means "not recorded"; anything else must be a total in range."""
    if not text:
        return None, None
    if not _WHOLE_NUMBER.fullmatch(text):
        return None, f"{column} must be a whole number, not {text!r}"
    value = _whole_number(line, column, text)
    if not 0 <= value <= instrument.max_total:
        return None, (
            f"{column} is {value}, outside the {instrument.short_name} range "
            f"0 to {instrument.max_total}"
        )
    return value, None


def _parse_sessions(line: int, text: str) -> tuple[int | None, str | None]:
    column = "attended_treatment_sessions"
    if not text:
        return None, f"{column} is blank"
    if not _WHOLE_NUMBER.fullmatch(text):
        return None, f"{column} must be a whole number, not {text!r}"
    value = _whole_number(line, column, text)
    if value < 0:
        return None, f"{column} is {value}; it cannot be negative"
    return value, None


def _whole_number(line: int, column: str, text: str) -> int:
    """The value of a cell already known to be digits; refuses the file if it has too many."""
    digits = len(text.lstrip("-").lstrip("0"))
    if digits > MAX_DIGITS:
        raise OutcomesFileError(
            f"line {line}: {column} is a number {digits:,} digits long, more than any score or "
            "session count. Check that this is the right file."
        )
    return int(text)


def _duplicates(rows: Sequence[OutcomeRow]) -> list[RowProblem]:
    lines_by_id: dict[str, list[int]] = {}
    for row in rows:
        lines_by_id.setdefault(row.referral_id, []).append(row.line)
    problems = []
    for referral_id, lines in lines_by_id.items():
        if len(lines) < 2:
            continue
        for line in lines:
            others = ", ".join(str(other) for other in lines if other != line)
            problems.append(
                RowProblem(line, f"referral_id {referral_id!r} also appears on line {others}")
            )
    return problems


def _classify(row: OutcomeRow) -> ReferralOutcome:
    return classify(
        phq9=row.phq9,
        gad7=row.gad7,
        attended_treatment_sessions=row.attended_treatment_sessions,
        ended=row.ended,
    )


def _print_report(
    out: TextIO, rows: Sequence[OutcomeRow], outcomes: Sequence[ReferralOutcome], *, skipped: int
) -> None:
    out.write("Referrals (NHS Talking Therapies rules, PHQ-9 and GAD-7)\n")
    for row, outcome in zip(rows, outcomes, strict=True):
        out.write(f"{row.referral_id}: {outcome.summary}. {' '.join(outcome.reasons)}\n")

    rates = aggregate(outcomes)
    out.write("\nTotals\n")
    out.write(f"Referrals classified: {rates.referrals}\n")
    if skipped:
        out.write(f"Rows skipped: {skipped} (reasons on standard error)\n")
    out.write(f"Not finished: {rates.not_finished} (left out of every outcome)\n")
    out.write(f"Finished: {rates.finished}\n")
    out.write(
        f"Finished, no paired scores: {rates.finished_no_paired_scores} "
        "(counted, left out of the rates)\n"
    )
    out.write(
        f"Not at caseness at start: {rates.not_at_caseness} "
        "(left out of recovery and reliable recovery)\n"
    )
    out.write(f"No reliable change: {rates.no_reliable_change}\n")
    for rate in rates.rates:
        caveat = f" ({rate.caveat})" if rate.caveat else ""
        out.write(f"{rate}; formula: {rate.formula}{caveat}\n")
