"""The retention rule: table cases from the code of practice, and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iptclinic.ipt.retention import (
    MINIMUM_YEARS,
    RecordFacts,
    add_years,
    age_on,
    check_years,
    cutoffs,
    is_due,
    retention_due,
)

days = st.dates(min_value=date(1920, 1, 1), max_value=date(2080, 12, 31))


@pytest.mark.parametrize(
    ("born", "last", "years", "due"),
    [
        # An adult: 20 years after the last contact.
        (date(1970, 5, 1), date(2010, 3, 15), 20, date(2030, 3, 15)),
        # A service that keeps records 25 years.
        (date(1970, 5, 1), date(2010, 3, 15), 25, date(2035, 3, 15)),
        # A child last seen at 3: until the 25th birthday, which is later.
        (date(2010, 6, 1), date(2013, 7, 1), 20, date(2035, 6, 1)),
        # A young person of 17 at the end: 9 or more years always pass the 26th birthday.
        (date(2000, 6, 1), date(2018, 1, 1), 9, date(2027, 1, 1)),
        # Born on 29 February: birthdays in common years fall on 28 February.
        (
            date(2012, 2, 29),
            date(2013, 1, 1),
            20,
            date(2037, 3, 1),
        ),  # 25 on 1 March in a common year
        (date(1980, 1, 1), date(2016, 2, 29), 20, date(2036, 2, 29)),
        (date(1980, 1, 1), date(2016, 2, 29), 21, date(2037, 3, 1)),  # never a day early
    ],
)
def test_it_keeps_each_record_as_the_code_says(
    born: date, last: date, years: int, due: date
) -> None:
    assert retention_due(RecordFacts(born, last), years) == due


def test_a_death_in_care_keeps_the_record_ten_years_after_the_death() -> None:
    facts = RecordFacts(date(1950, 1, 1), date(2020, 1, 1), date(2020, 2, 1), died_in_care=True)
    assert retention_due(facts) == date(2030, 2, 1)


def test_a_death_after_care_ended_changes_nothing() -> None:
    facts = RecordFacts(date(1950, 1, 1), date(2020, 1, 1), date(2024, 2, 1), died_in_care=False)
    assert retention_due(facts) == date(2040, 1, 1)


def test_the_26th_birthday_rule_applies_to_someone_of_17_at_the_last_contact() -> None:
    # Only visible with fewer years than the minimum, so checked on the helper directly.
    assert age_on(date(2000, 6, 1), date(2018, 1, 1)) == 17
    assert add_years(date(2000, 6, 1), 26) > add_years(date(2018, 1, 1), 8)


def test_it_refuses_fewer_years_than_the_minimum() -> None:
    with pytest.raises(ValueError, match="at least"):
        check_years(MINIMUM_YEARS - 1)
    with pytest.raises(ValueError):
        retention_due(RecordFacts(date(1970, 1, 1), date(2000, 1, 1)), 5)


@settings(deadline=None, max_examples=400)
@given(born=days, gap=st.integers(0, 90 * 366), on=days, years=st.integers(MINIMUM_YEARS, 40))
def test_the_database_cutoffs_agree_with_the_rule_for_every_record(
    born: date, gap: int, on: date, years: int
) -> None:
    last = date.fromordinal(min(born.toordinal() + gap, date(2080, 12, 31).toordinal()))
    facts = RecordFacts(born, last)
    cut = cutoffs(on, years)
    by_cutoffs = last <= cut.last_contact_by and born <= cut.born_by
    assert by_cutoffs == is_due(facts, on, years)


@settings(deadline=None)
@given(born=days, gap=st.integers(0, 90 * 366), years=st.integers(MINIMUM_YEARS, 40))
@example(born=date(2000, 2, 29), gap=0, years=9)  # born on a leap day: 25 on 1 March 2025
def test_a_record_is_never_due_before_the_years_after_the_last_contact_or_the_25th_birthday(
    born: date, gap: int, years: int
) -> None:
    last = date.fromordinal(min(born.toordinal() + gap, date(2080, 12, 31).toordinal()))
    due = retention_due(RecordFacts(born, last), years)
    assert due >= add_years(last, years)
    assert age_on(born, due) >= 25
    assert due - last <= timedelta(days=366 * max(years, 25))


@settings(deadline=None)
@given(born=days, gap=st.integers(0, 90 * 366), more=st.integers(1, 3000))
def test_a_later_contact_never_brings_the_date_forward(born: date, gap: int, more: int) -> None:
    last = date.fromordinal(min(born.toordinal() + gap, date(2070, 1, 1).toordinal()))
    later = last + timedelta(days=more)
    assert retention_due(RecordFacts(born, later)) >= retention_due(RecordFacts(born, last))
