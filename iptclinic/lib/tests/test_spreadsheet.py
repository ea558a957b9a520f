import csv
import io

import pytest

from iptclinic.lib.spreadsheet import csv_lines, safe_cell, write_csv


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=1"],
)
def test_text_that_a_spreadsheet_would_evaluate_is_written_as_text(typed):
    out = io.StringIO()
    write_csv(out, [["therapist", typed]])
    (row,) = csv.reader(io.StringIO(out.getvalue()))
    assert row == ["therapist", "'" + typed]


@pytest.mark.parametrize("value", ["Tess Morgan", "O'Neil", "", "2026-01-01", " =spaced"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, 0, 3.5, None])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) is value


def test_streamed_lines_are_the_same_file_a_line_at_a_time():
    rows = [["group", "count"], ['=HYPERLINK("http://x")', -5], ["Line\nbreak, comma", 3]]
    whole = io.StringIO()
    write_csv(whole, rows)
    lines = list(csv_lines(iter(rows)))
    assert len(lines) == len(rows)
    assert "".join(lines) == whole.getvalue()
