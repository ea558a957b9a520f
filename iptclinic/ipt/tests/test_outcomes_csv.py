"""``iptclinic outcomes FILE.csv`` end to end, through the real command-line entry point.

Layout: docs/outcomes-csv.md. Rules: measures-and-standards.md §2.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from unittest import mock

import pytest

from iptclinic.cli import main
from iptclinic.ipt import outcomes_csv
from iptclinic.ipt.outcomes_csv import HEADER, read_outcome_rows
from iptclinic.ipt.tests.test_outcomes import WORKED_EXAMPLES

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
WORKED = EXAMPLES / "outcomes-worked-examples.csv"
BAD = EXAMPLES / "outcomes-bad-rows.csv"
HEADER_LINE = ",".join(HEADER)


def _run(path: Path | str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["outcomes", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "scores.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_holds_the_measures_doc_worked_examples() -> None:
    with WORKED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    expected = [
        [name, str(pf), str(pl), str(gf), str(gl), str(sessions), "yes" if ended else "no"]
        for name, pf, pl, gf, gl, sessions, ended, *_ in WORKED_EXAMPLES
    ]
    assert rows[1:] == expected


def test_it_classifies_the_worked_examples_and_prints_the_published_rates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _run(WORKED, capsys)
    assert status == 0
    assert err == ""
    summaries = {
        line.split(": ", 1)[0]: line.split(": ", 1)[1].split(". ", 1)[0]
        for line in out.splitlines()
        if line.startswith("P")
    }
    assert summaries == {
        "P1": "recovered, reliable improvement, reliable recovery",
        "P2": "recovered, no reliable change",
        "P3": "not recovered, reliable improvement",
        "P4": "not at caseness at start, no reliable change",
        "P5": "recovered, no reliable change",
        "P6": "recovered, reliable improvement, reliable recovery",
        "P7": "not recovered, reliable deterioration",
        "P8": "not recovered, no reliable change",
        "P9": "not recovered, no reliable change",
        "P10": "not finished",
        "P11": "not recovered, reliable improvement",
        "P12": "not recovered, reliable deterioration",
        "P13": "not at caseness at start, reliable deterioration",
        "P14": "recovered, reliable improvement, reliable recovery",
        "P15": "not finished",
    }
    totals = out.split("\nTotals\n", 1)[1].splitlines()
    assert totals == [
        "Referrals classified: 15",
        "Not finished: 2 (left out of every outcome)",
        "Finished: 13",
        "Finished, no paired scores: 0 (counted, left out of the rates)",
        "Not at caseness at start: 2 (left out of recovery and reliable recovery)",
        "No reliable change: 5",
        "Recovery rate: 5/11 = 45.5%; formula: recovered / (finished with paired scores - not at "
        "caseness at start)",
        "Reliable improvement rate: 5/13 = 38.5%; formula: reliable improvement / finished with "
        "paired scores",
        "Reliable deterioration rate: 3/13 = 23.1%; formula: reliable deterioration / finished "
        "with paired scores (the published sources do not confirm this denominator)",
        "Reliable recovery rate: 3/11 = 27.3%; formula: reliable recovery / (finished with paired "
        "scores - not at caseness at start) (this denominator comes from secondary sources only)",
    ]


def test_each_row_line_carries_its_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(WORKED, capsys)
    line = next(line for line in out.splitlines() if line.startswith("P8: "))
    assert "PHQ-9 went from 16 to 9, down 7: a reliable improvement (6 or more)." in line
    assert "No reliable change: PHQ-9 improved reliably but GAD-7 got reliably worse." in line
    line = next(line for line in out.splitlines() if line.startswith("P10: "))
    assert line == (
        "P10: not finished. 1 attended treatment session; a finished course needs at least 2. "
        "Left out of every outcome."
    )


def test_it_reports_bad_rows_by_line_skips_them_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _run(BAD, capsys)
    assert status == 1
    assert err.splitlines() == [
        "line 3: expected 7 columns, found 6 (row skipped)",
        "line 4: phq9_first must be a whole number, not 'abc' (row skipped)",
        "line 5: phq9_first is 28, outside the PHQ-9 range 0 to 27 (row skipped)",
        "line 6: gad7_first is 22, outside the GAD-7 range 0 to 21 (row skipped)",
        "line 7: attended_treatment_sessions is -1; it cannot be negative (row skipped)",
        "line 8: ended must be yes or no, not 'maybe' (row skipped)",
        "line 10: referral_id 'R9' also appears on line 11 (row skipped)",
        "line 11: referral_id 'R9' also appears on line 10 (row skipped)",
        "line 12: referral_id is blank (row skipped)",
        "line 13: phq9_first must be a whole number, not '12.5' (row skipped)",
        "line 14: attended_treatment_sessions is blank (row skipped)",
        "line 17: phq9_first must be a whole number, not 'x' (row skipped)",
        "line 17: gad7_last is 30, outside the GAD-7 range 0 to 21 (row skipped)",
        "line 17: ended must be yes or no, not 'y' (row skipped)",
    ]
    classified = [m.group(1) for m in re.finditer(r"^(R\d+): ", out, flags=re.MULTILINE)]
    assert classified == ["R1", "R8", "R12"]
    assert "R8: finished, no paired scores. GAD-7 has no last score." in out
    assert "Referrals classified: 3\nRows skipped: 12 (reasons on standard error)\n" in out
    assert "Recovery rate: 1/1 = 100.0%" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty; it must start with the header"),
        ("\n\n", "the file is empty; it must start with the header"),
        ("P1,18,7,14,6,6,yes\n", "line 1 must be the header"),
        (
            "referral_id,gad7_first,gad7_last,phq9_first,phq9_last,attended_treatment_sessions,ended"
            "\nP1,14,6,18,7,6,yes\n",
            "line 1 must be the header",
        ),
        (f'{HEADER_LINE}\nP1,"18,7,14,6,6,yes\n', "line 2: this is not valid CSV"),
    ],
)
def test_a_file_without_its_header_or_with_broken_csv_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = _write(tmp_path, content)
    status, out, err = _run(path, capsys)
    assert status == 2
    assert out == ""
    assert err.startswith(f"Cannot use {path}: {message}")


def test_it_names_the_expected_header_when_it_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "P1,18,7,14,6,6,yes\n")
    _, _, err = _run(path, capsys)
    assert err == (
        f"Cannot use {path}: line 1 must be the header\n  {HEADER_LINE}\n"
        "but it is\n  P1,18,7,14,6,6,yes\n"
    )


def test_a_missing_file_gets_a_clear_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.csv"
    assert _run(missing, capsys) == (2, "", f"Cannot read {missing}: there is no such file.\n")


def test_a_folder_gets_a_clear_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, capsys) == (
        2,
        "",
        f"Cannot read {tmp_path}: it is a folder, not a CSV file.\n",
    )


def test_a_file_that_is_not_utf8_gets_a_clear_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP\xe9,18,7,14,6,6,yes\n".encode("latin-1"))
    assert _run(path, capsys) == (
        2,
        "",
        f"Cannot read {path}: line 2 is not UTF-8 text. Save it as CSV (UTF-8).\n",
    )


def test_it_accepts_a_spreadsheet_export_with_bom_crlf_spaces_and_capitals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ", ".join(name.upper() for name in HEADER)
    path = _write(tmp_path, f"\ufeff{header}\r\n P1 , 18 , 7 ,14,6,6, Yes \r\n\r\n,,,,,,\r\n")
    status, out, err = _run(path, capsys)
    assert (status, err) == (0, "")
    assert "P1: recovered, reliable improvement, reliable recovery." in out


def test_a_header_only_file_prints_empty_totals_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(_write(tmp_path, HEADER_LINE + "\n"), capsys)
    assert (status, err) == (0, "")
    assert "Referrals classified: 0" in out
    assert "Recovery rate: 0/0 = no rate (nothing to divide by)" in out


def test_blank_scores_mean_not_recorded_and_give_no_paired_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP1,,7,14,6,6,yes\n")
    status, out, _ = _run(path, capsys)
    assert status == 0
    assert "P1: finished, no paired scores. PHQ-9 has no first score." in out
    assert "Finished, no paired scores: 1" in out


def test_a_quoted_field_across_lines_is_reported_at_the_line_it_starts(tmp_path: Path) -> None:
    text = f'{HEADER_LINE}\nP1,18,7,14,6,6,yes\n"P\n2",18,7,14,6,6,maybe\nP3,18,7,14,6,6,yes\n'
    rows, problems = read_outcome_rows(text)
    assert [row.referral_id for row in rows] == ["P1", "P3"]
    assert [row.line for row in rows] == [2, 5]
    assert [str(problem) for problem in problems] == [
        "line 3: ended must be yes or no, not 'maybe'"
    ]


# --- Hostile input: the whole file refused with one message, exit 2, in linear time ----------


def _refused_before_csv(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command; the file must be refused (exit 2, nothing printed, one message) before
    the CSV reader sees any of it."""
    with mock.patch("csv.reader", side_effect=AssertionError("read")):
        status, out, err = _run(path, capsys)
    assert (status, out, err.count("\n")) == (2, "", 1), err
    return err


