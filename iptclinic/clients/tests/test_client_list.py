"""The client list: search by name, NHS number, therapist and course, one keyset page at a time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients import selectors
from iptclinic.clients.access import visible_clients
from iptclinic.clients.models import Client
from iptclinic.clients.selectors import ClientSearch, Standing, client_page
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.phases import Phase
from iptclinic.test import make_client, open_course_for

LIST = reverse("clients:list")


def _names(page: selectors.ClientPage) -> list[str]:
    return [row.client.full_name for row in page.rows]


def _shown(response) -> list[str]:
    return re.findall(r'<a href="/clients/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)


def test_it_finds_a_client_by_part_of_a_name_in_any_case(tess: User, cara: Client) -> None:
    make_client(tess, tess, "Carl", "Hughes")
    for text in ("whit", "CARA", "cara whit", "Whitfield  Cara"):
        found = client_page(visible_clients(tess), ClientSearch(text=text))
        assert _names(found) == ["Cara Whitfield"], text


def test_it_finds_a_client_by_preferred_name(tess: User) -> None:
    make_client(tess, tess, "Margaret", "Oyelaran", preferred_name="Peggy")
    found = client_page(visible_clients(tess), ClientSearch(text="peggy"))
    assert _names(found) == ["Margaret Oyelaran"]


def test_it_finds_a_client_by_nhs_number_typed_with_spaces(tess: User, cara: Client) -> None:
    make_client(tess, tess, "Carl", "Hughes", nhs_number="4010232137")
    found = client_page(visible_clients(tess), ClientSearch(text="943 476 5919"))
    assert _names(found) == ["Cara Whitfield"]


def test_it_filters_by_therapist_and_by_where_the_course_stands(
    tess: User, otto: User, lee: User, cara: Client
) -> None:
    open_course_for(cara, tess)  # opened, no session attended yet
    active = make_client(tess, tess, "Ada", "Active")
    Course.objects.filter(pk=open_course_for(active, tess).pk).update(state=CourseState.ACTIVE)
    ended = make_client(lee, otto, "Ed", "Ended")
    course = open_course_for(ended, otto)
    Course.objects.filter(pk=course.pk).update(
        state=CourseState.COMPLETED, ended_on=timezone.localdate() - timedelta(days=400)
    )
    make_client(lee, otto, "Wyn", "Waiting")
    everyone = visible_clients(lee)
    assert _names(client_page(everyone, ClientSearch(therapist=otto))) == [
        "Ed Ended",
        "Wyn Waiting",
    ]
    by_standing = {
        standing: _names(client_page(everyone, ClientSearch(standing=standing)))
        for standing in Standing
    }
    assert by_standing == {
        Standing.OPEN: ["Ada Active", "Cara Whitfield"],
        Standing.NOT_STARTED: ["Cara Whitfield"],
        Standing.ACTIVE: ["Ada Active"],
        Standing.WAITING: ["Wyn Waiting"],
        Standing.ENDED: ["Ed Ended"],
    }


def test_pages_follow_the_name_order_forwards_and_back(tess: User, small_pages: None) -> None:
    for given, family in [("Al", "Brown"), ("Bo", "Brown"), ("Cy", "Adams"), ("Di", "Young")]:
        make_client(tess, tess, given, family)
    make_client(tess, tess, "Al", "Brown")  # the same name twice: the id breaks the tie
    clients = visible_clients(tess)
    first = client_page(clients, ClientSearch())
    assert _names(first) == ["Cy Adams", "Al Brown"] and first.previous_before is None
    second = client_page(clients, ClientSearch(), after=first.next_after)
    assert _names(second) == ["Al Brown", "Bo Brown"]
    third = client_page(clients, ClientSearch(), after=second.next_after)
    assert _names(third) == ["Di Young"] and third.next_after is None
    back = client_page(clients, ClientSearch(), before=third.previous_before)
    assert [r.client.pk for r in back.rows] == [r.client.pk for r in second.rows]
    assert back.next_after == second.next_after
    assert back.previous_before == second.previous_before
    start = client_page(clients, ClientSearch(), before=back.previous_before)
    assert _names(start) == ["Cy Adams", "Al Brown"] and start.previous_before is None


def test_a_cursor_the_person_cannot_see_starts_from_the_first_page(
    tess: User, hana_client: Client, cara: Client
) -> None:
    page = client_page(visible_clients(tess), ClientSearch(), after=hana_client.pk)
    assert _names(page) == ["Cara Whitfield"]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("tess", ["Cara Whitfield"]),
        ("sam", ["Cara Whitfield"]),
        ("lee", ["Olga Other", "Cara Whitfield"]),
        ("otto", ["Olga Other"]),
    ],
)
def test_each_role_finds_only_the_clients_it_may_see(
    client: HttpClient,
    request: pytest.FixtureRequest,
    persona: str,
    sees: list[str],
    cara: Client,
    otto: User,
    hana_client: Client,
) -> None:
    make_client(otto, otto, "Olga", "Other")
    client.force_login(request.getfixturevalue(persona))
    assert _shown(client.get(LIST)) == sees


def test_the_page_and_its_next_link_work_without_javascript(
    client: HttpClient, tess: User, small_pages: None
) -> None:
    for given in ("Ana", "Bea", "Cat"):
        make_client(tess, tess, given, "Example")
    client.force_login(tess)
    first = client.get(LIST, {"text": "example"})
    assert _shown(first) == ["Ana Example", "Bea Example"]
    link = re.search(r'href="\?([^"]+)">Next page', first.content.decode())[1]
    second = client.get(f"{LIST}?{link.replace('&amp;', '&')}")
    assert _shown(second) == ["Cat Example"] and "Previous page" in second.content.decode()


def test_an_htmx_search_gets_the_results_alone(
    client: HttpClient, tess: User, cara: Client
) -> None:
    client.force_login(tess)
    response = client.get(LIST, {"text": "cara"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and 'id="client-results"' in page and "Cara Whitfield" in page


def test_a_search_is_audited_with_its_terms_and_the_page_shown(
    client: HttpClient, tess: User, cara: Client
) -> None:
    make_client(tess, tess, "Carl", "Hughes")
    client.force_login(tess)
    client.get(LIST, {"text": "whitfield", "standing": ""})
    event = AuditEvent.objects.filter(action="clients.search").latest("id")
    assert event.detail == {
        "client_ids": [cara.pk],
        "search": {
            "text": "whitfield",
            "therapist_id": None,
            "standing": "",
            "phase": "",
            "after": None,
            "before": None,
        },
    }


def test_bad_input_gets_a_message_and_the_rest_of_the_search_still_runs(
    client: HttpClient, tess: User, cara: Client
) -> None:
    make_client(tess, tess, "Carl", "Hughes")
    client.force_login(tess)
    response = client.get(LIST, {"text": "whitfield", "standing": "lost", "after": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert 'value="whitfield"' in response.content.decode()
    assert _shown(response) == ["Cara Whitfield"]


def _queries(client: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_a_page_of_the_list_costs_the_same_queries_for_3_and_60_clients(
    client: HttpClient, lee: User, tess: User
) -> None:
    client.force_login(lee)
    made = [make_client(tess, tess, f"Person{n:02}", "Example") for n in range(3)]
    few = _queries(client, f"{LIST}?text=example&after={made[0].pk}")
    for n in range(3, 60):
        open_course_for(make_client(tess, tess, f"Person{n:02}", "Example"), tess)
    many = _queries(client, f"{LIST}?text=example&after={made[0].pk}")
    assert few == many


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_on_postgresql_the_name_search_can_use_the_trigram_index(tess: User, cara: Client) -> None:
    found = ClientSearch(text="whit").filter(Client.objects.all())
    with connection.cursor() as cursor:
        # A handful of rows would be read in full anyway; the question is whether the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = found.explain()
    assert "client_search_name_trgm" in plan


def test_it_filters_open_courses_by_their_phase(tess: User, cara: Client) -> None:
    course = open_course_for(cara, tess)
    late = make_client(tess, tess, "Lou", "Late")
    ending = open_course_for(late, tess, weeks_ago=20)
    Appointment.objects.filter(course=ending).update(status="attended")
    clients = visible_clients(tess)
    assert _names(client_page(clients, ClientSearch(phase=Phase.INITIAL))) == ["Cara Whitfield"]
    assert _names(client_page(clients, ClientSearch(phase=Phase.ENDING))) == ["Lou Late"]
    assert _names(client_page(clients, ClientSearch(phase=Phase.MIDDLE))) == []
    Course.objects.filter(pk=course.pk).update(state=CourseState.COMPLETED)
    assert _names(client_page(clients, ClientSearch(phase=Phase.INITIAL))) == []
