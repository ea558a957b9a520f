"""The questionnaires as data: wording, codes, bands and thresholds (measures doc §1, §2, §4.1)."""

from __future__ import annotations

import dataclasses

import pytest

from iptclinic.ipt.instruments import (
    GAD7,
    INSTRUMENTS,
    PHQ9,
    WSAS,
    AnswerOption,
    Band,
    Instrument,
    Item,
    instrument,
)
from iptclinic.ipt.scoring import score


def test_it_holds_exactly_phq9_gad7_and_wsas() -> None:
    assert set(INSTRUMENTS) == {"phq9", "gad7", "wsas"}
    assert instrument("phq9") is PHQ9
    assert instrument("gad7") is GAD7
    assert instrument("wsas") is WSAS


def test_it_names_the_known_codes_for_an_unknown_questionnaire() -> None:
    with pytest.raises(ValueError, match=r"Unknown questionnaire 'phq15'; known codes: gad7"):
        instrument("phq15")


def test_the_registry_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        INSTRUMENTS["extra"] = PHQ9  # type: ignore[index]


def test_instruments_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PHQ9.caseness_threshold = 9  # type: ignore[misc]


PHQ9_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite \u2014 "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
DIFFICULTY_TEXT = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
GAD7_TEXTS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)


def test_phq9_has_the_standard_stem_nine_items_and_the_difficulty_question() -> None:
    assert PHQ9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert tuple(item.text for item in PHQ9.items) == (*PHQ9_TEXTS, DIFFICULTY_TEXT)
    assert [item.scored for item in PHQ9.items] == [True] * 9 + [False]


def test_gad7_has_the_standard_stem_seven_items_and_the_difficulty_question() -> None:
    assert PHQ9.stem != GAD7.stem
    assert GAD7.stem == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )
    assert tuple(item.text for item in GAD7.items) == (*GAD7_TEXTS, DIFFICULTY_TEXT)
    assert [item.scored for item in GAD7.items] == [True] * 7 + [False]


def test_phq9_and_gad7_items_share_the_loinc_frequency_answers() -> None:
    expected = (
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    )
    for item in (*PHQ9.scored_items, *GAD7.scored_items):
        assert tuple((o.value, o.text, o.loinc) for o in item.options) == expected


def test_the_difficulty_question_has_its_own_loinc_answers_and_is_never_scored() -> None:
    expected = (
        (0, "Not difficult at all", "LA6572-7"),
        (1, "Somewhat difficult", "LA6573-5"),
        (2, "Very difficult", "LA6575-0"),
        (3, "Extremely difficult", "LA6574-3"),
    )
    for difficulty in (PHQ9.item(10), GAD7.item(8)):
        assert difficulty.loinc == "69722-7"
        assert not difficulty.scored
        assert tuple((o.value, o.text, o.loinc) for o in difficulty.options) == expected


@pytest.mark.parametrize(
    ("questionnaire", "panel", "total", "items"),
    [
        (
            PHQ9,
            "44249-1",
            "44261-6",
            (
                "44250-9",
                "44255-8",
                "44259-0",
                "44254-1",
                "44251-7",
                "44258-2",
                "44252-5",
                "44253-3",
                "44260-8",
                "69722-7",
            ),
        ),
        (
            GAD7,
            "69737-5",
            "70274-6",
            (
                "69725-0",
                "68509-9",
                "69733-4",
                "69734-2",
                "69735-9",
                "69689-8",
                "69736-7",
                "69722-7",
            ),
        ),
        (WSAS, None, None, (None, None, None, None, None)),
    ],
)
def test_it_carries_the_loinc_codes_of_the_measures_doc(
    questionnaire: Instrument, panel: str | None, total: str | None, items: tuple[str | None, ...]
) -> None:
    assert questionnaire.loinc_panel == panel
    assert questionnaire.loinc_total == total
    assert tuple(item.loinc for item in questionnaire.items) == items