def test_a_5000_digit_number_makes_a_line_too_long_to_be_a_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP1,{'9' * 5000},7,14,6,6,yes\nP2,18,7,14,6,6,yes\n")
    assert _refused_before_csv(path, capsys) == (
        f"Cannot use {path}: line 2 is 5,016 characters long, and a row of this file is at most "
        "1,000. Check that this is the right file.\n"
    )


def test_a_number_too_long_for_any_score_refuses_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP1,18,7,14,6,6,yes\nP2,18,7,14,6,{'1' * 900},no\n")
    converted: list[str] = []

    def int_watched(text: str) -> int:
        converted.append(text)
        return int(text)

    with mock.patch.object(outcomes_csv, "int", side_effect=int_watched, create=True):
        status, out, err = _run(path, capsys)
    assert (status, out) == (2, "")
    assert max(map(len, converted)) <= outcomes_csv.MAX_DIGITS  # never converts a huge number
    assert err == (
        f"Cannot use {path}: line 3: attended_treatment_sessions is a number 900 digits long, "
        "more than any score or session count. Check that this is the right file.\n"
    )


def test_leading_zeros_do_not_make_a_score_too_long(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP1,{'0' * 20}18,7,14,6,6,yes\n")
    status, out, _ = _run(path, capsys)
    assert status == 0
    assert "P1: recovered" in out


def test_a_null_byte_refuses_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP1,18,7,14,6,6,yes\nP2\x00,18,7,14,6,6,yes\n")
    assert _refused_before_csv(path, capsys) == (
        f"Cannot use {path}: line 3 contains a control character (an invisible code, such as a "
        "null byte). Check that this is the right file, and save it again as CSV (UTF-8).\n"
    )


def test_a_noncharacter_refuses_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, f"{HEADER_LINE}\nP1\ufffe,18,7,14,6,6,yes\n")
    assert "line 2 contains a broken character code" in _refused_before_csv(path, capsys)


