"""Scoring one questionnaire: totals, prorating, bands, caseness and the risk item.

Sources: measures-and-standards.md §1.1-1.3; decisions.md §14.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.instruments import GAD7, INSTRUMENTS, PHQ9, WSAS, Instrument
from iptclinic.ipt.scoring import NOT_APPLICABLE, Answer, RiskSignal, Score, score


def _phq9(*values: int | None) -> dict[int, Answer]:
    return dict(enumerate(values, start=1))


def _gad7(*values: int | None) -> dict[int, Answer]:
    return dict(enumerate(values, start=1))


def _wsas(*values: Answer) -> dict[int, Answer]:
    return dict(enumerate(values, start=1))


def _all(instrument: Instrument, value: int) -> dict[int, Answer]:
    return {item.number: value for item in instrument.scored_items}


# Columns: name, instrument, answers, allow_prorating (team setting), then the expected total,
# prorated, raw_sum, answered count and missing items.
Case = tuple[
    str, Instrument, Mapping[int, Answer], bool | None, int | None, bool, int, int, tuple[int, ...]
]
N = None
NA = NOT_APPLICABLE
# fmt: off
CASES: list[Case] = [
    ("PHQ-9 all zero", PHQ9, _all(PHQ9, 0), N, 0, False, 0, 9, ()),
    ("PHQ-9 all three", PHQ9, _all(PHQ9, 3), N, 27, False, 27, 9, ()),
    ("PHQ-9 total 9", PHQ9, _phq9(3, 3, 3, 0, 0, 0, 0, 0, 0), N, 9, False, 9, 9, ()),
    ("PHQ-9 total 10", PHQ9, _phq9(3, 3, 3, 1, 0, 0, 0, 0, 0), N, 10, False, 10, 9, ()),
    # 8 answered summing to 4: 4 x 9 / 8 = 4.5, so 5 half up (round() would give 4).
    ("PHQ-9 one missing, half up", PHQ9, _phq9(1, 1, 1, 1, 0, 0, 0, N, 0), N, 5, True, 4, 8, (8,)),
    # The measures doc's worked example: 7 answered summing to 13 give 16.71, so 17.
    ("PHQ-9 two missing, 13 gives 17", PHQ9, _phq9(3, 2, 2, 2, 2, 1, 1, N, N), N,
     17, True, 13, 7, (8, 9)),
    ("PHQ-9 three missing", PHQ9, _phq9(3, 2, 2, 2, 2, 1, N, N, N), N,
     N, False, 12, 6, (7, 8, 9)),
    ("PHQ-9 absent items are missing", PHQ9, _phq9(1, 1, 1, 1, 1, 1, 1, 1), N,
     9, True, 8, 8, (9,)),
    ("PHQ-9 prorating switched off", PHQ9, _phq9(1, 1, 1, 1, 1, 1, 1, 1, N), False,
     N, False, 8, 8, (9,)),
    ("GAD-7 total 7", GAD7, _gad7(3, 3, 1, 0, 0, 0, 0), N, 7, False, 7, 7, ()),
    ("GAD-7 total 8", GAD7, _gad7(3, 3, 2, 0, 0, 0, 0), N, 8, False, 8, 7, ()),
    ("GAD-7 one missing, team prorating off", GAD7, _gad7(3, 2, 2, 2, 2, 1), N,
     N, False, 12, 6, (7,)),
    # With the team setting on: 12 x 7 / 6 = 14.
    ("GAD-7 one missing, team prorating on", GAD7, _gad7(3, 2, 2, 2, 2, 1), True,
     14, True, 12, 6, (7,)),
    ("GAD-7 two missing, team prorating on", GAD7, _gad7(3, 2, 2, 2, 2), True,
     N, False, 11, 5, (6, 7)),
    ("WSAS complete", WSAS, _wsas(8, 6, 4, 2, 0), N, 20, False, 20, 5, ()),
    # Work not applicable: 4 answered summing to 2 give 2 x 5 / 4 = 2.5, so 3 half up.
    ("WSAS work not applicable, half up", WSAS, _wsas(NA, 2, 0, 0, 0), N, 3, True, 2, 4, ()),
    ("WSAS one item missing", WSAS, _wsas(4, 4, 4, 4, N), N, 20, True, 16, 4, (5,)),
    ("WSAS work not applicable and one missing", WSAS, _wsas(NA, 4, 4, 4), N,
     N, False, 12, 3, (5,)),
    ("WSAS two missing", WSAS, _wsas(4, 4, 4), N, N, False, 12, 3, (4, 5)),
]
# fmt: on


@pytest.mark.parametrize(
    ("instrument", "answers", "allow", "total", "prorated", "raw_sum", "answered", "missing"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_totals_and_prorates_by_the_missing_item_rules(
    instrument: Instrument,
    answers: Mapping[int, Answer],
    allow: bool | None,
    total: int | None,
    prorated: bool,
    raw_sum: int,
    answered: int,
    missing: tuple[int, ...],
) -> None:
    result = score(instrument, answers, allow_prorating=allow)
    assert result.total == total
    assert result.prorated is prorated
    assert result.raw_sum == raw_sum
    assert result.answered == answered
    assert result.missing == missing
    assert (result.no_total_reason is None) == (total is not None)


@pytest.mark.parametrize(
    ("instrument", "answers", "band", "case"),
    [
        (PHQ9, _phq9(3, 3, 3, 0, 0, 0, 0, 0, 0), "Mild", False),
        (PHQ9, _phq9(3, 3, 3, 1, 0, 0, 0, 0, 0), "Moderate", True),
        (GAD7, {1: 3, 2: 3, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0}, "Mild", False),
        (GAD7, {1: 3, 2: 3, 3: 2, 4: 0, 5: 0, 6: 0, 7: 0}, "Mild", True),
        (
            WSAS,
            {1: 2, 2: 2, 3: 2, 4: 2, 5: 2},
            "Significant functional impairment, less severe symptoms",
            None,
        ),
    ],
)
def test_it_gives_the_band_and_caseness_of_the_total(
    instrument: Instrument, answers: Mapping[int, Answer], band: str, case: bool | None
) -> None:
    result = score(instrument, answers)
    assert result.band is not None and result.band.label == band
    assert result.at_caseness is case


def test_a_prorated_total_is_banded_and_checked_for_caseness_like_any_other() -> None:
    result = score(PHQ9, _phq9(3, 2, 2, 2, 2, 1, 1, None, 0))
    assert result.total == 15  # 13 x 9 / 8 = 14.625 -> 15
    assert result.band is not None and result.band.label == "Moderately severe"
    assert result.at_caseness is True


def test_without_a_total_there_is_no_band_and_no_caseness() -> None:
    result = score(PHQ9, {1: 3, 2: 3})
    assert result.total is None
    assert result.band is None
    assert result.at_caseness is None


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        (_phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), None),
        (_phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), RiskSignal.POSITIVE),
        (_phq9(0, 0, 0, 0, 0, 0, 0, 0, 3), RiskSignal.POSITIVE),
        (_phq9(0, 0, 0, 0, 0, 0, 0, 0, None), RiskSignal.UNANSWERED),
        ({1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0}, RiskSignal.UNANSWERED),
        # Never prorated away: a positive item 9 counts even when there is no total.
        ({9: 2}, RiskSignal.POSITIVE),
        ({}, RiskSignal.UNANSWERED),
    ],
)
def test_it_raises_a_risk_signal_from_phq9_item_9(
    answers: Mapping[int, Answer], risk: RiskSignal | None
) -> None:
    assert score(PHQ9, answers).risk is risk


def test_an_unanswered_item_9_is_flagged_even_though_the_total_is_prorated() -> None:
    result = score(PHQ9, _phq9(1, 1, 1, 1, 1, 1, 1, 1, None))
    assert result.total == 9
    assert result.prorated
    assert result.risk is RiskSignal.UNANSWERED


@pytest.mark.parametrize("instrument", [GAD7, WSAS])
def test_instruments_without_a_risk_item_never_signal_risk(instrument: Instrument) -> None:
    assert score(instrument, {}).risk is None
    assert score(instrument, _all(instrument, 3)).risk is None


def test_the_difficulty_answer_is_kept_out_of_the_total_and_out_of_missing() -> None:
    answered = score(PHQ9, {**_all(PHQ9, 1), 10: 3})
    skipped = score(PHQ9, _all(PHQ9, 1))
    assert answered.total == skipped.total == 9
    assert answered.missing == skipped.missing == ()
    assert score(GAD7, {**_all(GAD7, 2), 8: 3}).total == 14


def test_wsas_records_which_items_were_not_applicable() -> None:
    result = score(WSAS, {1: NOT_APPLICABLE, 2: 1, 3: 1, 4: 1, 5: 1})
    assert result.not_applicable == (1,)
    assert result.missing == ()
    assert result.total == 5


@pytest.mark.parametrize(
    ("instrument", "answers", "allow", "words"),
    [
        (
            PHQ9,
            _phq9(1, 1, 1, 1, 1, 1, None, None, None),
            None,
            "Items 7, 8 and 9 are unanswered. A PHQ-9 total can be worked out with at most 2 items "
            "unanswered, so there is no total.",
        ),
        (
            GAD7,
            {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1},
            None,
            "Item 7 is unanswered. There is no checked rule for missing GAD-7 answers, so there is "
            "no total unless the team switches prorating on.",
        ),
        (
            WSAS,
            {1: NOT_APPLICABLE, 2: 1, 3: 1, 4: 1},
            None,
            "Item 5 is unanswered and item 1 answered 'not applicable'. A WSAS total can be worked "
            "out with at most 1 item unanswered or 'not applicable', so there is no total.",
        ),
        (
            PHQ9,
            _phq9(1, 1, 1, 1, 1, 1, 1, 1, None),
            False,
            "Item 9 is unanswered. Prorating is switched off, so PHQ-9 has no total.",
        ),
    ],
)
def test_it_says_in_plain_english_why_there_is_no_total(
    instrument: Instrument, answers: Mapping[int, Answer], allow: bool | None, words: str
) -> None:
    assert score(instrument, answers, allow_prorating=allow).no_total_reason == words


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        (PHQ9, {11: 0}, r"PHQ-9 has no item 11 \(items are numbered 1 to 10\)"),
        (PHQ9, {0: 0}, r"PHQ-9 has no item 0"),
        (PHQ9, {3: 4}, r"PHQ-9 item 3: 4 is not an allowed answer \(allowed: 0 to 3\)"),
        (PHQ9, {3: -1}, r"PHQ-9 item 3: -1 is not an allowed answer \(allowed: 0 to 3\)"),
        (PHQ9, {10: 4}, r"PHQ-9 item 10: 4 is not an allowed answer \(allowed: 0 to 3\)"),
        (PHQ9, {1: True}, r"PHQ-9 item 1: True is not an allowed answer"),
        (PHQ9, {1: "2"}, r"PHQ-9 item 1: '2' is not an allowed answer"),
        (WSAS, {2: 9}, r"WSAS item 2: 9 is not an allowed answer \(allowed: 0 to 8\)"),
        (WSAS, {2: NOT_APPLICABLE}, r"WSAS item 2 cannot be answered 'not applicable'"),
        (PHQ9, {9: NOT_APPLICABLE}, r"PHQ-9 item 9 cannot be answered 'not applicable'"),
    ],
)
def test_it_rejects_unknown_items_and_out_of_range_answers(
    instrument: Instrument, answers: Mapping[int, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        score(instrument, answers)  # type: ignore[arg-type]


# Properties over every instrument and any pattern of answers, gaps and team settings.


@st.composite
def _scored_questionnaires(draw: st.DrawFn) -> tuple[Instrument, dict[int, Answer], bool | None]:
    instrument = draw(st.sampled_from(list(INSTRUMENTS.values())))
    answers: dict[int, Answer] = {}
    for item in instrument.items:
        choices: list[st.SearchStrategy[Answer | str]] = [
            st.sampled_from(sorted(item.values)),
            st.none(),
            st.just("absent"),
        ]
        if item.not_applicable_allowed:
            choices.append(st.just(NOT_APPLICABLE))
        answer = draw(st.one_of(*choices))
        if answer != "absent":
            assert not isinstance(answer, str)
            answers[item.number] = answer
    return instrument, answers, draw(st.sampled_from([None, True, False]))


@settings(deadline=None)
@given(_scored_questionnaires())
def test_totals_always_lie_within_the_instruments_range(
    case: tuple[Instrument, dict[int, Answer], bool | None],
) -> None:
    instrument, answers, allow = case
    result = score(instrument, answers, allow_prorating=allow)
    assert 0 <= result.raw_sum <= instrument.max_total
    if result.total is not None:
        assert 0 <= result.total <= instrument.max_total
        assert result.band is not None and result.band.contains(result.total)


@settings(deadline=None)
@given(_scored_questionnaires())
def test_a_total_is_the_plain_sum_unless_prorated_and_prorating_never_exceeds_the_maximum(
    case: tuple[Instrument, dict[int, Answer], bool | None],
) -> None:
    instrument, answers, allow = case
    result: Score = score(instrument, answers, allow_prorating=allow)
    gaps = len(result.missing) + len(result.not_applicable)
    assert result.answered + gaps == len(instrument.scored_items)
    if result.total is None:
        assert result.no_total_reason
        assert not result.prorated
    elif result.prorated:
        assert 0 < gaps <= instrument.max_missing_for_prorating
        assert result.raw_sum <= result.total <= instrument.max_total
    else:
        assert gaps == 0
        assert result.total == result.raw_sum


@settings(deadline=None)
@given(_scored_questionnaires())
def test_a_risk_answer_above_0_always_gives_a_positive_signal(
    case: tuple[Instrument, dict[int, Answer], bool | None],
) -> None:
    instrument, answers, allow = case
    result = score(instrument, answers, allow_prorating=allow)
    if instrument.risk_item is None:
        assert result.risk is None
        return
    answer = answers.get(instrument.risk_item)
    if answer is None:
        assert result.risk is RiskSignal.UNANSWERED
    elif isinstance(answer, int) and answer > 0:
        assert result.risk is RiskSignal.POSITIVE
    else:
        assert result.risk is None
