"""The risk check read against this session's risk item and open alerts.

Sources: measures-and-standards.md §1.1 (item 9); decisions.md §17, §20.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.instruments import GAD7, PHQ9
from iptclinic.ipt.risk_check import (
    OPEN_ALERT,
    RiskItemAnswer,
    RiskLevel,
    YesNo,
    contradictions,
)

NO, YES = YesNo.NO, YesNo.YES
NONE, LOW, MODERATE, HIGH = RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.HIGH
ITEM9 = "In this session\u2019s PHQ-9, item 9 (\u201cThoughts that you would be better off dead or of hurting yourself in some way\u201d)"
NO_THOUGHTS = "the risk check records no thoughts of suicide"
NO_APPARENT_RISK = "the overall level of risk is \u201cNo apparent risk\u201d"


def item9(value: int | None) -> RiskItemAnswer:
    return RiskItemAnswer(PHQ9, value)


# name, item-9 answers, alert open, thoughts of suicide, overall level -> contradictions
CASES = [
    ("nothing known, nothing said", [], False, None, None, []),
    ("no signal, no risk recorded", [item9(0)], False, NO, NONE, []),
    (
        "item 9 at 1, thoughts denied",
        [item9(1)],
        False,
        NO,
        LOW,
        [f"{ITEM9} was answered \u201cSeveral days\u201d (1), but {NO_THOUGHTS}."],
    ),
    (
        "item 9 at 3, no apparent risk",
        [item9(3)],
        False,
        YES,
        NONE,
        [f"{ITEM9} was answered \u201cNearly every day\u201d (3), but {NO_APPARENT_RISK}."],
    ),
    (
        "item 9 at 2, both denied in one sentence",
        [item9(2)],
        False,
        NO,
        NONE,
        [
            f"{ITEM9} was answered \u201cMore than half the days\u201d (2), but {NO_THOUGHTS} "
            f"and {NO_APPARENT_RISK}."
        ],
    ),
    (
        "item 9 unanswered, thoughts denied",
        [item9(None)],
        False,
        NO,
        MODERATE,
        [
            f"{ITEM9} was left unanswered, so the risk it asks about is not known, "
            f"but {NO_THOUGHTS}."
        ],
    ),
    ("item 9 at 1, thoughts recorded", [item9(1)], False, YES, LOW, []),
    ("item 9 at 1, risk check not answered yet", [item9(1)], True, None, None, []),
    ("an open alert, a high level", [], True, NO, HIGH, [f"{OPEN_ALERT}, but {NO_THOUGHTS}."]),
    (
        "an open alert and item 9, both contradicted",
        [item9(1)],
        True,
        YES,
        NONE,
        [
            f"{ITEM9} was answered \u201cSeveral days\u201d (1), but {NO_APPARENT_RISK}.",
            f"{OPEN_ALERT}, but {NO_APPARENT_RISK}.",
        ],
    ),
]


@pytest.mark.parametrize(
    ("items", "alert_open", "thoughts", "level", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_contradicted_signal_is_one_plain_sentence(
    items: list[RiskItemAnswer],
    alert_open: bool,
    thoughts: YesNo | None,
    level: RiskLevel | None,
    expected: list[str],
) -> None:
    found = contradictions(items, alert_open=alert_open, suicidal_thoughts=thoughts, level=level)
    assert found == expected


def test_a_questionnaire_without_a_risk_item_cannot_be_given_as_one() -> None:
    with pytest.raises(ValueError, match="GAD-7 has no risk item"):
        RiskItemAnswer(GAD7, 1)


answers = st.lists(st.builds(item9, st.one_of(st.none(), st.integers(0, 3))), max_size=3)
thoughts_answers = st.sampled_from([None, YES, NO])
levels = st.sampled_from([None, *RiskLevel])


@settings(deadline=None)
@given(answers, st.booleans(), thoughts_answers, levels)
def test_contradictions_appear_exactly_when_a_signal_meets_a_denial(
    items: list[RiskItemAnswer], alert_open: bool, thoughts: YesNo | None, level: RiskLevel | None
) -> None:
    found = contradictions(items, alert_open=alert_open, suicidal_thoughts=thoughts, level=level)
    signals = sum(1 for answer in items if answer.value != 0) + alert_open
    denied = thoughts == NO or level == NONE
    assert len(found) == (signals if denied else 0)
    assert all(sentence.endswith(".") and ", but the " in sentence for sentence in found)


@settings(deadline=None)
@given(answers, st.booleans(), thoughts_answers, levels, st.integers(1, 3))
def test_another_signal_never_hides_a_contradiction(
    items: list[RiskItemAnswer],
    alert_open: bool,
    thoughts: YesNo | None,
    level: RiskLevel | None,
    value: int,
) -> None:
    before = contradictions(items, alert_open=alert_open, suicidal_thoughts=thoughts, level=level)
    after = contradictions(
        [*items, item9(value)], alert_open=True, suicidal_thoughts=thoughts, level=level
    )
    assert set(before) <= set(after)


@settings(deadline=None)
@given(answers, st.booleans(), levels)
def test_with_the_thoughts_recorded_only_a_no_apparent_risk_level_is_contradicted(
    items: list[RiskItemAnswer], alert_open: bool, level: RiskLevel | None
) -> None:
    found = contradictions(items, alert_open=alert_open, suicidal_thoughts=YES, level=level)
    assert not found or level == NONE
    assert all(NO_THOUGHTS not in sentence for sentence in found)
