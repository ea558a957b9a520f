"""docs/dataset-export.md holds the export's column dictionary: it must match the code's columns."""

from __future__ import annotations

import re
from pathlib import Path

from iptclinic.service.export import CONTACT_COLUMNS, NOT_OFFICIAL, REFERRAL_COLUMNS

DOC = Path(__file__).resolve().parents[3] / "docs" / "dataset-export.md"


def documented(section: str) -> list[tuple[str, str]]:
    text = DOC.read_text()
    part = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \| (.+) \|$", part, flags=re.MULTILINE)


def test_the_column_dictionary_matches_the_export():
    for section, columns in (
        ("Referrals file", REFERRAL_COLUMNS),
        ("Care contacts file", CONTACT_COLUMNS),
    ):
        assert documented(section) == [(c.name, c.meaning) for c in columns], section


def test_the_export_says_plainly_it_is_not_the_official_submission_format():
    assert "not the official" in NOT_OFFICIAL
    assert (
        "**This export is not the official NHS Talking Therapies submission format.**"
        in DOC.read_text()
    )


def test_the_files_have_about_30_and_16_columns():
    assert 28 <= len(REFERRAL_COLUMNS) <= 32
    assert len(CONTACT_COLUMNS) == 16
