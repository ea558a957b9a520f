"""My therapy, as we agreed it: the service user's view of what their therapist shared."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from iptclinic.accounts.models import Role, User
from iptclinic.attention.models import Item
from iptclinic.courses.models import Course
from iptclinic.inventory import services, sharing
from iptclinic.inventory.models import PortalGoalRating, Relationship, Suggestion
from iptclinic.inventory.tests.helpers import agree, day_of, initial_phase_done
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.test import make_client, make_user, open_course_for, record_the_past_as_missed


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def agreed(cara_course: Course, tess: User) -> Course:
    third = initial_phase_done(cara_course, tess)[-1]
    agree(
        cara_course,
        tess,
        day_of(third),
        areas=(ProblemArea.ROLE_TRANSITION,),
        goals={ProblemArea.ROLE_TRANSITION: ["Join the walking group"]},
    )
    record_the_past_as_missed(cara_course, tess)
    return cara_course


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User) -> HttpClient:
    client.force_login(cara_user)
    return client


def test_nothing_is_shown_until_the_therapist_shares_it(
    as_cara: HttpClient, agreed: Course
) -> None:
    page = _page(as_cara.get(reverse("portal:my_therapy")))
    assert "has not shared anything here yet" in page
    assert "Join the walking group" not in page
    assert "Our understanding." not in page
    assert "<svg" not in page


def test_only_the_items_shared_are_shown_in_plain_words(
    as_cara: HttpClient, agreed: Course, tess: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["focus", "goals"])
    page = _page(as_cara.get(reverse("portal:my_therapy")))
    assert "Changes in your life" in page
    assert "Join the walking group" in page
    assert "role_transition" not in page and "Role transition" not in page
    assert "Our understanding." not in page  # the formulation is not shared
    assert "<svg" not in page


def test_a_draft_formulation_is_never_shown(
    as_cara: HttpClient, agreed: Course, tess: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["formulation"])
    assert "Our understanding." in _page(as_cara.get(reverse("portal:my_therapy")))
    revised = services.revise_formulation(agreed, actor=tess)
    services.save_formulation(
        agreed, actor=tess, text="A new draft.", expected_version=revised.version
    )
    page = _page(as_cara.get(reverse("portal:my_therapy")))
    assert "A new draft." not in page and "Our understanding." not in page


def test_the_drawings_are_the_clinics_without_the_clinical_tags(
    as_cara: HttpClient, agreed: Course, tess: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["circle", "timeline"])
    page = _page(as_cara.get(reverse("portal:my_therapy")))
    assert page.count("<svg") == 2
    assert "Sam" in page
    assert "linked to" not in page and "dispute" not in page.lower()


def test_the_person_rates_their_goals_for_the_next_session(
    as_cara: HttpClient, agreed: Course, tess: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["goals"])
    goal = sharing.current_goals(agreed)[0]
    url = reverse("portal:rate_goals")
    assert "Join the walking group" in _page(as_cara.get(url))
    refused = as_cara.post(url, {f"goal_{goal.pk}": "12"})
    assert refused.status_code == 400
    assert "There is a problem" in _page(refused)
    response = as_cara.post(url, {f"goal_{goal.pk}": "7"})
    assert response.status_code == 302
    rating = PortalGoalRating.objects.get()
    assert rating.rating == 7 and rating.appointment == sharing.next_session(agreed)
    assert "Your last rating: 7 out of 10" in _page(as_cara.get(reverse("portal:my_therapy")))


def test_goals_not_shared_cannot_be_rated(as_cara: HttpClient, agreed: Course) -> None:
    goal = sharing.current_goals(agreed)[0]
    response = as_cara.post(reverse("portal:rate_goals"), {f"goal_{goal.pk}": "5"})
    assert response.status_code == 302
    assert not PortalGoalRating.objects.exists()


def test_add_someone_waits_for_the_therapist(
    as_cara: HttpClient, agreed: Course, tess: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["circle"])
    url = reverse("portal:add_someone")
    refused = as_cara.post(url, {"label": "", "closeness": ""})
    assert refused.status_code == 400
    assert "Write their name or initials." in _page(refused)
    as_cara.post(url, {"label": "Jo", "closeness": "2", "text": "My neighbour."})
    assert not Relationship.objects.filter(label="Jo").exists()
    assert Item.objects.filter(kind="portal_suggestion", owner=tess).count() == 1
    page = _page(as_cara.get(reverse("portal:my_therapy")))
    assert "add Jo" in page and "Waiting for your therapist" in page


def test_this_isnt_right_keeps_what_was_typed_when_refused(
    as_cara: HttpClient, agreed: Course, tess: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["goals"])
    url = reverse("portal:not_right")
    refused = as_cara.post(url, {"text": "The goal is out of date."})
    assert refused.status_code == 400
    assert "The goal is out of date." in _page(refused)
    as_cara.post(url, {"item": "goals", "text": "The goal is out of date."})
    suggestion = Suggestion.objects.get()
    assert suggestion.item == "goals" and suggestion.is_open


def test_a_service_user_sees_only_their_own_therapy(
    client: HttpClient, agreed: Course, tess: User, otto: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["goals", "focus", "circle"])
    other = make_client(otto, otto, "Ruth", "Adeyemi")
    other_user = make_user(other.team, "ruth", Role.SERVICE_USER)
    other.portal_user = other_user
    other.save(update_fields=["portal_user"])
    open_course_for(other, otto)
    client.force_login(other_user)
    page = _page(client.get(reverse("portal:my_therapy")))
    assert "Join the walking group" not in page and "Sam" not in page
    assert "has not shared anything here yet" in page


def test_staff_are_sent_away_from_the_portal_page(client: HttpClient, tess: User) -> None:
    client.force_login(tess)
    assert client.get(reverse("portal:my_therapy")).status_code == 404
