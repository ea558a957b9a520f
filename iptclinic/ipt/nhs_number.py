"""NHS number: normalising, checking and formatting.

Source: ``domain/measures-and-standards.md`` §4.4 (FIRM: NHS Data Dictionary, the Modulus 11
check digit is mandatory). Ten digits; digits 1–9 are weighted 10 down to 2, the weighted sum is
taken modulo 11 and subtracted from 11; 11 means a check digit of 0 and 10 means no valid number.
"""

from __future__ import annotations

_DIGITS = frozenset("0123456789")
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_nhs_number(text: str) -> str:
    """Remove spaces (of any kind) and hyphens, as people type numbers like "943 476 5919"."""
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine ASCII digits, or ``None`` when it would be 10 (no valid number)."""
    if len(first_nine) != 9 or not _DIGITS.issuperset(first_nine):
        raise ValueError("A check digit is computed from exactly nine digits.")
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_problem(text: str) -> str | None:
    """``None`` when ``text`` is a valid NHS number, else a plain message saying what is wrong."""
    number = normalise_nhs_number(text)
    if not number:
        return "Enter the NHS number: 10 digits."
    if not _DIGITS.issuperset(number):
        return "An NHS number has only digits; spaces and hyphens between them are fine."
    if len(number) != 10:
        return f"An NHS number has 10 digits; this has {len(number)}."
    expected = check_digit(number[:9])
    if expected is None:
        return (
            "No valid NHS number has this form (the check digit would be 10). "
            "Check it for a typing mistake."
        )
    if int(number[9]) != expected:
        return (
            "This is not a valid NHS number: the last digit (the check digit) is wrong. "
            "Check it for a typing mistake."
        )
    return None


def is_valid_nhs_number(text: str) -> bool:
    """True when ``text`` is a valid NHS number, spaces and hyphens allowed."""
    return nhs_number_problem(text) is None


def format_nhs_number(text: str) -> str:
    """Show ten digits in the NHS 3-3-4 grouping, e.g. "943 476 5919".

    Any ten digits are formatted, even with a wrong check digit, so that a stored number can
    always be shown as it is; anything else raises ``ValueError`` with the plain message.
    """
    number = normalise_nhs_number(text)
    if len(number) != 10 or not _DIGITS.issuperset(number):
        raise ValueError(nhs_number_problem(text))
    return f"{number[:3]} {number[3:6]} {number[6:]}"
