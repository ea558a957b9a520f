"""Approximate dates as people write them, and the forms' messages for bad input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.inventory.forms import (
    FocusForm,
    LifeEventForm,
    RelationshipForm,
    format_approx_date,
    parse_approx_date,
)
from iptclinic.inventory.models import Relationship
from iptclinic.ipt.case import ApproxDate, DatePrecision
from iptclinic.ipt.variants import Variant

DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", ApproxDate(date(2024, 1, 1), YEAR)),
        ("2024-03", ApproxDate(date(2024, 3, 1), MONTH)),
        ("2024-3", ApproxDate(date(2024, 3, 1), MONTH)),
        ("2024-03-14", ApproxDate(date(2024, 3, 14), DAY)),
        ("03/2024", ApproxDate(date(2024, 3, 1), MONTH)),
        ("3/2024", ApproxDate(date(2024, 3, 1), MONTH)),
        ("14/03/2024", ApproxDate(date(2024, 3, 14), DAY)),
        ("14.3.2024", ApproxDate(date(2024, 3, 14), DAY)),
        ("14-03-2024", ApproxDate(date(2024, 3, 14), DAY)),
        ("March 2024", ApproxDate(date(2024, 3, 1), MONTH)),
        ("mar 2024", ApproxDate(date(2024, 3, 1), MONTH)),
        (" Sep 2024 ", ApproxDate(date(2024, 9, 1), MONTH)),
        ("14 March 2024", ApproxDate(date(2024, 3, 14), DAY)),
        ("14 march, 2024", ApproxDate(date(2024, 3, 14), DAY)),
    ],
)
def test_it_reads_a_date_as_people_write_it(text, expected):
    assert parse_approx_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("last spring", "Write a day, a month or a year"),
        ("2024/13", "Write a day, a month or a year"),
        ("31/02/2024", "not a real date"),
        ("13/2024", "not a real date"),
        ("Smarch 2024", "is not a month"),
        ("1850", "from 1900"),
        ("", "Write a day, a month or a year"),
    ],
)
def test_it_says_what_to_type_when_a_date_is_written_badly(text, message):
    with pytest.raises(ValueError, match=message):
        parse_approx_date(text)


@settings(deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from([DAY, MONTH, YEAR]),
)
def test_a_formatted_date_reads_back_to_the_same_date(when, precision):
    written = ApproxDate(when, precision)
    assert parse_approx_date(format_approx_date(written.when, precision.value)) == written


def test_a_bad_relationship_form_names_each_problem(db):
    form = RelationshipForm(
        {
            "label": "",
            "relationship_type": "partner",
            "status": "alive",
            "died": "2024",
            "closeness_now": "7",
            "tag_role_dispute": "on",
            "reason_role_dispute": "",
        },
        variant=Variant.LEAFLET,
        instance=Relationship(),
    )
    assert not form.is_valid()
    assert "Give a first name" in form.errors["label"][0]
    assert "needs the status “Deceased”" in form.errors["died"][0]
    assert form.errors["closeness_now"] == ["The ring must be a whole number from 1 to 4."]
    assert "why this person is involved" in form.errors["reason_role_dispute"][0]


def test_the_relationship_form_tells_the_therapist_these_are_third_parties(db):
    form = RelationshipForm(variant=Variant.LEAFLET, instance=Relationship())
    assert "not a client of the service" in form.fields["label"].help_text


def test_a_future_date_of_death_is_refused_on_the_form(db):
    form = RelationshipForm(
        {"label": "Dad", "relationship_type": "parent", "status": "deceased", "died": "2999"},
        variant=Variant.LEAFLET,
        instance=Relationship(),
    )
    assert form.errors["died"] == ["A date of death cannot be in the future."]


def test_a_third_focus_area_is_refused_on_the_form():
    form = FocusForm(
        {"areas": ["grief", "role_dispute", "role_transition"], "reason": "All of them."},
        variant=Variant.LEAFLET,
        agreed=False,
    )
    assert not form.is_valid()
    assert form.errors["areas"] == [
        "Choose at most 2 focus areas: you chose 3. IPT keeps to one area, or two at most."
    ]


def test_an_event_form_refuses_a_mood_outside_zero_to_ten(db):
    form = LifeEventForm(
        {"when": "March 2024", "kind": "move", "description": "Moved.", "mood_rating": "12"},
        people=Relationship.objects.none(),
    )
    assert form.errors["mood_rating"] == ["Mood must be a whole number from 0 to 10."]
