"""The client forms: every bad value gets a specific message; good values are stored cleanly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.clients.forms import AllocationForm, ClientDetailsForm, ReferralForm

DATE_MESSAGE = "Enter a real date as day/month/year, for example 23/04/1985."


def _details(**changes: str) -> ClientDetailsForm:
    data = {
        "given_name": "Amira",
        "family_name": "Haddad",
        "date_of_birth": "1990-07-14",
        "nhs_number": "",
        "preferred_contact": "phone",
        **changes,
    }
    return ClientDetailsForm(data)


def _referral(**changes: str) -> ReferralForm:
    data = {
        "received_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "referrer": "Dr Patel, Mill Lane Surgery",
        "reason": "Low mood since her father died.",
        "presenting_problem": "depression",
        **changes,
    }
    return ReferralForm(data)


def _errors(form: Any, field: str) -> list[str]:
    assert not form.is_valid()
    return list(form.errors[field])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("401 023 2138", "the last digit (the check digit) is wrong"),
        ("123 456 7890", "the check digit would be 10"),
        ("401 023 213", "An NHS number has 10 digits; this has 9."),
        ("4010 2321 370", "An NHS number has 10 digits; this has 11."),
        ("401-O23-2137", "An NHS number has only digits"),
    ],
)
def test_an_invalid_nhs_number_gets_a_message_saying_what_is_wrong(
    db: None, typed: str, message: str
) -> None:
    (error,) = _errors(_details(nhs_number=typed), "nhs_number")

    assert message in error


@pytest.mark.parametrize("typed", ["401 023 2137", "401-023-2137", " 4010232137 ", "4010232137"])
def test_a_valid_nhs_number_is_stored_as_ten_digits_however_it_was_typed(
    db: None, typed: str
) -> None:
    form = _details(nhs_number=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == "4010232137"


def test_the_nhs_number_box_takes_a_number_typed_with_spaces(db: None) -> None:
    box = str(ClientDetailsForm()["nhs_number"])

    assert 'maxlength="20"' in box
    assert 'inputmode="numeric"' in box


def test_the_nhs_number_may_be_left_blank(db: None) -> None:
    form = _details(nhs_number="   ")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == ""


@pytest.mark.parametrize("typed", ["31/02/2020", "yesterday", "2020-13-01", "23.04"])
def test_a_malformed_date_of_birth_gets_a_clear_message(db: None, typed: str) -> None:
    assert _errors(_details(date_of_birth=typed), "date_of_birth") == [DATE_MESSAGE]


@pytest.mark.parametrize("typed", ["23/04/1985", "1985-04-23"])
def test_a_date_of_birth_may_be_typed_day_first_or_as_iso(db: None, typed: str) -> None:
    form = _details(date_of_birth=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"].isoformat() == "1985-04-23"


def test_a_future_date_of_birth_is_refused(db: None) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)

    assert _errors(_details(date_of_birth=tomorrow.isoformat()), "date_of_birth") == [
        "The date of birth cannot be in the future."
    ]


def test_a_date_of_birth_before_1900_is_questioned(db: None) -> None:
    assert _errors(_details(date_of_birth="1885-04-23"), "date_of_birth") == [
        "Check the year of birth: it is before 1900."
    ]


def test_a_future_referral_date_is_refused(db: None) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)

    assert _errors(_referral(received_on=tomorrow.isoformat()), "received_on") == [
        "The referral date cannot be in the future."
    ]


def test_a_malformed_referral_date_gets_a_clear_message(db: None) -> None:
    assert _errors(_referral(received_on="last Tuesday"), "received_on") == [DATE_MESSAGE]


def test_an_other_presenting_problem_must_be_named(db: None) -> None:
    assert _errors(_referral(presenting_problem="other"), "presenting_problem_other") == [
        "Say what the presenting problem is."
    ]
    assert _referral(presenting_problem="other", presenting_problem_other="Grief").is_valid()


def test_allocation_offers_only_the_therapists_of_the_team(
    tess: User, otto: User, sam: User, lee: User, hana: User
) -> None:
    assert tess.team_id is not None
    form = AllocationForm(team_id=tess.team_id)

    assert set(form.fields["therapist"].queryset) == {tess, otto}


@pytest.mark.parametrize("persona", ["sam", "hana"])
def test_allocation_to_a_supervisor_or_another_teams_therapist_is_not_a_valid_choice(
    tess: User, persona: str, request: pytest.FixtureRequest
) -> None:
    someone = request.getfixturevalue(persona)
    assert tess.team_id is not None

    form = AllocationForm({"therapist": someone.pk}, team_id=tess.team_id)

    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["therapist"][0]
