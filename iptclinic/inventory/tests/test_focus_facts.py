"""The facts added for sharper focus suggestions (issue 14), from the form to the suggestion.

An onset over a period, symptoms that got worse after an event, someone joining the household,
the end of a caring role, one person in two roles, and contact every two or three weeks: each is
recorded through the services (one audit event), refused with a clear message when it cannot be
true, exported in the case file, and read by the suggester.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from iptclinic.audit.models import AuditEvent
from iptclinic.inventory import services
from iptclinic.inventory.cases import build_case, load_rows
from iptclinic.inventory.models import Inventory, LifeEvent, Relationship
from iptclinic.inventory.services import InventoryRuleError
from iptclinic.ipt.case import ApproxDate, ContactFrequency, DatePrecision, RelationshipType
from iptclinic.ipt.casefile import load_case
from iptclinic.ipt.focus import Rule, Status, suggest
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.test import make_client, open_course_for

from .helpers import one_audit_event, person
from .test_services import _ended_today

HTMX = {"HTTP_HX_REQUEST": "true"}
DECEMBER = ApproxDate(date(2024, 12, 1), DatePrecision.MONTH)
FEBRUARY = ApproxDate(date(2025, 2, 1), DatePrecision.MONTH)


def _page(response: Any) -> str:
    return response.content.decode()


def save_onset(course: Any, actor: Any, **kwargs: Any) -> Inventory:
    return services.save_episode_facts(
        course,
        actor=actor,
        chronic_course=False,
        patterns="",
        expected_version=kwargs.pop("expected_version", 0),
        **kwargs,
    )


def event_data(**data: Any) -> dict[str, Any]:
    return {
        "happened_on": date(2025, 6, 10),
        "precision": "day",
        "kind": "new_job",
        "description": "Started at the depot",
        **data,
    }


# --- Services ----------------------------------------------------------------------------------


def test_an_onset_over_a_period_is_saved_with_both_ends_in_one_event(cara_course, tess):
    with one_audit_event("inventory.episode.save"):
        facts = save_onset(cara_course, tess, onset=DECEMBER, onset_until=FEBRUARY)
    assert (facts.onset_on, facts.onset_until_on) == (date(2024, 12, 1), date(2025, 2, 1))
    rows = load_rows(cara_course.pk, cara_course.variant_enum)
    assert (rows.onset, rows.onset_until) == (DECEMBER, FEBRUARY)


@pytest.mark.parametrize(
    ("onset", "until", "field", "message"),
    [
        (FEBRUARY, DECEMBER, "onset_until", "cannot end before it starts"),
        (None, FEBRUARY, "onset", "Give when the low mood began"),
        (DECEMBER, ApproxDate(date(2999, 1, 1), DatePrecision.YEAR), "onset_until", "future"),
    ],
    ids=["ends before it starts", "an end with no start", "an end in the future"],
)
def test_it_refuses_an_onset_period_that_cannot_be_true(
    cara_course, tess, onset, until, field, message
):
    with pytest.raises(InventoryRuleError, match=message) as error:
        save_onset(cara_course, tess, onset=onset, onset_until=until)
    assert error.value.field == field
    assert not Inventory.objects.exists()
    assert not AuditEvent.objects.filter(action="inventory.episode.save").exists()


def test_a_person_in_two_roles_with_contact_every_two_or_three_weeks(cara_course, tess):
    with one_audit_event("inventory.relationship.add"):
        jo = person(
            cara_course,
            tess,
            label="Jo",
            relationship_type="sibling",
            second_type="colleague",
            contact_frequency="fortnightly",
        )
    jo.refresh_from_db()
    assert (jo.second_type, jo.contact_frequency) == ("colleague", "fortnightly")


def test_it_refuses_a_second_role_the_same_as_the_first(cara_course, tess):
    with pytest.raises(InventoryRuleError, match="same as the first") as error:
        person(cara_course, tess, relationship_type="sibling", second_type="sibling")
    assert error.value.field == "second_type"
    assert not Relationship.objects.exists()


@pytest.mark.parametrize("kind", ["joined_household", "caring_ended"])
def test_the_new_kinds_of_event_and_a_worsening_are_saved(cara_course, tess, kind):
    with one_audit_event("inventory.event.add"):
        event = services.add_event(
            cara_course, actor=tess, data=event_data(kind=kind, symptoms_worsened=True)
        )
    event.refresh_from_db()
    assert (event.kind, event.symptoms_worsened) == (kind, True)


def test_a_copied_inventory_keeps_the_onset_period(cara, tess):
    cara_course = open_course_for(cara, tess, weeks_ago=0)
    save_onset(cara_course, tess, onset=DECEMBER, onset_until=FEBRUARY)
    person(cara_course, tess)
    _ended_today(cara_course, tess)
    later = open_course_for(cara, tess, weeks_ago=0)
    services.copy_inventory_forward(cara_course, later, actor=tess)
    assert Inventory.objects.get(course=later).onset_until_on == date(2025, 2, 1)


# --- The suggester reads them ----------------------------------------------------------------


def test_the_recorded_facts_reach_the_case_and_the_suggestion(cara_course, tess):
    save_onset(cara_course, tess, onset=DECEMBER, onset_until=FEBRUARY)
    jo = person(
        cara_course,
        tess,
        label="Jo",
        relationship_type="sibling",
        second_type="colleague",
        contact_frequency="fortnightly",
        expectations_met=True,
    )
    services.add_event(
        cara_course, actor=tess, data=event_data(symptoms_worsened=True), people=[jo]
    )
    case = build_case(load_rows(cara_course.pk, cara_course.variant_enum), date(2025, 9, 1))
    assert (case.onset, case.onset_until) == (DECEMBER, FEBRUARY)
    (relationship,) = case.relationships
    assert relationship.second_type is RelationshipType.COLLEAGUE
    assert relationship.contact_frequency is ContactFrequency.FORTNIGHTLY
    assert case.events[0].symptoms_worsened
    # A new job in June, after the winter onset, with the symptoms worse after it.
    transition = suggest(case).assessment(ProblemArea.ROLE_TRANSITION)
    assert transition.status is Status.SUGGESTED
    assert Rule.TRANSITION_WORSENED_AFTER in transition.rules


# --- Pages -------------------------------------------------------------------------------------


def test_the_onset_period_is_saved_and_shown_on_the_timeline_page(client, tess, cara_course):
    client.force_login(tess)
    url = reverse("inventory:timeline_facts", args=[cara_course.pk])
    response = client.post(
        url,
        {
            "episode-onset": "December 2024",
            "episode-onset_until": "February 2025",
            "episode-version": "0",
        },
    )
    assert response.status_code == 302
    assert Inventory.objects.get().onset_until_on == date(2025, 2, 1)
    page = _page(client.get(reverse("inventory:timeline", args=[cara_course.pk])))
    assert 'value="February 2025"' in page


def test_an_onset_period_that_ends_first_is_refused_keeping_what_was_typed(
    client, tess, cara_course
):
    client.force_login(tess)
    html = _page(
        client.post(
            reverse("inventory:timeline_facts", args=[cara_course.pk]),
            {
                "episode-onset": "March 2025",
                "episode-onset_until": "January 2025",
                "episode-patterns": "Keeps the peace",
                "episode-version": "0",
            },
        )
    )
    assert "cannot end before it starts" in html
    assert 'value="January 2025"' in html and "Keeps the peace" in html
    assert not Inventory.objects.exists()


def test_a_worsening_is_ticked_on_a_new_event(client, tess, cara_course):
    client.force_login(tess)
    response = client.post(
        reverse("inventory:event_add", args=[cara_course.pk]),
        {
            "new-when": "March 2025",
            "new-kind": "joined_household",
            "new-description": "Her mother moved in",
            "new-symptoms_worsened": "on",
            "new-version": "0",
        },
        **HTMX,
    )
    html = _page(response)
    assert "Her mother moved in" in html and "symptoms worse after" in html
    event = LifeEvent.objects.get()
    assert (event.kind, event.symptoms_worsened) == ("joined_household", True)


def test_a_second_role_is_chosen_and_shown_with_the_first(client, tess, cara_course):
    client.force_login(tess)
    client.post(
        reverse("inventory:relationship_add", args=[cara_course.pk]),
        {
            "new-label": "Jo",
            "new-relationship_type": "sibling",
            "new-second_type": "colleague",
            "new-status": "alive",
            "new-contact_frequency": "fortnightly",
            "new-version": "0",
        },
        **HTMX,
    )
    assert Relationship.objects.get().second_type == "colleague"
    page = _page(client.get(reverse("inventory:relationships", args=[cara_course.pk])))
    assert "Sibling and colleague" in page
    row = _page(client.get(reverse("inventory:relationship_new", args=[cara_course.pk]), **HTMX))
    assert "Every two or three weeks" in row and "Also (a second role)" in row


def test_the_export_carries_the_new_facts(client, tess, cara_course):
    save_onset(cara_course, tess, onset=DECEMBER, onset_until=FEBRUARY)
    jo = person(cara_course, tess, label="Jo", relationship_type="sibling", second_type="friend")
    services.add_event(
        cara_course,
        actor=tess,
        data=event_data(kind="caring_ended", symptoms_worsened=True),
        people=[jo],
    )
    client.force_login(tess)
    case = load_case(_page(client.get(reverse("inventory:export", args=[cara_course.pk]))))
    assert case.onset_until == FEBRUARY
    assert case.relationships[0].second_type is RelationshipType.FRIEND
    assert case.events[0].symptoms_worsened


def test_otto_gets_404_on_the_onset_period_and_saves_nothing(client, otto, cara_course):
    client.force_login(otto)
    response = client.post(
        reverse("inventory:timeline_facts", args=[cara_course.pk]),
        {"episode-onset": "December 2024", "episode-onset_until": "February 2025"},
    )
    assert response.status_code == 404
    assert not Inventory.objects.exists()


def test_another_clients_course_is_not_reached(client, tess, cara_course):
    other = open_course_for(make_client(tess, tess, "Dev", "Patel"), tess)
    save_onset(other, tess, onset=DECEMBER, onset_until=FEBRUARY)
    assert Inventory.objects.get(course=other).onset_until_on == date(2025, 2, 1)
    assert not Inventory.objects.filter(course=cara_course).exists()


def test_an_onset_period_stored_the_wrong_way_round_is_ignored_not_a_crash(cara_course, tess):
    facts = save_onset(cara_course, tess, onset=DECEMBER, onset_until=FEBRUARY)
    Inventory.objects.filter(pk=facts.pk).update(onset_until_on=date(2024, 1, 1))
    rows = load_rows(cara_course.pk, cara_course.variant_enum)
    assert rows.onset == DECEMBER and rows.onset_until is None
    assert build_case(rows, date(2025, 9, 1)).onset_until is None
