"""Subject access requests: the deadline and the third-party names, as plain rules.

A person may ask for a copy of their whole record (UK GDPR Article 15). The service must answer
"without undue delay and in any event within one month of receipt" (Article 12(3)); the period
may be extended "by two further months where necessary, taking into account the complexity and
number of the requests". The Information Commissioner's guidance counts the month from the day
the request is received to the corresponding calendar date of the next month; where that month
has no such date (received 31 January), the last day of that month; and where the date falls on
a day the service does not work, the next working day. The same counting gives the extension.

Third parties: the copy must not disclose another person's information unless they consent or it
is reasonable to do so (Data Protection Act 2018, Schedule 2, paragraph 16). A person chosen to
be withheld is replaced everywhere by one neutral label ("Person A"), the same in every place,
so the copy still reads as a whole.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from string import ascii_uppercase

MAX_EXTENSION_MONTHS = 2
"""Article 12(3): "extended by two further months"."""


def add_months(day: date, months: int) -> date:
    """The corresponding date ``months`` calendar months later, or that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _weekday(day: date) -> bool:
    return day.weekday() < 5


def due_on(
    received_on: date,
    *,
    extension_months: int = 0,
    is_working_day: Callable[[date], bool] = _weekday,
) -> date:
    """The last day to answer a request received on ``received_on``: one calendar month later
    (plus an extension of one or two months), moved on to the next working day if needed."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is of 1 or {MAX_EXTENSION_MONTHS} further months.")
    due = add_months(received_on, 1 + extension_months)
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


def neutral_label(index: int) -> str:
    """Person A, Person B, ... Person Z, Person AA, Person AB, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return f"Person {letters}"


def labels_for(names: Iterable[str]) -> dict[str, str]:
    """A neutral label for each distinct name (compared without regard to case), in order."""
    labels: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name in names:
        key = name.strip().casefold()
        if not key:
            continue
        if key not in seen:
            seen[key] = neutral_label(len(seen))
        labels[name] = seen[key]
    return labels


def _pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({name.strip() for name in names if name.strip()}, key=len, reverse=True)
    if not words:
        return None
    # Longest first, so "Ann Lee" is replaced before "Ann"; whole words only.
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def mentions(text: str, name: str) -> int:
    """How many times ``name`` appears in ``text`` as whole words, ignoring case."""
    pattern = _pattern([name])
    return len(pattern.findall(text)) if pattern is not None else 0


def withhold(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with every whole-word mention of each name replaced by its label."""
    pattern = _pattern(labels)
    if pattern is None:
        return text
    by_key = {name.strip().casefold(): label for name, label in labels.items()}

    def label_of(found: re.Match[str]) -> str:
        word = found.group(0)
        if word.casefold() in by_key:
            return by_key[word.casefold()]
        # Case rules differ for a few letters (the long s); ask each name's own pattern.
        for name, label in labels.items():
            single = _pattern([name])
            if single is not None and single.fullmatch(word):
                return label
        return word  # pragma: no cover - the joint pattern matched one of the names

    return pattern.sub(label_of, text)