def test_a_lone_surrogate_escape_is_not_utf8_and_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # U+D800 written out as UTF-8 bytes, as some tools do; it is no character at all.
    path = _write(tmp_path, f"{HEADER_LINE}\nP1,18,7,14,6,6,yes\n".encode() + b"P\xed\xa0\x80\n")
    assert _refused_before_csv(path, capsys) == (
        f"Cannot read {path}: line 3 is not UTF-8 text. Save it as CSV (UTF-8).\n"
    )


def test_a_line_of_10_mb_is_refused_without_reading_it_as_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = "P1," + "x" * 10_000_000
    path = _write(tmp_path, f"{HEADER_LINE}\n{line}\nP2,18,7,14,6,6,yes\n")
    assert _refused_before_csv(path, capsys) == (
        f"Cannot use {path}: line 2 is 10,000,003 characters long, and a row of this file is at "
        "most 1,000. Check that this is the right file.\n"
    )


def test_a_row_at_the_longest_allowed_is_read_as_usual(tmp_path: Path) -> None:
    referral_id = "R" * (outcomes_csv.MAX_LINE_LENGTH - len(",18,7,14,6,6,yes"))
    rows, problems = read_outcome_rows(f"{HEADER_LINE}\n{referral_id},18,7,14,6,6,yes\n")
    assert ([row.referral_id for row in rows], problems) == ([referral_id], [])
