"""Registering a client, their page, their details and allocation."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients import services
from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Course
from iptclinic.test import attend_next

NEEDS_FLAG = "<strong>Communication needs:</strong> Large print"

TYPED = {
    "client-given_name": "Amira",
    "client-family_name": "Haddad",
    "client-preferred_name": "Mira",
    "client-date_of_birth": "1990-07-14",
    "client-nhs_number": "485 777 3457",
    "client-address": "12 Mill Lane\nBristol",
    "client-postcode": "BS1 4DJ",
    "client-phone": "07700 900123",
    "client-email": "mira@example.org",
    "client-preferred_contact": "text",
    "client-gp_practice": "Mill Lane Surgery",
    "client-gp_address": "1 Mill Lane\nBristol",
    "client-care_coordinator": "Jo Bell",
    "client-language": "Arabic",
    "client-interpreter": "spoken",
    "client-easy_read": "on",
    "client-other_needs": "Morning appointments suit her best",
    "referral-received_on": "2026-10-01",
    "referral-referrer": "Dr Patel",
    "referral-referrer_address": "Mill Lane Surgery\nBristol",
    "referral-reason": "Low mood since her father died in the spring.",
    "referral-presenting_problem": "other",
    "referral-presenting_problem_other": "Prolonged grief",
}


def _page(response: Any) -> str:
    return response.content.decode()


def _signed_in(client: HttpClient, user: User) -> HttpClient:
    client.force_login(user)
    return client


def _register(client: HttpClient, **changes: str) -> Any:
    return client.post(reverse("clients:new"), {**TYPED, **changes})


def _edit_data(client_record: Client, **changes: Any) -> dict[str, Any]:
    data = {
        name: getattr(client_record, name)
        for name in ("given_name", "family_name", "nhs_number", "preferred_contact", "language")
    }
    data["date_of_birth"] = client_record.date_of_birth.isoformat()
    data["large_print"] = "on" if client_record.large_print else ""
    data["version"] = client_record.version
    data["change_reason"] = "New details given by the client."
    return {**data, **changes}


@pytest.fixture
def as_tess(client: HttpClient, tess: User) -> HttpClient:
    return _signed_in(client, tess)


@pytest.fixture
def as_lee(client: HttpClient, lee: User) -> HttpClient:
    return _signed_in(client, lee)


# Registering


def test_an_invalid_nhs_number_is_refused_and_every_other_typed_field_is_kept(
    as_tess: HttpClient,
) -> None:
    response = _register(as_tess, **{"client-nhs_number": "401 023 2138"})

    page = _page(response)
    assert response.status_code == 200
    assert escape("the last digit (the check digit) is wrong") in page
    for name, typed in TYPED.items():
        if name in ("client-preferred_contact", "client-interpreter", "client-easy_read"):
            continue
        shown = "401 023 2138" if name == "client-nhs_number" else typed
        assert escape(shown) in page, name
    assert '<option value="text" selected>' in page
    assert '<option value="spoken" selected>' in page
    assert '<option value="other" selected>' in page
    assert re.search(r'<input type="checkbox" name="client-easy_read"[^>]* checked', page)
    assert not Client.objects.exists()


def test_a_valid_nhs_number_typed_with_spaces_is_stored_as_ten_digits(
    as_tess: HttpClient,
) -> None:
    response = _register(as_tess)

    amira = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[amira.pk])
    assert amira.nhs_number == "4857773457"
    assert "485 777 3457" in _page(as_tess.get(response["Location"]))


@pytest.mark.parametrize("typed", ["31/02/2020", "yesterday"])
def test_a_malformed_date_of_birth_gets_a_clear_message_and_keeps_the_form(
    as_tess: HttpClient, typed: str
) -> None:
    response = _register(as_tess, **{"client-date_of_birth": typed})

    page = _page(response)
    assert response.status_code == 200
    assert "Enter a real date as day/month/year, for example 23/04/1985." in page
    assert f'value="{escape(typed)}"' in page
    assert 'value="Amira"' in page
    assert not Client.objects.exists()


def test_a_future_date_of_birth_is_refused_on_the_page(as_tess: HttpClient) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = _register(as_tess, **{"client-date_of_birth": tomorrow})

    assert "The date of birth cannot be in the future." in _page(response)
    assert not Client.objects.exists()


def test_a_therapist_who_registers_a_client_holds_them(as_tess: HttpClient, tess: User) -> None:
    _register(as_tess)

    amira = Client.objects.get()
    assert amira.therapist == tess
    assert amira.team == tess.team
    referral = Referral.objects.get()
    assert (referral.client, referral.presenting_problem_other) == (amira, "Prolonged grief")
    event = AuditEvent.objects.get(action="client.register")
    assert (event.actor, event.client) == (tess, amira)


def test_the_registration_page_offers_allocation_only_to_the_service_lead(
    client: HttpClient, tess: User, lee: User
) -> None:
    assert "allocation-therapist" not in _page(_signed_in(client, tess).get("/clients/new/"))
    assert "allocation-therapist" in _page(_signed_in(client, lee).get("/clients/new/"))


def test_a_service_lead_registers_a_client_unallocated_and_allocates_later(
    as_lee: HttpClient, lee: User, otto: User
) -> None:
    _register(as_lee, **{"allocation-therapist": ""})
    amira = Client.objects.get()
    assert amira.therapist is None

    response = as_lee.post(
        reverse("clients:allocate", args=[amira.pk]), {"therapist": otto.pk}, follow=True
    )

    amira.refresh_from_db()
    assert amira.therapist == otto
    assert "The allocation is saved." in _page(response)
    assert AuditEvent.objects.get(action="client.allocate").detail == {
        "therapist_id": otto.pk,
        "previous_id": None,
        "items_moved": 0,
    }


@pytest.mark.parametrize("persona", ["hana", "sam"])
def test_allocation_to_another_teams_therapist_or_a_supervisor_is_refused(
    as_lee: HttpClient, cara: Client, tess: User, persona: str, request: pytest.FixtureRequest
) -> None:
    someone = request.getfixturevalue(persona)

    response = as_lee.post(reverse("clients:allocate", args=[cara.pk]), {"therapist": someone.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in _page(response)
    cara.refresh_from_db()
    assert cara.therapist == tess


@pytest.mark.parametrize("persona", ["hana", "sam"])
def test_the_allocation_service_refuses_anyone_but_a_therapist_of_the_team(
    cara: Client, lee: User, persona: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(services.AllocationError, match="IPT therapist in the same team"):
        services.allocate_client(cara, actor=lee, therapist=request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", ["tess", "sam"])
def test_only_the_service_lead_allocates(
    client: HttpClient, cara: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    signed_in = _signed_in(client, request.getfixturevalue(persona))

    assert signed_in.get(reverse("clients:allocate", args=[cara.pk])).status_code == 404


def test_a_supervisor_cannot_register_clients(client: HttpClient, sam: User) -> None:
    assert _signed_in(client, sam).get(reverse("clients:new")).status_code == 404


def test_a_supervisor_cannot_open_courses_or_write_records(
    client: HttpClient, cara_course: Course, cara: Client, tess: User, sam: User
) -> None:
    (attended,) = attend_next(cara_course, tess)
    as_sam = _signed_in(client, sam)
    record_url = reverse("courses:record", args=[attended.pk])

    assert as_sam.get(reverse("clients:detail", args=[cara.pk])).status_code == 200
    assert as_sam.get(reverse("courses:new", args=[cara.pk])).status_code == 404
    assert as_sam.post(record_url, {"version": "0", "notes": "Sam's notes."}).status_code == 404
    assert 'name="notes"' not in _page(as_sam.get(record_url))
    assert not hasattr(attended, "record")


# The client's pages


def test_the_communication_needs_flag_is_on_every_page_about_the_client(
    as_tess: HttpClient, cara_course: Course, cara: Client, tess: User
) -> None:
    (attended,) = attend_next(cara_course, tess)

    for url in (
        reverse("clients:detail", args=[cara.pk]),
        reverse("clients:edit", args=[cara.pk]),
        reverse("courses:record", args=[attended.pk]),
        reverse("courses:end", args=[cara_course.pk]),
        reverse("courses:contract", args=[cara_course.pk]),
    ):
        assert NEEDS_FLAG in _page(as_tess.get(url)), url
    assert "Needs: Large print" in _page(as_tess.get(reverse("courses:caseload")))


def test_the_flag_names_the_interpreter_and_the_language(as_tess: HttpClient, tess: User) -> None:
    _register(as_tess)
    amira = Client.objects.get()

    page = _page(as_tess.get(reverse("clients:detail", args=[amira.pk])))

    assert (
        "Spoken-language interpreter (Arabic); Easy read; Morning appointments suit her best"
        in page
    )


def test_the_client_page_shows_the_course_with_its_phase_bands(
    as_tess: HttpClient, cara_course: Course, cara: Client, tess: User
) -> None:
    attend_next(cara_course, tess, 2)

    page = _page(as_tess.get(reverse("clients:detail", args=[cara.pk])))

    assert "Session 2 of 16" in page
    assert "Initial: sessions 1–3" in page
    assert "Middle: sessions 4–14" in page
    assert "Ending: sessions 15–16" in page
    assert "Cara Whitfield" in page
    assert "943 476 5919" in page


def test_editing_details_saves_what_changed(as_tess: HttpClient, cara: Client) -> None:
    response = as_tess.post(
        reverse("clients:edit", args=[cara.pk]), _edit_data(cara, phone="0117 496 0000")
    )

    assert response.status_code == 302
    cara.refresh_from_db()
    assert (cara.phone, cara.version) == ("0117 496 0000", 2)
    assert AuditEvent.objects.get(action="client.update").detail == {"fields": ["phone"]}


def test_editing_details_from_a_stale_copy_is_refused_keeping_what_was_typed(
    as_tess: HttpClient, cara: Client, lee: User
) -> None:
    stale = _edit_data(cara, phone="0117 496 0000")
    services.update_client_details(
        cara,
        actor=lee,
        changes={"email": "cara@example.org"},
        expected_version=1,
        reason="New email address.",
    )

    response = as_tess.post(reverse("clients:edit", args=[cara.pk]), stale)

    page = _page(response)
    assert response.status_code == 409
    assert "Someone else saved this client&#x27;s details while you were editing it." in page
    assert 'value="0117 496 0000"' in page
    cara.refresh_from_db()
    assert (cara.phone, cara.email, cara.version) == ("", "cara@example.org", 2)


def test_an_invalid_nhs_number_on_the_edit_page_keeps_the_stored_one(
    as_tess: HttpClient, cara: Client
) -> None:
    response = as_tess.post(
        reverse("clients:edit", args=[cara.pk]), _edit_data(cara, nhs_number="943 476 5918")
    )

    assert "the last digit (the check digit) is wrong" in _page(response)
    assert 'value="943 476 5918"' in _page(response)
    cara.refresh_from_db()
    assert cara.nhs_number == "9434765919"


def test_a_second_referral_can_be_added(as_tess: HttpClient, cara: Client) -> None:
    response = as_tess.post(
        reverse("clients:referral_new", args=[cara.pk]),
        {
            "received_on": timezone.localdate().isoformat(),
            "referrer": "Self-referral",
            "reason": "Low mood again.",
            "presenting_problem": "depression",
        },
    )

    assert response.status_code == 302
    assert cara.referrals.count() == 2


def test_a_service_lead_keeps_details_up_to_date_but_cannot_open_a_course(
    as_lee: HttpClient, cara: Client
) -> None:
    assert as_lee.get(reverse("clients:edit", args=[cara.pk])).status_code == 200
    assert as_lee.get(reverse("courses:new", args=[cara.pk])).status_code == 404


def test_a_supervisor_cannot_edit_details(client: HttpClient, cara: Client, sam: User) -> None:
    assert _signed_in(client, sam).get(reverse("clients:edit", args=[cara.pk])).status_code == 404


@pytest.mark.parametrize("name", ["clients:detail", "clients:edit", "clients:referral_new"])
@pytest.mark.parametrize("persona", ["otto", "hana"])
def test_otto_and_hana_get_404_on_caras_pages(
    client: HttpClient, cara: Client, name: str, persona: str, request: pytest.FixtureRequest
) -> None:
    signed_in = _signed_in(client, request.getfixturevalue(persona))

    assert signed_in.get(reverse(name, args=[cara.pk])).status_code == 404


def test_a_service_lead_cannot_reach_another_teams_client(
    client: HttpClient, hana_client: Client, lee: User
) -> None:
    as_lee = _signed_in(client, lee)

    assert as_lee.get(reverse("clients:detail", args=[hana_client.pk])).status_code == 404
    assert as_lee.get(reverse("clients:allocate", args=[hana_client.pk])).status_code == 404
    assert "Ingrid Hall" not in _page(as_lee.get(reverse("courses:caseload")))


def test_a_client_registered_by_the_lead_keeps_the_leads_team(lee: User, tess: User) -> None:
    amira = services.register_client(
        actor=lee,
        therapist=tess,
        details={"given_name": "Amira", "family_name": "Haddad", "date_of_birth": "1990-07-14"},
        referral={
            "received_on": timezone.localdate(),
            "referrer": "Dr Patel",
            "reason": "Low mood.",
        },
    )

    assert (amira.team, amira.therapist) == (lee.team, tess)
