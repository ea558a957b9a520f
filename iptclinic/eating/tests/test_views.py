"""The eating log page: who sees it, entering through the form, weight only where the team
records it, the chart and table, and the timeline's question for IPT-ED courses."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iptclinic.audit.models import AuditEvent
from iptclinic.eating.models import EatingLogEntry, EatingSettings
from iptclinic.ipt.variants import Variant
from iptclinic.test import attend_next, open_course_for

from .helpers import ed_course, form, sessions


@pytest.fixture
def course(cara, tess):
    return ed_course(cara, tess)


def _url(course):
    return reverse("eating:log", args=[course.pk])


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("who", ["otto", "cara_user", "hana"])
def test_otto_the_client_and_another_team_get_404(request, client, course, who):
    client.force_login(request.getfixturevalue(who))
    first = sessions(course)[0]
    assert client.get(_url(course)).status_code == 404
    assert client.post(_url(course), form(first)).status_code == 404
    assert not EatingLogEntry.objects.exists()


def test_a_course_that_is_not_ipt_ed_has_no_eating_log(client, tess, cara):
    course = open_course_for(cara, tess)
    client.force_login(tess)
    assert client.get(_url(course)).status_code == 404


def test_the_therapist_records_a_session_and_sees_it_in_the_table_and_chart(client, tess, course):
    client.force_login(tess)
    second = sessions(course)[1]
    response = client.post(_url(course), form(second, binges="6", vomiting="2"))
    assert response.status_code == 302
    entry = EatingLogEntry.objects.get()
    assert (entry.appointment, entry.binges, entry.vomiting, entry.exercise) == (second, 6, 2, 1)
    page = client.get(_url(course))
    text = _text(page)
    assert "session 2: 6 binges, 2 purging" in page.content.decode()  # the chart's description
    assert "Not recorded" in text  # sessions 1 and 3
    assert "Weight" not in text
    assert AuditEvent.objects.filter(action="client.view", detail={"page": "eating_log"}).exists()


def test_a_wrong_entry_keeps_what_was_typed_and_names_the_field(client, tess, course):
    client.force_login(tess)
    first = sessions(course)[0]
    response = client.post(_url(course), form(first, binges="250", vomiting="3"))
    assert response.status_code == 200
    text = _text(response)
    assert "Binge episodes: Enter a number from 0 to 200." in text
    assert 'value="250"' in response.content.decode()
    assert 'value="3"' in response.content.decode()
    assert not EatingLogEntry.objects.exists()


def test_weight_is_asked_and_shown_only_where_the_team_records_weight(client, tess, course, team):
    """H-149."""
    client.force_login(tess)
    first = sessions(course)[0]
    assert 'name="weight_kg"' not in client.get(_url(course)).content.decode()
    client.post(_url(course), form(first, weight_kg="61.4"))  # a field the page did not offer
    assert EatingLogEntry.objects.get().weight_kg is None
    EatingSettings.objects.create(team=team, records_weight=True)
    response = client.post(_url(course), form(first, weight_kg="19", version="1"))
    assert "Weight (kg): Enter a weight from 20.0 to 300.0 kg." in _text(response)
    client.post(_url(course), form(first, weight_kg="61.4", version="1"))
    assert str(EatingLogEntry.objects.get().weight_kg) == "61.4"
    assert "61.4" in _text(client.get(_url(course)))


def test_the_supervisor_and_the_lead_read_the_log_but_do_not_write(client, sam, lee, course):
    for who in (sam, lee):
        client.force_login(who)
        page = client.get(_url(course))
        assert page.status_code == 200
        assert 'name="binges"' not in page.content.decode()
        client.post(_url(course), form(sessions(course)[0]))
    assert not EatingLogEntry.objects.exists()


def test_the_course_page_links_to_the_eating_log_of_an_ipt_ed_course_only(
    client, tess, cara, course
):
    client.force_login(tess)
    page = client.get(reverse("clients:detail", args=[cara.pk])).content.decode()
    assert _url(course) in page


def test_the_timeline_asks_about_eating_problems_in_an_ipt_ed_course(client, tess, course):
    client.force_login(tess)
    page = client.get(reverse("inventory:event_new", args=[course.pk])).content.decode()
    assert "Eating problems got worse after this" in page
    assert "Symptoms got worse after this" not in page


def test_the_timeline_keeps_its_words_in_other_courses(client, tess, cara):
    course = open_course_for(cara, tess)
    client.force_login(tess)
    page = client.get(reverse("inventory:event_new", args=[course.pk])).content.decode()
    assert "Symptoms got worse after this" in page


def test_the_page_costs_the_same_queries_for_3_and_12_sessions(client, tess, cara):
    course = open_course_for(cara, tess, weeks_ago=14, contracted=20, variant=Variant.IPT_ED)
    attend_next(course, tess, 3)
    client.force_login(tess)
    for appointment in sessions(course):
        client.post(_url(course), form(appointment))

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(course)).status_code == 200
        return len(queries)

    few = cost()
    attend_next(course, tess, 9)
    for appointment in sessions(course)[3:]:
        client.post(_url(course), form(appointment))
    assert cost() == few


def test_only_the_service_lead_opens_the_settings(client, tess, lee, team):
    url = reverse("eating:settings")
    client.force_login(tess)
    assert client.get(url).status_code == 404
    client.force_login(lee)
    assert client.get(url).status_code == 200
    assert client.post(url, {"records_weight": "on", "purging_rise": "-1"}).status_code == 200
    assert not EatingSettings.objects.exists()
    assert client.post(url, {"records_weight": "on", "purging_rise": "4"}).status_code == 302
    saved = EatingSettings.objects.get(team=team)
    assert (saved.records_weight, saved.purging_rise) == (True, 4)
