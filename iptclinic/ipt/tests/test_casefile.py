"""The JSON case file: reading, writing, error messages with lines, and the command line."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings

from iptclinic.cli import main
from iptclinic.ipt import casefile
from iptclinic.ipt.case import (
    ApproxDate,
    Case,
    ContactFrequency,
    DatePrecision,
    EventKind,
    LifeStatus,
    RelationshipType,
    SuggestionWindows,
)
from iptclinic.ipt.casefile import (
    CaseFileError,
    case_to_json,
    load_case,
    run_suggest_focus,
    suggestion_to_json,
)
from iptclinic.ipt.focus import Status, suggest
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.ipt.tests.test_focus import cases
from iptclinic.ipt.variants import Variant

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "docs" / "examples").glob("*.json"))

SMALL = """{
  "variant": "leaflet",
  "assessed_on": "2025-03-10",
  "onset": "2024-11",
  "relationships": [
    {
      "id": "mum",
      "label": "Mum",
      "type": "parent",
      "status": "deceased",
      "date_of_death": "2024-08-20",
      "importance": 5
    },
    {
      "id": "sam",
      "label": "Sam",
      "type": "partner",
      "expectations_met": false,
      "conflict": "open"
    }
  ],
  "events": [
    {"id": "e1", "when": "2024-08", "kind": "death", "description": "Mum died", "people": ["mum"]}
  ]
}
"""


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def error_for(text: str) -> CaseFileError:
    with pytest.raises(CaseFileError) as caught:
        load_case(text)
    return caught.value


# --- Reading and writing ---------------------------------------------------------------------


def test_it_reads_a_small_case_with_approximate_dates() -> None:
    case = load_case(SMALL)
    assert case.assessed_on == date(2025, 3, 10)
    assert case.onset == ApproxDate(date(2024, 11, 1), DatePrecision.MONTH)
    assert case.relationships[0].status is LifeStatus.DECEASED
    assert case.relationships[1].expectations_met is False
    assert case.events[0].when.precision is DatePrecision.MONTH
    assert case.windows == SuggestionWindows()


def test_the_variant_defaults_to_the_leaflet() -> None:
    text = SMALL.replace('  "variant": "leaflet",\n', "")
    assert load_case(text).variant is Variant.LEAFLET


@settings(deadline=None)
@given(cases())
def test_any_valid_case_survives_a_round_trip(case: Case) -> None:
    assert load_case(case_to_json(case)) == case


def test_the_writer_leaves_out_what_was_not_recorded() -> None:
    written = json.loads(case_to_json(load_case(SMALL)))
    assert written["relationships"][1] == {
        "id": "sam",
        "label": "Sam",
        "type": "partner",
        "expectations_met": False,
        "conflict": "open",
    }
    assert written["format"] == "iptclinic-case/1"


def test_windows_in_the_file_change_what_counts_as_normal_grief() -> None:
    recent = SMALL.replace('"assessed_on": "2025-03-10"', '"assessed_on": "2025-01-10"')
    assert suggest(load_case(recent)).assessment(ProblemArea.GRIEF).status is Status.POSSIBLE
    configured = recent.replace(
        '"onset": "2024-11",', '"onset": "2024-11",\n  "windows": {"normal_grief_days": 90},'
    )
    case = load_case(configured)
    assert case.windows.normal_grief == timedelta(days=90)
    assert suggest(case).assessment(ProblemArea.GRIEF).status is Status.SUGGESTED


# --- The shipped examples --------------------------------------------------------------------

EXPECTED_TOP = {
    "grief": ProblemArea.GRIEF,
    "role-dispute": ProblemArea.ROLE_DISPUTE,
    "role-transition": ProblemArea.ROLE_TRANSITION,
    "interpersonal-deficits": ProblemArea.INTERPERSONAL_DEFICITS,
}


def test_at_least_six_examples_are_shipped() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_loads_round_trips_and_tops_the_area_its_name_says(path: Path) -> None:
    case = load_case(path.read_text(encoding="utf-8"))
    assert load_case(case_to_json(case)) == case
    result = suggest(case)
    if path.stem.startswith("no-focus"):
        assert result.no_focus_reason is not None
        assert not result.suggested
        return
    expected = next(area for prefix, area in EXPECTED_TOP.items() if path.stem.startswith(prefix))
    assert result.areas[0].area is expected
    assert result.areas[0].status is Status.SUGGESTED


def test_the_impasse_example_infers_the_stage_and_the_eating_disorder_one_uses_ipt_ed() -> None:
    by_name = {p.stem: load_case(p.read_text(encoding="utf-8")) for p in EXAMPLES}
    impasse = suggest(by_name["role-dispute-at-impasse"]).areas[0]
    assert impasse.dispute_stage is not None and impasse.dispute_stage.value == "impasse"
    assert by_name["role-dispute-in-an-eating-disorder"].variant is Variant.IPT_ED


# --- Errors name the field and the line ------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "marker"),
    [
        (SMALL.replace('"importance": 5\n', '"importance": 5,\n'), '"importance": 5,'),
        (SMALL.replace('"label": "Sam",', '"label": "Sam"'), '"type": "partner"'),
        (SMALL.replace('"conflict": "open"', "'conflict': 'open'"), "'conflict'"),
    ],
    ids=["a trailing comma", "a missing comma", "single quotes"],
)
def test_malformed_json_reports_the_line_of_the_fault(broken: str, marker: str) -> None:
    err = error_for(broken)
    expected = line_of(broken, marker) + (1 if marker.endswith(",") else 0)
    assert err.line == expected
    assert str(err).startswith(f"line {expected}: not valid JSON")


def test_an_empty_file_is_reported_as_invalid_json_on_line_1() -> None:
    assert error_for("").line == 1


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            '"importance": 5',
            '"importance": "high"',
            "relationships[0].importance",
            'expected a whole number from 1 to 5, got "high"',
        ),
        (
            '"status": "deceased"',
            '"status": "dead"',
            "relationships[0].status",
            "'dead' is not one of: alive, deceased, estranged",
        ),
        (
            '"expectations_met": false',
            '"expectations_met": "no"',
            "relationships[1].expectations_met",
            'expected true or false, got "no"',
        ),
        (
            '"onset": "2024-11"',
            '"onset": "November 2024"',
            "onset",
            'expected a date as "YYYY-MM-DD"',
        ),
        ('"when": "2024-08"', '"when": "2024-02-30"', "events[0].when", "not a real date"),
        ('"kind": "death"', '"kind": "funeral"', "events[0].kind", "'funeral' is not one of"),
        ('"variant": "leaflet"', '"variant": "ipt"', "variant", "'ipt' is not one of: leaflet"),
        ('"people": ["mum"]', '"people": ["dad"]', "events[0].people[0]", "no relationship"),
        ('"people": ["mum"]', '"people": "mum"', "events[0].people", "expected a list"),
        ('"conflict": "open"', '"conflct": "open"', "relationships[1].conflct", "unknown field"),
        (
            '"date_of_death": "2024-08-20"',
            '"date_of_death": "2025-08-20"',
            "relationships[0].date_of_death",
            "is after the assessment date 2025-03-10",
        ),
        ('"id": "sam"', '"id":  "mum"', "relationships[1].id", "the id 'mum' is used twice"),
    ],
    ids=[
        "a number as text",
        "an unknown status",
        "a yes-no as text",
        "a date in words",
        "an impossible date",
        "an unknown event kind",
        "an unknown variant",
        "an unknown person in an event",
        "people not in a list",
        "a misspelt field",
        "a death after the assessment",
        "a repeated id",
    ],
)
def test_a_bad_value_names_the_field_and_its_line(
    old: str, new: str, path: str, words: str
) -> None:
    broken = SMALL.replace(old, new)
    err = error_for(broken)
    assert err.path == path
    assert err.line == line_of(broken, new)
    assert words in str(err)
    assert str(err).startswith(f"line {err.line}: {path}: ")


def test_a_missing_required_field_is_named_at_the_line_its_object_starts() -> None:
    broken = SMALL.replace('      "label": "Sam",\n', "")
    err = error_for(broken)
    assert err.path == "relationships[1]"
    assert "missing required field 'label'" in str(err)
    assert err.line == line_of(broken, '"id": "sam"') - 1


def test_a_missing_top_level_field_is_named() -> None:
    err = error_for(SMALL.replace('  "assessed_on": "2025-03-10",\n', ""))
    assert "missing required field 'assessed_on'" in str(err)
    assert err.line == 1


def test_a_field_given_twice_is_reported_at_its_second_line() -> None:
    broken = SMALL.replace('"label": "Sam",', '"label": "Sam",\n      "label": "Samuel",')
    err = error_for(broken)
    assert err.path == "relationships[1].label"
    assert err.line == line_of(broken, '"label": "Samuel"')


def test_lines_are_right_in_a_file_on_one_line() -> None:
    text = json.dumps(json.loads(SMALL)).replace('"parent"', '"mother"')
    err = error_for(text)
    assert (err.line, err.path) == (1, "relationships[0].type")


def test_a_file_that_is_not_an_object_is_refused() -> None:
    assert "expected an object" in str(error_for("[1, 2]"))


def test_a_grief_sign_on_a_living_person_is_refused() -> None:
    broken = SMALL.replace('"conflict": "open"', '"conflict": "open", "mourning_avoided": true')
    err = error_for(broken)
    assert err.path == "relationships[1].mourning_avoided"
    assert "someone who has died" in str(err)


def test_a_date_of_death_needs_a_deceased_status() -> None:
    broken = SMALL.replace('"status": "deceased",', '"status": "estranged",')
    assert error_for(broken).path == "relationships[0].date_of_death"


def test_a_file_for_another_format_is_refused() -> None:
    broken = SMALL.replace('"variant"', '"format": "other/2",\n  "variant"')
    assert error_for(broken).path == "format"


# --- Suggestion output -----------------------------------------------------------------------


def test_the_suggestion_json_ranks_all_four_areas_with_evidence() -> None:
    output = suggestion_to_json(suggest(load_case(SMALL)))
    assert [a["rank"] for a in output["areas"]] == [1, 2, 3, 4]
    assert {a["area"] for a in output["areas"]} == {a.value for a in ProblemArea}
    top = output["areas"][0]
    assert top["area"] == "grief"
    assert top["label"] == "Unresolved grief"
    assert top["evidence"][0] == {
        "source": "relationship",
        "id": "mum",
        "why": "Mum (parent) died on 20 August 2024, 3 months before the onset.",
    }
    assert "clinician review only" in output["note"]
    json.dumps(output)


def test_the_label_of_an_area_a_variant_does_not_use_is_the_manual_name() -> None:
    case = load_case(SMALL.replace('"leaflet"', '"ipt_sr"'))
    output = suggestion_to_json(suggest(case))
    deficits = next(a for a in output["areas"] if a["area"] == "interpersonal_deficits")
    assert deficits["label"] == "Interpersonal deficits"
    assert deficits["status"] == "excluded"


# --- The command line ------------------------------------------------------------------------


def test_the_command_prints_the_ranked_suggestions_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = next(p for p in EXAMPLES if p.stem.startswith("role-transition"))
    assert main(["suggest-focus", str(example)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    printed = json.loads(out)
    assert printed["suggested"][0] == "role_transition"
    assert printed["areas"][0]["evidence"]
    assert out.startswith('{\n  "variant"')


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_command_accepts_every_example(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest-focus", str(path)]) == 0
    assert len(json.loads(capsys.readouterr().out)["areas"]) == 4


def test_the_command_refuses_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["suggest-focus", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"iptclinic suggest-focus: {missing}: cannot read the file: no such file\n"


def test_the_command_refuses_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest-focus", str(tmp_path)]) == 2
    assert "a folder" in capsys.readouterr().err


def test_the_command_names_the_field_and_line_of_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "case.json"
    broken.write_text(SMALL.replace('"type": "partner"', '"type": "husband"'), encoding="utf-8")
    assert main(["suggest-focus", str(broken)]) == 2
    out, err = capsys.readouterr()
    line = line_of(broken.read_text(encoding="utf-8"), '"husband"')
    assert out == ""
    assert err.startswith(f"iptclinic suggest-focus: {broken}: line {line}: relationships[1].type:")
    assert err.count("\n") == 1


def test_the_command_reports_invalid_json_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "case.json"
    broken.write_text(SMALL.replace('"onset": "2024-11",', '"onset": "2024-11"'), encoding="utf-8")
    assert run_suggest_focus(str(broken), sys.stdout, sys.stderr) == 2
    assert "line 5: not valid JSON" in capsys.readouterr().err


def test_the_command_refuses_a_file_that_is_not_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "case.json"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    assert main(["suggest-focus", str(binary)]) == 2
    assert "not UTF-8 text" in capsys.readouterr().err


# --- Hostile input: one message, exit 2, no traceback, linear time ---------------------------


def _refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *, parsed: bool = True
) -> str:
    """Run the command on ``text``; it must exit 2 with one line on standard error and nothing
    on standard output. With ``parsed=False`` the JSON reader must never have been reached."""
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    if parsed:
        status = main(["suggest-focus", str(path)])
    else:
        with mock.patch("json.loads", side_effect=AssertionError("parsed")):
            status = main(["suggest-focus", str(path)])
    out, err = capsys.readouterr()
    assert (status, out, err.count("\n")) == (2, "", 1), err
    prefix = f"iptclinic suggest-focus: {path}: "
    assert err.startswith(prefix)
    return err.removeprefix(prefix).rstrip("\n")


def test_a_5000_digit_number_is_refused_before_the_json_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL.replace('"importance": 5', f'"importance": {"9" * 5000}')
    line = line_of(text, '"importance"')
    message = _refused(tmp_path, capsys, text, parsed=False)
    assert message == (
        f"line {line}: a number 5,000 characters long; the numbers in "
        "a case file are small whole numbers"
    )
    # A million digits are refused as fast: the scan never converts a number.
    assert "1,000,000 characters" in _refused(
        tmp_path, capsys, text.replace("9" * 5000, "9" * 1_000_000), parsed=False
    )


def test_json_nested_5000_deep_is_refused_before_the_json_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for depth in (5000, 1_000_000):
        text = SMALL.replace('"onset": "2024-11",', f'"patterns": {"[" * depth}{"]" * depth},')
        line = line_of(text, '"patterns"')
        message = _refused(tmp_path, capsys, text, parsed=False)
        assert message == (
            f"line {line}: lists and objects are nested more than "
            f"{casefile.MAX_DEPTH} deep; a case file needs five levels at most"
        )


def test_nesting_up_to_the_limit_reaches_the_ordinary_checks() -> None:
    nested = json.dumps(json.loads(SMALL) | {"patterns": ["x"]})
    assert load_case(nested).patterns == ("x",)
    deep = "[" * (casefile.MAX_DEPTH - 1) + "]" * (casefile.MAX_DEPTH - 1)
    assert "expected text in quotes" in str(
        error_for(SMALL.replace('"onset": "2024-11",', f'"patterns": {deep},'))
    )


def test_a_lone_surrogate_is_refused_with_the_field_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # At the end of a million characters: one pass over the text finds it.
    long_description = "Mum died " + "x" * 1_000_000 + " \\ud83d"
    text = SMALL.replace('"Mum died"', f'"{long_description}"')
    line = line_of(text, '"kind": "death"')
    message = _refused(tmp_path, capsys, text)
    assert message == (
        f"line {line}: events[0].description: the text contains a "
        "broken character code (a lone surrogate or a noncharacter)"
    )


def test_a_surrogate_pair_is_an_ordinary_character() -> None:
    case = load_case(SMALL.replace('"Mum died"', '"Mum died \\ud83d\\udc94"'))
    assert case.events[0].description == "Mum died 💔"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_in_year_1_or_9999_is_refused_before_any_date_arithmetic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str
) -> None:
    text = SMALL.replace('"assessed_on": "2025-03-10"', f'"assessed_on": "{day}"')
    with mock.patch.object(casefile, "suggest", side_effect=AssertionError("suggested")):
        message = _refused(tmp_path, capsys, text)
    assert message == f"line 3: assessed_on: '{day}' is outside the years 1900 to 2199"


def test_a_control_character_in_any_text_or_field_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL.replace('"label": "Sam"', '"label": "Sam\\u0000"')
    line = line_of(text, '"Sam\\u0000"')
    assert _refused(tmp_path, capsys, text) == (
        f"line {line}: relationships[1].label: the text contains a control "
        "character (an invisible code, such as a null byte)"
    )
    text = SMALL.replace('"importance": 5', '"importance\\u001b": 5')
    line = line_of(text, '"id": "mum"') - 1
    assert _refused(tmp_path, capsys, text) == (
        f"line {line}: relationships[0]: a field name contains a "
        "control character (an invisible code, such as a null byte)"
    )


def test_a_name_that_would_read_backwards_is_refused_as_on_the_inventory_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL.replace('"label": "Sam"', '"label": "\\u202eSam"')
    line = line_of(text, '"\\u202eSam"')
    assert _refused(tmp_path, capsys, text) == (
        f"line {line}: relationships[1].label: the text contains a hidden "
        "character that changes the direction of the text, which can make a name read backwards"
    )
    notes = SMALL.replace('"conflict": "open"', '"conflict": "open", "notes": "\\u202eok"')
    assert load_case(notes).relationships[1].notes == "\u202eok"


def test_text_is_read_in_nfc_as_the_application_stores_it() -> None:
    case = load_case(SMALL.replace('"label": "Sam"', '"label": "Zoe\\u0301"'))
    assert case.relationships[1].label == "Zoé"


def test_a_long_value_is_shortened_in_the_message() -> None:
    err = error_for(SMALL.replace('"parent"', f'"{"p" * 100_000}"'))
    assert "... (100,002 characters) is not one of:" in str(err)
    assert len(str(err)) < 400


# --- The documentation -----------------------------------------------------------------------

DOC = (Path(__file__).resolve().parents[3] / "docs" / "case-format.md").read_text(encoding="utf-8")


def test_the_format_document_describes_every_field() -> None:
    from iptclinic.ipt import casefile

    fields = [
        *casefile._CASE_REQUIRED,
        *casefile._CASE_OPTIONAL,
        *casefile._PERSON_REQUIRED,
        *casefile._PERSON_OPTIONAL,
        *casefile._EVENT_REQUIRED,
        *casefile._EVENT_OPTIONAL,
        *casefile._WINDOW_FIELDS.values(),
    ]
    missing = [name for name in fields if f"`{name}`" not in DOC]
    assert missing == []


def test_the_short_example_in_the_document_gives_what_the_document_says() -> None:
    block = DOC.split("## A short example\n\n```json\n", 1)[1].split("```", 1)[0]
    result = suggest(load_case(block))
    assert [a.status for a in result.areas] == [Status.SUGGESTED] + [Status.EXCLUDED] * 3
    assert result.areas[0].area is ProblemArea.ROLE_TRANSITION
    assert result.areas[0].confidence is not None and result.areas[0].confidence.value == "high"


# --- The facts added for sharper suggestions (issue 14) ---------------------------------------

RICHER = (
    SMALL.replace('"onset": "2024-11",', '"onset": "2024-11",\n  "onset_until": "2025-01",')
    .replace(
        '"type": "partner",',
        '"type": "partner",\n      "second_type": "colleague",\n      "contact_frequency": "fortnightly",',
    )
    .replace(
        '"people": ["mum"]}',
        '"people": ["mum"]},\n'
        '    {"id": "e2", "when": "2024-10", "kind": "joined_household", "description": "Dad moved in",'
        ' "symptoms_worsened": true},\n'
        '    {"id": "e3", "when": "2024-09", "kind": "caring_ended", "description": "Stopped caring"}',
    )
)


def test_the_new_facts_are_read_and_written_back() -> None:
    case = load_case(RICHER)
    assert case.onset_until == ApproxDate(date(2025, 1, 1), DatePrecision.MONTH)
    sam = case.person("sam")
    assert sam is not None and sam.second_type is RelationshipType.COLLEAGUE
    assert sam.contact_frequency is ContactFrequency.FORTNIGHTLY
    kinds = {e.event_id: (e.kind, e.symptoms_worsened) for e in case.events}
    assert kinds["e2"] == (EventKind.JOINED_HOUSEHOLD, True)
    assert kinds["e3"] == (EventKind.CARING_ENDED, False)
    assert load_case(case_to_json(case)) == case
    written = json.loads(case_to_json(case))
    assert written["onset_until"] == "2025-01"
    assert "symptoms_worsened" not in written["events"][2]


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            '"onset": "2024-11",',
            '"onset_until": "2024-12",',
            "onset_until",
            'the end of the onset period needs "onset", its start',
        ),
        (
            '"onset": "2024-11",',
            '"onset": "2024-11",\n  "onset_until": "2024-10",',
            "onset_until",
            "2024-10 is before the onset's start 2024-11",
        ),
        (
            '"onset": "2024-11",',
            '"onset": "2024-11",\n  "onset_until": "2025-04",',
            "onset_until",
            "2025-04 is after the assessment date 2025-03-10",
        ),
        (
            '"type": "partner",',
            '"type": "partner",\n      "second_type": "partner",',
            "relationships[1].second_type",
            'is the same as the first role, "type"',
        ),
        (
            '"type": "partner",',
            '"type": "partner",\n      "second_type": "boss",',
            "relationships[1].second_type",
            "'boss' is not one of: partner",
        ),
        (
            '"people": ["mum"]}',
            '"people": ["mum"], "symptoms_worsened": "yes"}',
            "events[0].symptoms_worsened",
            'expected true or false, got "yes"',
        ),
        (
            '"conflict": "open"',
            '"conflict": "open",\n      "contact_frequency": "biweekly"',
            "relationships[1].contact_frequency",
            "'biweekly' is not one of: daily, weekly, fortnightly, monthly",
        ),
    ],
    ids=[
        "an onset end without a start",
        "an onset that ends before it starts",
        "an onset end after the assessment",
        "a second role the same as the first",
        "an unknown second role",
        "a worsening that is not true or false",
        "an unknown contact frequency",
    ],
)
def test_the_new_facts_refuse_bad_values_naming_the_field(
    old: str, new: str, path: str, words: str
) -> None:
    err = error_for(SMALL.replace(old, new))
    assert err.path == path
    assert words in err.problem
