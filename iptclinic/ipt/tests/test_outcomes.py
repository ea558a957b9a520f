"""NHS Talking Therapies outcomes: the worked examples P1-P15, boundaries and invariants.

Sources: measures-and-standards.md §2 and §2.1 (worked examples); decisions.md §15-16.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.instruments import GAD7, PHQ9, WSAS
from iptclinic.ipt.outcomes import (
    Change,
    OutcomeCounts,
    Rate,
    ReferralOutcome,
    ScorePair,
    Status,
    aggregate,
    classify,
    classify_measures,
    count,
    first_and_last,
    rates_of,
)

RI = Change.RELIABLE_IMPROVEMENT
RD = Change.RELIABLE_DETERIORATION
NRC = Change.NO_RELIABLE_CHANGE
Y, N, NA = True, False, None

# measures-and-standards.md §2.1, column for column:
# id, PHQ first, PHQ last, GAD first, GAD last, treatment appointments, ended,
# finished, at caseness at start, recovered, change class, reliable recovery.
WorkedExample = tuple[
    str, int, int, int, int, int, bool, bool, bool | None, bool | None, Change | None, bool | None
]
# fmt: off
WORKED_EXAMPLES: list[WorkedExample] = [
    ("P1", 18, 7, 14, 6, 6, Y, Y, Y, Y, RI, Y),
    ("P2", 12, 9, 9, 7, 5, Y, Y, Y, Y, NRC, N),
    ("P3", 22, 15, 17, 10, 10, Y, Y, Y, N, RI, N),
    ("P4", 8, 5, 6, 4, 4, Y, Y, N, NA, NRC, NA),
    ("P5", 10, 9, 7, 7, 3, Y, Y, Y, Y, NRC, N),
    ("P6", 9, 3, 8, 2, 6, Y, Y, Y, Y, RI, Y),
    ("P7", 15, 21, 12, 16, 5, Y, Y, Y, N, RD, N),
    ("P8", 16, 9, 10, 15, 8, Y, Y, Y, N, NRC, N),
    ("P9", 14, 9, 9, 8, 7, Y, Y, Y, N, NRC, N),
    ("P10", 20, 4, 18, 3, 1, Y, N, NA, NA, None, NA),
    ("P11", 11, 11, 15, 11, 6, Y, Y, Y, N, RI, N),
    ("P12", 13, 8, 5, 9, 4, Y, Y, Y, N, RD, N),
    ("P13", 6, 12, 4, 6, 3, Y, Y, N, NA, RD, NA),
    ("P14", 11, 6, 12, 5, 6, Y, Y, Y, Y, RI, Y),
    ("P15", 19, 8, 15, 6, 4, N, N, NA, NA, None, NA),
]
# fmt: on


def _classify_example(example: WorkedExample) -> ReferralOutcome:
    _, phq_first, phq_last, gad_first, gad_last, sessions, ended, *_ = example
    return classify(
        phq9=ScorePair(phq_first, phq_last),
        gad7=ScorePair(gad_first, gad_last),
        attended_treatment_sessions=sessions,
        ended=ended,
    )


@pytest.mark.parametrize("example", WORKED_EXAMPLES, ids=[row[0] for row in WORKED_EXAMPLES])
def test_it_classifies_every_worked_example_of_the_measures_doc(example: WorkedExample) -> None:
    *_, finished, case, recovered, change, reliable_recovery = example
    outcome = _classify_example(example)
    assert outcome.finished is finished
    assert outcome.paired is True
    assert outcome.at_caseness_at_start is case
    assert outcome.recovered is recovered
    assert outcome.change is change
    assert outcome.reliable_recovery is reliable_recovery
    assert outcome.reasons


def test_the_worked_examples_give_the_published_aggregate() -> None:
    rates = aggregate(_classify_example(example) for example in WORKED_EXAMPLES)
    assert rates.referrals == 15
    assert rates.not_finished == 2
    assert rates.finished == 13
    assert rates.finished_no_paired_scores == 0
    assert rates.finished_paired == 13
    assert rates.not_at_caseness == 2
    assert rates.no_reliable_change == 5
    assert (rates.recovery.numerator, rates.recovery.denominator) == (5, 11)
    assert rates.recovery.percent == Decimal("45.5")
    assert (rates.reliable_improvement.numerator, rates.reliable_improvement.denominator) == (5, 13)
    assert rates.reliable_improvement.percent == Decimal("38.5")
    assert rates.reliable_deterioration.numerator == 3
    assert rates.reliable_deterioration.denominator == 13
    assert rates.reliable_deterioration.percent == Decimal("23.1")
    assert (rates.reliable_recovery.numerator, rates.reliable_recovery.denominator) == (3, 11)
    assert rates.reliable_recovery.percent == Decimal("27.3")


def test_each_rate_carries_its_label_and_formula() -> None:
    rates = aggregate(_classify_example(example) for example in WORKED_EXAMPLES)
    assert str(rates.recovery) == "Recovery rate: 5/11 = 45.5%"
    assert rates.recovery.formula == (
        "recovered / (finished with paired scores - not at caseness at start)"
    )
    assert rates.reliable_improvement.formula == (
        "reliable improvement / finished with paired scores"
    )
    assert rates.reliable_deterioration.formula == (
        "reliable deterioration / finished with paired scores"
    )
    assert rates.recovery.caveat == rates.reliable_improvement.caveat == ""
    assert "do not confirm" in rates.reliable_deterioration.caveat
    assert "secondary sources" in rates.reliable_recovery.caveat
    assert [rate.label for rate in rates.rates] == [
        "Recovery rate",
        "Reliable improvement rate",
        "Reliable deterioration rate",
        "Reliable recovery rate",
    ]


def _outcome(
    phq: tuple[int | None, int | None],
    gad: tuple[int | None, int | None],
    sessions: int = 6,
    ended: bool = True,
) -> ReferralOutcome:
    return classify(
        phq9=ScorePair(*phq),
        gad7=ScorePair(*gad),
        attended_treatment_sessions=sessions,
        ended=ended,
    )


@pytest.mark.parametrize(
    ("phq", "gad", "case"),
    [
        ((9, 9), (7, 7), False),
        ((10, 10), (7, 7), True),
        ((9, 9), (8, 8), True),
        ((0, 0), (0, 0), False),
    ],
)
def test_caseness_at_start_is_phq9_10_or_gad7_8_and_above(
    phq: tuple[int, int], gad: tuple[int, int], case: bool
) -> None:
    assert _outcome(phq, gad).at_caseness_at_start is case


@pytest.mark.parametrize(
    ("phq", "gad", "recovered"),
    [
        ((12, 9), (9, 7), True),
        ((12, 10), (9, 7), False),
        ((12, 9), (9, 8), False),
    ],
)
def test_recovery_needs_phq9_at_most_9_and_gad7_at_most_7_at_the_end(
    phq: tuple[int, int], gad: tuple[int, int], recovered: bool
) -> None:
    assert _outcome(phq, gad).recovered is recovered


@pytest.mark.parametrize(
    ("phq", "gad", "change"),
    [
        ((15, 10), (10, 10), NRC),  # PHQ-9 down 5: not reliable
        ((15, 9), (10, 10), RI),  # PHQ-9 down 6: reliable
        ((10, 15), (10, 10), NRC),  # PHQ-9 up 5
        ((10, 16), (10, 10), RD),  # PHQ-9 up 6
        ((12, 12), (10, 7), NRC),  # GAD-7 down 3
        ((12, 12), (10, 6), RI),  # GAD-7 down 4
        ((12, 12), (10, 13), NRC),  # GAD-7 up 3
        ((12, 12), (10, 14), RD),  # GAD-7 up 4
        ((16, 10), (10, 14), NRC),  # conflict: PHQ-9 better, GAD-7 worse
        ((10, 16), (14, 10), NRC),  # conflict the other way round
        ((16, 10), (10, 7), RI),  # PHQ-9 reliable, GAD-7 better but not reliably
    ],
)
def test_reliable_change_starts_at_exactly_6_on_phq9_and_4_on_gad7(
    phq: tuple[int, int], gad: tuple[int, int], change: Change
) -> None:
    assert _outcome(phq, gad).change is change


@pytest.mark.parametrize(
    ("sessions", "ended", "finished"),
    [(0, True, False), (1, True, False), (2, True, True), (10, False, False), (2, False, False)],
)
def test_a_finished_course_has_ended_with_at_least_two_attended_sessions(
    sessions: int, ended: bool, finished: bool
) -> None:
    outcome = _outcome((18, 7), (14, 6), sessions, ended)
    assert outcome.finished is finished
    if not finished:
        assert outcome.status is Status.NOT_FINISHED
        assert outcome.at_caseness_at_start is None
        assert outcome.recovered is None
        assert outcome.change is None
        assert outcome.reliable_recovery is None


def test_it_explains_why_a_referral_is_not_finished() -> None:
    assert _outcome((18, 7), (14, 6), 1).reasons == (
        "1 attended treatment session; a finished course needs at least 2. "
        "Left out of every outcome.",
    )
    assert _outcome((18, 7), (14, 6), 6, ended=False).reasons == (
        "The referral has not ended. Left out of every outcome.",
    )


@pytest.mark.parametrize(
    ("phq", "gad", "reason"),
    [
        ((18, 7), (14, None), "GAD-7 has no last score. Counted, but left out of the rates."),
        (
            (None, None),
            (14, 6),
            "PHQ-9 has no first or last score. Counted, but left out of the rates.",
        ),
        (
            (None, 7),
            (None, 6),
            "PHQ-9 has no first score; GAD-7 has no first score. Counted, but left out of the "
            "rates.",
        ),
    ],
)
def test_a_finished_referral_without_paired_scores_is_counted_but_not_classified(
    phq: tuple[int | None, int | None], gad: tuple[int | None, int | None], reason: str
) -> None:
    outcome = _outcome(phq, gad)
    assert outcome.finished is True
    assert outcome.paired is False
    assert outcome.status is Status.FINISHED_NO_PAIRED_SCORES
    assert outcome.summary == "finished, no paired scores"
    assert (outcome.at_caseness_at_start, outcome.recovered, outcome.change) == (None, None, None)
    assert outcome.reasons == (reason,)


def test_unpaired_and_unfinished_referrals_stay_out_of_every_rate() -> None:
    outcomes = [
        _outcome((18, 7), (14, 6)),  # recovered, reliable improvement
        _outcome((18, 7), (14, None)),  # finished, no paired scores
        _outcome((18, 7), (14, 6), sessions=1),  # not finished
    ]
    rates = aggregate(outcomes)
    assert (rates.referrals, rates.not_finished, rates.finished) == (3, 1, 2)
    assert (rates.finished_no_paired_scores, rates.finished_paired) == (1, 1)
    for rate in rates.rates[:2]:
        assert (rate.numerator, rate.denominator) == (1, 1)


def test_it_gives_the_reasons_for_each_step_in_plain_english() -> None:
    assert _outcome((16, 9), (10, 15)).reasons == (
        "At caseness at start: PHQ-9 16 is a case (10 or more); GAD-7 10 is a case (8 or more).",
        "PHQ-9 went from 16 to 9, down 7: a reliable improvement (6 or more).",
        "GAD-7 went from 10 to 15, up 5: a reliable deterioration (4 or more).",
        "No reliable change: PHQ-9 improved reliably but GAD-7 got reliably worse.",
        "Not recovered: at the end GAD-7 15 is still a case (8 or more).",
    )
    assert _outcome((8, 5), (6, 6)).reasons == (
        "Not at caseness at start: PHQ-9 8 is below 10; GAD-7 6 is below 8. Left out of the "
        "recovery and reliable recovery rates.",
        "PHQ-9 went from 8 to 5, down 3: not a reliable change (that needs 6).",
        "GAD-7 stayed at 6: not a reliable change (that needs 4).",
        "No reliable change: no measure changed reliably.",
    )


@pytest.mark.parametrize(
    ("phq", "gad", "sessions", "summary"),
    [
        ((18, 7), (14, 6), 6, "recovered, reliable improvement, reliable recovery"),
        ((12, 9), (9, 7), 6, "recovered, no reliable change"),
        ((15, 21), (12, 16), 6, "not recovered, reliable deterioration"),
        ((8, 5), (6, 4), 6, "not at caseness at start, no reliable change"),
        ((18, 7), (14, 6), 1, "not finished"),
    ],
)
def test_it_sums_up_an_outcome_in_a_few_words(
    phq: tuple[int, int], gad: tuple[int, int], sessions: int, summary: str
) -> None:
    assert _outcome(phq, gad, sessions).summary == summary


@pytest.mark.parametrize(
    ("phq", "gad", "sessions", "message"),
    [
        ((28, 7), (14, 6), 6, "PHQ-9 total must be from 0 to 27; 28 is not"),
        ((18, -1), (14, 6), 6, "PHQ-9 total must be from 0 to 27; -1 is not"),
        ((18, 7), (22, 6), 6, "GAD-7 total must be from 0 to 21; 22 is not"),
        ((18, 7), (14, 6), -1, "cannot be negative"),
    ],
)
def test_it_rejects_impossible_scores_and_session_counts(
    phq: tuple[int, int], gad: tuple[int, int], sessions: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _outcome(phq, gad, sessions)


def test_it_rejects_a_session_count_that_is_not_a_whole_number() -> None:
    with pytest.raises(ValueError, match="whole number"):
        _outcome((18, 7), (14, 6), True)


def test_a_measure_without_thresholds_cannot_be_an_outcome_measure() -> None:
    with pytest.raises(ValueError, match="WSAS has no caseness threshold"):
        classify_measures(
            ((PHQ9, ScorePair(18, 7)), (WSAS, ScorePair(20, 10))),
            attended_treatment_sessions=6,
            ended=True,
        )


def test_any_set_of_measures_is_classified_from_their_own_thresholds() -> None:
    outcome = classify_measures(
        ((GAD7, ScorePair(8, 4)),), attended_treatment_sessions=3, ended=True
    )
    assert (outcome.at_caseness_at_start, outcome.recovered, outcome.change) == (True, True, RI)


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent"),
    [
        (1, 16, Decimal("6.3")),  # 6.25 rounds half up, not to even
        (1, 6, Decimal("16.7")),
        (0, 5, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (0, 0, None),
    ],
)
def test_a_rate_has_one_decimal_place_rounded_half_up(
    numerator: int, denominator: int, percent: Decimal | None
) -> None:
    rate = Rate.of(numerator, denominator, label="Rate", formula="a / b")
    assert rate.percent == percent


def test_a_rate_with_nothing_to_divide_by_says_so() -> None:
    assert str(aggregate([]).recovery) == "Recovery rate: 0/0 = no rate (nothing to divide by)"


def test_a_rate_refuses_a_numerator_above_its_denominator() -> None:
    with pytest.raises(ValueError, match="3/2 is not a rate"):
        Rate.of(3, 2, label="Rate", formula="a / b")


D = date


@pytest.mark.parametrize(
    ("scores", "ended_on", "pair"),
    [
        ([], None, ScorePair(None, None)),
        ([(D(2025, 1, 6), 18)], None, ScorePair(18, None)),
        ([(D(2025, 1, 6), 18), (D(2025, 3, 3), 7)], D(2025, 3, 3), ScorePair(18, 7)),
        # given out of order
        ([(D(2025, 3, 3), 7), (D(2025, 1, 6), 18), (D(2025, 2, 3), 12)], None, ScorePair(18, 7)),
        # a questionnaire with no total is never used, first or last
        (
            [(D(2025, 1, 1), None), (D(2025, 1, 6), 18), (D(2025, 3, 3), 7), (D(2025, 3, 4), None)],
            None,
            ScorePair(18, 7),
        ),
        # nothing after the referral ended
        (
            [(D(2025, 1, 6), 18), (D(2025, 3, 3), 7), (D(2025, 4, 1), 3)],
            D(2025, 3, 31),
            ScorePair(18, 7),
        ),
        # an open referral uses the latest score so far
        ([(D(2025, 1, 6), 18), (D(2025, 3, 3), 7), (D(2025, 4, 1), 3)], None, ScorePair(18, 3)),
        # one usable score cannot be paired with itself
        ([(D(2025, 1, 6), 18), (D(2025, 2, 1), None)], D(2025, 3, 1), ScorePair(18, None)),
        ([(D(2025, 4, 6), 18)], D(2025, 3, 1), ScorePair(None, None)),
        # same-day scores keep their order
        (
            [(D(2025, 1, 6), 18), (D(2025, 1, 6), 16), (D(2025, 3, 3), 7), (D(2025, 3, 3), 8)],
            None,
            ScorePair(18, 8),
        ),
    ],
)
def test_first_and_last_take_the_earliest_and_latest_usable_score(
    scores: list[tuple[date, int | None]], ended_on: date | None, pair: ScorePair
) -> None:
    assert first_and_last(scores, ended_on) == pair


# Invariants over any referral.

_pairs_phq = st.builds(ScorePair, st.none() | st.integers(0, 27), st.none() | st.integers(0, 27))
_pairs_gad = st.builds(ScorePair, st.none() | st.integers(0, 21), st.none() | st.integers(0, 21))
_referrals = st.builds(
    lambda phq, gad, sessions, ended: classify(
        phq9=phq, gad7=gad, attended_treatment_sessions=sessions, ended=ended
    ),
    _pairs_phq,
    _pairs_gad,
    st.integers(0, 20),
    st.booleans(),
)


@settings(deadline=None)
@given(_pairs_phq, _pairs_gad, st.integers(0, 20), st.booleans())
def test_outcome_categories_are_mutually_exclusive_where_they_must_be(
    phq: ScorePair, gad: ScorePair, sessions: int, ended: bool
) -> None:
    outcome = classify(phq9=phq, gad7=gad, attended_treatment_sessions=sessions, ended=ended)
    assert outcome.finished is (ended and sessions >= 2)
    assert outcome.reasons
    if outcome.status is not Status.FINISHED:
        assert outcome.change is None
        assert outcome.at_caseness_at_start is None
        assert outcome.recovered is None
        assert outcome.reliable_recovery is None
        return
    classes = [outcome.change is change for change in Change]
    assert classes.count(True) == 1
    if outcome.recovered:
        assert outcome.at_caseness_at_start
    if not outcome.at_caseness_at_start:
        assert outcome.recovered is None
        assert outcome.reliable_recovery is None
    if outcome.reliable_recovery:
        assert outcome.recovered
        assert outcome.change is RI
    assert outcome.reliable_recovery is (
        None
        if not outcome.at_caseness_at_start
        else bool(outcome.recovered and outcome.change is RI)
    )


@settings(deadline=None)
@given(_pairs_phq, _pairs_gad)
def test_reliable_improvement_means_one_measure_fell_reliably_and_none_rose(
    phq: ScorePair, gad: ScorePair
) -> None:
    outcome = classify(phq9=phq, gad7=gad, attended_treatment_sessions=5, ended=True)
    if not outcome.paired:
        return
    assert phq.first is not None and phq.last is not None
    assert gad.first is not None and gad.last is not None
    fell = phq.first - phq.last >= 6 or gad.first - gad.last >= 4
    rose = phq.last - phq.first >= 6 or gad.last - gad.first >= 4
    assert (outcome.change is RI) is (fell and not rose)
    assert (outcome.change is RD) is (rose and not fell)


@settings(deadline=None)
@given(st.lists(_referrals, max_size=30))
def test_rates_never_divide_more_than_their_denominator_and_counts_add_up(
    outcomes: list[ReferralOutcome],
) -> None:
    rates = aggregate(outcomes)
    assert rates.referrals == len(outcomes)
    assert rates.not_finished + rates.finished == rates.referrals
    assert rates.finished_paired + rates.finished_no_paired_scores == rates.finished
    changes = (
        rates.reliable_improvement.numerator
        + rates.reliable_deterioration.numerator
        + rates.no_reliable_change
    )
    assert changes == rates.finished_paired
    assert rates.recovery.denominator == rates.finished_paired - rates.not_at_caseness
    assert rates.reliable_recovery.numerator <= rates.recovery.numerator
    for rate in rates.rates:
        assert 0 <= rate.numerator <= rate.denominator
        if rate.percent is not None:
            assert Decimal(0) <= rate.percent <= Decimal(100)


@settings(deadline=None)
@given(st.lists(_referrals, max_size=20), st.lists(_referrals, max_size=20))
def test_counts_of_two_groups_add_up_to_the_counts_of_both(
    first: list[ReferralOutcome], second: list[ReferralOutcome]
) -> None:
    # The report adds the database's counts of many groups before working out any rate.
    assert count(first) + count(second) == count(first + second)
    assert rates_of(count(first) + count(second)) == aggregate(first + second)
    assert count([]) == OutcomeCounts()
