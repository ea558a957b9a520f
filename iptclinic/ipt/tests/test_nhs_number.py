import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.nhs_number import (
    check_digit,
    format_nhs_number,
    is_valid_nhs_number,
    nhs_number_problem,
    normalise_nhs_number,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("943 476 5919", True),
        ("943 476 5918", False),
        ("999 000 0050", True),
        ("991 200 3888", True),
        ("991 200 3814", False),
        ("900 000 0009", True),
    ]
    + [(f"999 123 456{d}", False) for d in range(10)],
)
def test_the_worked_examples_from_the_standards_document(number: str, valid: bool) -> None:
    assert is_valid_nhs_number(number) is valid


@pytest.mark.parametrize(
    ("first_nine", "expected"),
    [("943476591", 9), ("999000005", 0), ("999123456", None), ("991200381", 0), ("900000000", 9)],
)
def test_check_digits_match_the_worked_examples(first_nine: str, expected: int | None) -> None:
    assert check_digit(first_nine) == expected


def test_a_number_whose_check_digit_would_be_10_gets_its_own_message() -> None:
    assert nhs_number_problem("9991234560") == (
        "No valid NHS number has this form (the check digit would be 10). "
        "Check it for a typing mistake."
    )


def test_a_wrong_check_digit_is_named() -> None:
    problem = nhs_number_problem("943 476 5918")
    assert problem is not None and "check digit" in problem and "wrong" in problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the NHS number: 10 digits."),
        ("   ", "Enter the NHS number: 10 digits."),
        ("943 476 591", "An NHS number has 10 digits; this has 9."),
        ("943 476 59190", "An NHS number has 10 digits; this has 11."),
        (
            "943 476 591X",
            "An NHS number has only digits; spaces and hyphens between them are fine.",
        ),
        ("٩٤٣٤٧٦٥٩١٩", "An NHS number has only digits; spaces and hyphens between them are fine."),
    ],
)
def test_it_says_plainly_what_is_wrong(text: str, message: str) -> None:
    assert nhs_number_problem(text) == message


@pytest.mark.parametrize(
    "text", ["9434765919", "943-476-5919", " 943 476 5919 ", "943\u00a0476 5919"]
)
def test_spaces_and_hyphens_are_allowed(text: str) -> None:
    assert normalise_nhs_number(text) == "9434765919"
    assert nhs_number_problem(text) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("9434765919", "943 476 5919"),
        ("943-476-5919", "943 476 5919"),
        ("943 4765 918", "943 476 5918"),
    ],
)
def test_ten_digits_are_shown_in_3_3_4_groups_even_with_a_wrong_check_digit(
    text: str, shown: str
) -> None:
    assert format_nhs_number(text) == shown


def test_formatting_something_that_is_not_ten_digits_says_why() -> None:
    with pytest.raises(ValueError, match="has 10 digits; this has 3"):
        format_nhs_number("943")


def test_a_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError, match="exactly nine digits"):
        check_digit("12345678")


def weighted_check(first_nine: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    return (11 - total % 11) % 11


@settings(deadline=None)
@given(nine_digits, st.integers(min_value=0, max_value=9))
def test_only_the_computed_check_digit_makes_nine_digits_valid(first_nine: str, last: int) -> None:
    expected = weighted_check(first_nine)
    valid = is_valid_nhs_number(first_nine + str(last))
    assert valid is (expected != 10 and last == expected)


@settings(deadline=None)
@given(nine_digits)
def test_every_nine_digits_with_a_possible_check_digit_form_a_valid_number(
    first_nine: str,
) -> None:
    digit = check_digit(first_nine)
    if digit is None:
        assert weighted_check(first_nine) == 10
        assert not any(is_valid_nhs_number(first_nine + str(d)) for d in range(10))
    else:
        number = first_nine + str(digit)
        assert is_valid_nhs_number(number)
        assert is_valid_nhs_number(format_nhs_number(number))
