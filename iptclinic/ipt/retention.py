"""How long a client's record is kept (decisions.md §39), as plain dates.

Sources (checked 2026-12 through secondary summaries of the NHS England *Records Management Code
of Practice 2021*, Appendix II, "Mental health records" and "Children's records"; the primary
schedule text could not be opened here, so the wording below is marked where unverified):

- Mental-health records, including psychology: kept **20 years after no further treatment is
  considered necessary** (we read this as 20 years after the last contact, defined by the caller),
  or **10 years after the person's death** if they died while in the organisation's care (the
  2016 code said 8 years; the 2021 code says 10: UNVERIFIED against the primary text).
- Children's records: kept **until the 25th birthday, or the 26th if the young person was 17 at
  the conclusion of treatment**. For a child's mental-health record we keep it until the later of
  the two rules (UNVERIFIED: the code gives the two rows separately; taking the longer period is
  the code's general advice where two rows apply).
- IPT Clinic does not record a date of death today, so services pass ``date_of_death=None`` and
  the death rule is here for when it is recorded.

The retention years are configurable (``IPTCLINIC_RETENTION_YEARS``) but never below
:data:`MINIMUM_YEARS` (9): someone who was 17 at their last contact turns 26 within 9 years of it,
so from 9 years up the 26th-birthday rule is implied by the years after the last contact, and that which lets the database find due records with plain date comparisons
(:func:`cutoffs`), exactly as :func:`retention_due` decides them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_YEARS = 20
MINIMUM_YEARS = 9
CHILD_UNTIL_BIRTHDAY = 25
CHILD_AT_SEVENTEEN_UNTIL_BIRTHDAY = 26
YEARS_AFTER_DEATH = 10


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 1 March in a common year.

    Someone born on 29 February reaches a birthday on 1 March in a common year (``age_on``
    counts the same way), and a retention period that ends a day late is safe where one that ends
    a day early is not.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in completed years on ``day``."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


@dataclass(frozen=True)
class RecordFacts:
    date_of_birth: date
    last_contact: date
    date_of_death: date | None = None
    died_in_care: bool = False


def check_years(years: int) -> int:
    if years < MINIMUM_YEARS:
        raise ValueError(f"Records are kept at least {MINIMUM_YEARS} years after the last contact.")
    return years


def retention_due(facts: RecordFacts, years: int = DEFAULT_YEARS) -> date:
    """The first day the record may be reviewed for disposal."""
    check_years(years)
    if facts.date_of_death is not None and facts.died_in_care:
        return add_years(facts.date_of_death, YEARS_AFTER_DEATH)
    due = add_years(facts.last_contact, years)
    child_until = (
        CHILD_AT_SEVENTEEN_UNTIL_BIRTHDAY
        if age_on(facts.date_of_birth, facts.last_contact) == 17
        else CHILD_UNTIL_BIRTHDAY
    )
    return max(due, add_years(facts.date_of_birth, child_until))


@dataclass(frozen=True)
class Cutoffs:
    """A record without a recorded death in care is due on or before ``on`` exactly when its last
    contact is on or before ``last_contact_by`` and its person was born on or before ``born_by``.
    """

    last_contact_by: date
    born_by: date


def _minus_years(day: date, years: int) -> date:
    """The latest date ``d`` with ``add_years(d, years) <= day``."""
    candidate = add_years(day, -years)
    while add_years(candidate, years) > day:  # pragma: no cover - 29 February edge
        candidate = date.fromordinal(candidate.toordinal() - 1)
    following = date.fromordinal(candidate.toordinal() + 1)
    while add_years(following, years) <= day:
        candidate, following = following, date.fromordinal(following.toordinal() + 1)
    return candidate


def cutoffs(on: date, years: int = DEFAULT_YEARS) -> Cutoffs:
    """The same rule as :func:`retention_due` as two dates a database query can compare."""
    check_years(years)
    return Cutoffs(
        last_contact_by=_minus_years(on, years), born_by=_minus_years(on, CHILD_UNTIL_BIRTHDAY)
    )


def is_due(facts: RecordFacts, on: date, years: int = DEFAULT_YEARS) -> bool:
    return retention_due(facts, years) <= on