def test_wsas_has_the_standard_stem_five_items_and_the_not_applicable_work_item() -> None:
    assert WSAS.stem.startswith("People's problems sometimes affect their ability to do certain")
    texts = [item.text for item in WSAS.items]
    assert texts[0].startswith("Because of my [problem] my ability to work is impaired.")
    assert "to the point I can't work" in texts[0]
    assert texts[1].startswith("Because of my [problem] my home management (cleaning")
    assert texts[2].startswith("Because of my [problem] my social leisure activities")
    assert texts[3].startswith("Because of my [problem], my private leisure activities")
    assert texts[4].startswith("Because of my [problem], my ability to form and maintain close")
    assert [item.not_applicable_allowed for item in WSAS.items] == [True] + [False] * 4
    assert WSAS.item(1).not_applicable_text == (
        "If you're retired or choose not to have a job for reasons unrelated to your problem, "
        "tick here"
    )


def test_wsas_items_run_from_0_to_8_with_the_five_anchors() -> None:
    for item in WSAS.items:
        assert [o.value for o in item.options] == list(range(9))
        anchors = {o.value: o.text for o in item.options if o.text}
        assert anchors == {
            0: "Not at all",
            2: "Slightly",
            4: "Definitely",
            6: "Markedly",
            8: "Very severely",
        }


