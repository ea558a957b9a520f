"""The subject access deadline and the withholding of third-party names."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.subject_access import (
    add_months,
    due_on,
    labels_for,
    mentions,
    neutral_label,
    withhold,
)


@pytest.mark.parametrize(
    ("received", "extension", "due"),
    [
        (date(2026, 3, 3), 0, date(2026, 4, 3)),  # a Friday: the corresponding date
        (date(2026, 1, 31), 0, date(2026, 3, 2)),  # no 31 February: 28th is a Saturday
        (date(2028, 1, 31), 0, date(2028, 2, 29)),  # leap year, a Tuesday
        (date(2026, 10, 3), 0, date(2026, 11, 3)),
        (date(2026, 10, 4), 0, date(2026, 11, 4)),
        (date(2026, 12, 15), 0, date(2027, 1, 15)),  # over the year end
        (date(2026, 3, 3), 2, date(2026, 6, 3)),  # extended by two further months
        (date(2026, 11, 30), 1, date(2027, 2, 1)),  # 30 January 2027 is a Saturday
    ],
)
def test_the_answer_is_due_one_calendar_month_after_receipt(
    received: date, extension: int, due: date
) -> None:
    assert due_on(received, extension_months=extension) == due


def test_a_day_the_service_does_not_work_moves_the_deadline_on() -> None:
    holidays = {date(2026, 4, 3), date(2026, 4, 6)}  # Good Friday and Easter Monday 2026
    assert due_on(
        date(2026, 3, 3), is_working_day=lambda d: d.weekday() < 5 and d not in holidays
    ) == date(2026, 4, 7)


@pytest.mark.parametrize("months", [-1, 3])
def test_an_extension_is_one_or_two_further_months_only(months: int) -> None:
    with pytest.raises(ValueError, match="1 or 2"):
        due_on(date(2026, 3, 3), extension_months=months)


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 2))
def test_the_deadline_is_never_early_and_never_more_than_a_few_days_late(
    received: date, extension: int
) -> None:
    due = due_on(received, extension_months=extension)
    plain = add_months(received, 1 + extension)
    assert 0 <= (due - plain).days <= 2
    assert due.weekday() < 5
    assert 28 * (1 + extension) <= (due - received).days <= 31 * (1 + extension) + 2


def test_labels_are_neutral_and_the_same_for_the_same_name() -> None:
    assert [neutral_label(i) for i in (0, 1, 25, 26, 27)] == [
        "Person A",
        "Person B",
        "Person Z",
        "Person AA",
        "Person AB",
    ]
    assert labels_for(["Jo", "Sam", "jo", " "]) == {
        "Jo": "Person A",
        "Sam": "Person B",
        "jo": "Person A",
    }


def test_withholding_replaces_whole_words_only_longest_name_first() -> None:
    labels = {"Ann": "Person A", "Ann Lee": "Person B"}
    text = "Ann Lee rang. ANN was cross. Annabel was not. Ann, again."
    assert withhold(text, labels) == (
        "Person B rang. Person A was cross. Annabel was not. Person A, again."
    )
    assert mentions(text, "ann") == 3
    assert withhold("nothing", {}) == "nothing"


names = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=2, max_size=8
).filter(lambda name: name.casefold() not in {"person"} and len(name) > 1)


@settings(deadline=None)
@given(st.lists(names, min_size=1, max_size=4), st.lists(st.sampled_from([" ", ", ", ". "])))
def test_no_withheld_name_is_left_and_each_is_replaced_the_same_way(
    chosen: list[str], glue: list[str]
) -> None:
    labels = labels_for(chosen)
    text = " and ".join(chosen) + "".join(glue) + " ".join(reversed(chosen))
    out = withhold(text, labels)
    for name in chosen:
        assert mentions(out, name) == 0 or any(mentions(label, name) for label in labels.values())
    assert withhold(out, labels) == out or any(
        mentions(label, name) for label in labels.values() for name in chosen
    )
