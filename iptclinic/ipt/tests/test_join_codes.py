"""The printed join code and the username made for a new portal account."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.join_codes import (
    ALPHABET,
    CODE_LENGTH,
    is_well_formed,
    new_code,
    normalise,
    printed,
    username_stem,
)

CONFUSABLE = set("0O1IL2Z5S8B")


def test_the_alphabet_has_no_characters_easily_mistaken_for_another() -> None:
    assert not CONFUSABLE & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET)


def test_a_new_code_is_eight_characters_of_the_alphabet() -> None:
    for _ in range(50):
        code = new_code()
        assert len(code) == CODE_LENGTH == 8
        assert is_well_formed(code)


@given(st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH))
def test_a_printed_code_typed_back_in_any_case_with_spaces_is_the_same_code(code: str) -> None:
    typed = f"  {printed(code).lower().replace('-', ' - ')} "
    assert normalise(typed) == code
    assert is_well_formed(normalise(typed))


@given(st.text(max_size=20))
def test_only_codes_of_the_alphabet_and_length_are_well_formed(text: str) -> None:
    code = normalise(text)
    assert is_well_formed(code) == (len(code) == 8 and set(code) <= set(ALPHABET))


@pytest.mark.parametrize(
    ("given_name", "stem"),
    [
        ("Cara", "cara"),
        ("Zoë", "zoe"),
        ("Mary-Jane", "maryjane"),
        ("Bartholomewson", "bartholomews"),
        ("李", "member"),
        ("", "member"),
    ],
)
def test_a_username_starts_with_the_first_name_in_plain_letters(given_name: str, stem: str) -> None:
    assert username_stem(given_name) == stem
