"""Hostile text through the pages: refused on its field, everything else kept, nothing saved.

The rules are in ``iptclinic/lib/text.py`` and every form applies them through
``iptclinic/lib/forms.py``; these tests go through real views on a few representative forms.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils.html import escape

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Addendum, Course, SessionRecord
from iptclinic.inventory.models import Relationship
from iptclinic.lib.forms import form_message
from iptclinic.lib.text import Problem, refusal
from iptclinic.measures.tests.helpers import RISK_CLEAR
from iptclinic.test import attend_next

REGISTRATION = {
    "client-given_name": "Amira",
    "client-family_name": "Haddad",
    "client-date_of_birth": "1990-07-14",
    "client-address": "12 Mill Lane\nBristol",
    "client-postcode": "BS1 4DJ",
    "client-preferred_contact": "text",
    "client-language": "Arabic",
    "client-interpreter": "spoken",
    "client-other_needs": "Morning appointments suit her best",
    "referral-received_on": "2026-10-01",
    "referral-referrer": "Dr Patel",
    "referral-reason": "Low mood since her father died in the spring.",
    "referral-presenting_problem": "depression",
}

NO_RISK = {name: value for name, value in RISK_CLEAR.items() if name != "risk_action"}


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def as_tess(client: HttpClient, tess: User) -> HttpClient:
    client.force_login(tess)
    return client


def test_a_name_that_would_read_backwards_is_refused_and_the_rest_kept(
    as_tess: HttpClient, cara: Client
) -> None:
    before = Client.objects.count()

    response = as_tess.post(
        reverse("clients:new"), {**REGISTRATION, "client-given_name": "Ami\u202era"}
    )

    page = _page(response)
    assert response.status_code == 200
    assert response.context["details"].errors["given_name"] == [form_message(Problem.DIRECTION)]
    assert escape(form_message(Problem.DIRECTION)) in page
    assert 'name="client-given_name" value="Amira"' in page
    assert "\u202e" not in page
    for kept in ("Haddad", "12 Mill Lane\nBristol", "BS1 4DJ", "Dr Patel", "Morning appointments"):
        assert escape(kept) in page
    assert Client.objects.count() == before


def test_a_name_typed_with_a_combining_accent_is_stored_composed(as_tess: HttpClient) -> None:
    response = as_tess.post(
        reverse("clients:new"), {**REGISTRATION, "client-given_name": "Zoe\u0301"}
    )

    assert response.status_code == 302
    assert Client.objects.get(family_name="Haddad").given_name == "Zoé"


def test_a_session_note_with_a_null_byte_is_refused_and_the_record_kept_as_typed(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)

    response = as_tess.post(
        reverse("courses:record", args=[appointment.pk]),
        {
            "version": "0",
            "agenda": "Sleep and the row with her sister.",
            "notes": "Talked about\x00 her sister.",
            "risk_action": "None needed.",
            **NO_RISK,
        },
    )

    page = _page(response)
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == [form_message(Problem.CONTROL)]
    assert escape(form_message(Problem.CONTROL)) in page
    assert "Talked about her sister.</textarea>" in page
    assert "Sleep and the row with her sister.</textarea>" in page
    assert "None needed.</textarea>" in page
    assert "\x00" not in page
    assert not SessionRecord.objects.exists()


def test_an_inventory_person_with_a_control_character_comes_back_in_the_htmx_row(
    as_tess: HttpClient, cara_course: Course
) -> None:
    response = as_tess.post(
        reverse("inventory:relationship_add", args=[cara_course.pk]),
        {
            "new-label": "Jo\x1b[2J",
            "new-relationship_type": "friend",
            "new-status": "alive",
            "new-closeness_now": "2",
            "new-satisfying": "Walks on Sunday",
            "new-version": "0",
        },
        HTTP_HX_REQUEST="true",
    )

    page = _page(response)
    assert response.status_code == 200
    assert escape(form_message(Problem.CONTROL)) in page
    assert 'value="Jo[2J"' in page
    assert "Walks on Sunday" in page
    assert "\x1b" not in page
    assert not Relationship.objects.exists()


def test_an_addendum_with_a_null_byte_is_refused_with_a_message(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = course_services.save_session_record(
        appointment, actor=tess, data=NO_RISK, expected_version=0
    )
    course_services.sign_session_record(record, actor=tess, expected_version=1)

    response = as_tess.post(
        reverse("courses:addendum", args=[record.pk]), {"text": "Older\x00 sister."}, follow=True
    )

    assert refusal(Problem.CONTROL) in [str(m) for m in response.context["messages"]]
    assert not Addendum.objects.exists()


def test_the_addendum_service_refuses_a_control_character_whoever_calls_it(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = course_services.save_session_record(
        appointment, actor=tess, data=NO_RISK, expected_version=0
    )
    course_services.sign_session_record(record, actor=tess, expected_version=1)
    record.refresh_from_db()

    with pytest.raises(course_services.CourseRuleError, match="control character"):
        course_services.add_addendum(record, actor=tess, text="\x00")
    added = course_services.add_addendum(record, actor=tess, text="Sie\u0302n, not Sian.")
    assert added.text == "Siên, not Sian."


def test_otto_gets_404_before_his_text_is_looked_at(
    client: HttpClient, otto: User, cara: Client
) -> None:
    client.force_login(otto)

    response = client.post(
        reverse("clients:edit", args=[cara.pk]),
        {"given_name": "Ca\u202era", "family_name": "Whitfield", "version": "0"},
    )

    assert response.status_code == 404
    assert Client.objects.get(pk=cara.pk).given_name == "Cara"