@pytest.mark.parametrize(
    ("questionnaire", "bands"),
    [
        (
            PHQ9,
            [
                (0, 4, "None or minimal"),
                (5, 9, "Mild"),
                (10, 14, "Moderate"),
                (15, 19, "Moderately severe"),
                (20, 27, "Severe"),
            ],
        ),
        (GAD7, [(0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate"), (15, 21, "Severe")]),
        (
            WSAS,
            [
                (0, 9, "Subclinical"),
                (10, 20, "Significant functional impairment, less severe symptoms"),
                (21, 40, "Moderately severe or worse psychopathology"),
            ],
        ),
    ],
)
def test_it_has_the_published_severity_bands(
    questionnaire: Instrument, bands: list[tuple[int, int, str]]
) -> None:
    assert [(b.low, b.high, b.label) for b in questionnaire.bands] == bands


@pytest.mark.parametrize(
    ("questionnaire", "max_total", "caseness", "reliable", "missing", "verified", "risk"),
    [
        (PHQ9, 27, 10, 6, 2, True, 9),
        (GAD7, 21, 8, 4, 1, False, None),
        (WSAS, 40, None, None, 1, True, None),
    ],
)
def test_it_has_the_nhs_thresholds_and_missing_item_rules(
    questionnaire: Instrument,
    max_total: int,
    caseness: int | None,
    reliable: int | None,
    missing: int,
    verified: bool,
    risk: int | None,
) -> None:
    assert questionnaire.max_total == max_total
    assert questionnaire.caseness_threshold == caseness
    assert questionnaire.reliable_change == reliable
    assert questionnaire.max_missing_for_prorating == missing
    assert questionnaire.prorating_verified is verified
    assert questionnaire.risk_item == risk


@pytest.mark.parametrize(
    ("questionnaire", "total", "band", "case"),
    [
        (PHQ9, 9, "Mild", False),
        (PHQ9, 10, "Moderate", True),
        (PHQ9, 27, "Severe", True),
        (GAD7, 7, "Mild", False),
        (GAD7, 8, "Mild", True),
        (GAD7, 10, "Moderate", True),
        (WSAS, 9, "Subclinical", None),
        (WSAS, 10, "Significant functional impairment, less severe symptoms", None),
        (WSAS, 20, "Significant functional impairment, less severe symptoms", None),
        (WSAS, 21, "Moderately severe or worse psychopathology", None),
    ],
)
def test_it_places_boundary_totals_in_the_right_band_and_caseness(
    questionnaire: Instrument, total: int, band: str, case: bool | None
) -> None:
    assert questionnaire.band_for(total).label == band
    assert questionnaire.is_case(total) is case


@pytest.mark.parametrize("total", [-1, 28, True, "9"])
def test_it_rejects_a_phq9_total_outside_0_to_27(total: object) -> None:
    with pytest.raises(ValueError, match="PHQ-9 total"):
        PHQ9.check_total(total)  # type: ignore[arg-type]


def test_it_names_the_item_range_for_an_unknown_item_number() -> None:
    with pytest.raises(ValueError, match=r"GAD-7 has no item 9 \(items are numbered 1 to 8\)"):
        GAD7.item(9)


def test_every_item_has_its_own_link_id() -> None:
    for questionnaire in INSTRUMENTS.values():
        ids = [item.link_id for item in questionnaire.items]
        assert len(set(ids)) == len(ids)
        assert all(link.startswith(questionnaire.code + "-") for link in ids)


def test_every_instrument_carries_a_copyright_note() -> None:
    assert "Pfizer" in PHQ9.copyright_note
    assert "Pfizer" in GAD7.copyright_note
    assert "Marks" in WSAS.copyright_note


# A new questionnaire is new data: the PHQ-2 (the first two PHQ-9 items, total 0-6) built here
# scores through the same code as the shipped three, with no code change.
_PHQ2 = Instrument(
    code="phq2",
    name="Patient Health Questionnaire (PHQ-2)",
    short_name="PHQ-2",
    stem=PHQ9.stem,
    items=PHQ9.items[:2],
    max_total=6,
    bands=(Band(0, 2, "Negative screen"), Band(3, 6, "Positive screen")),
    caseness_threshold=3,
    reliable_change=None,
    max_missing_for_prorating=0,
    prorating_verified=True,
    risk_item=None,
    loinc_panel=None,
    loinc_total=None,
    copyright_note=PHQ9.copyright_note,
)


def test_a_new_questionnaire_defined_as_data_scores_without_new_code() -> None:
    result = score(_PHQ2, {1: 2, 2: 1})
    assert result.total == 3
    assert result.at_caseness is True
    assert result.band is not None and result.band.label == "Positive screen"
    assert score(_PHQ2, {1: 2}).total is None


def _phq2(**changes: object) -> Instrument:
    return dataclasses.replace(_PHQ2, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_total": 7}, "max_total must equal"),
        ({"bands": (Band(0, 2, "a"), Band(4, 6, "b"))}, "bands must cover"),
        ({"bands": (Band(0, 3, "a"), Band(3, 6, "b"))}, "bands must cover"),
        ({"items": (PHQ9.items[1], PHQ9.items[0])}, "numbered 1, 2, 3"),
        ({"caseness_threshold": 7}, "caseness threshold"),
        ({"reliable_change": 0}, "reliable-change value"),
        ({"max_missing_for_prorating": 2}, "at least one item"),
        ({"risk_item": 3}, "risk item"),
    ],
)
def test_it_refuses_inconsistent_instrument_data(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _phq2(**changes)


def test_it_refuses_prorating_across_items_with_different_ranges() -> None:
    wide = Item(2, "x-2", "Wide", None, tuple(AnswerOption(v, str(v), None) for v in range(5)))
    with pytest.raises(ValueError, match="share one answer range"):
        _phq2(
            items=(PHQ9.items[0], wide),
            max_total=7,
            bands=(Band(0, 7, "Any"),),
            max_missing_for_prorating=1,
        )


def test_it_refuses_an_item_with_duplicate_answer_values() -> None:
    with pytest.raises(ValueError, match="same value"):
        Item(1, "x-1", "Q", None, (AnswerOption(0, "a", None), AnswerOption(0, "b", None)))


def test_it_refuses_not_applicable_without_its_wording() -> None:
    with pytest.raises(ValueError, match="not_applicable_text"):
        Item(1, "x-1", "Q", None, (AnswerOption(0, "a", None),), not_applicable_allowed=True)
