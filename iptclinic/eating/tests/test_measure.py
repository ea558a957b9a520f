"""A licensed eating-disorder questionnaire loaded as data, then recorded on an IPT-ED course.
The definition used is invented for the tests (ipt/tests/test_configured_measures.py)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from iptclinic.audit.models import AuditEvent
from iptclinic.eating import services
from iptclinic.eating.models import ConfiguredMeasure, MeasureResponse
from iptclinic.ipt.configured_measures import DefinitionError
from iptclinic.ipt.tests.test_configured_measures import INVENTED
from iptclinic.ipt.variants import Variant
from iptclinic.test import open_course_for

from .helpers import ed_course, sessions


@pytest.fixture
def course(cara, tess):
    return ed_course(cara, tess)


@pytest.fixture
def measure(team):
    return services.load_measure(team, INVENTED)


def _url(course, measure):
    return reverse("eating:measure", args=[course.pk]) + f"?measure={measure.pk}"


def test_the_command_loads_a_definition_and_refuses_a_bad_one_naming_the_field(tmp_path, team):
    good = tmp_path / "measure.json"
    good.write_text(json.dumps(INVENTED), encoding="utf-8")
    out = io.StringIO()
    call_command("load_eating_measure", str(good), "--team", team.name, stdout=out)
    assert "Loaded TEST-EAT (4 items, totals 0 to 6)" in out.getvalue()
    assert ConfiguredMeasure.objects.get().code == "test_eating"
    event = AuditEvent.objects.get(action="eating_measure.load")
    assert (event.team_id, event.detail) == (team.pk, {"code": "test_eating"})

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**INVENTED, "code": "other", "scoring": "mean"}), encoding="utf-8")
    with pytest.raises(CommandError, match='scoring: only "sum" is supported.*Nothing was stored'):
        call_command("load_eating_measure", str(bad), "--team", team.name)
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("load_eating_measure", str(not_json), "--team", team.name)
    with pytest.raises(CommandError, match="No team is called"):
        call_command("load_eating_measure", str(good), "--team", "Nowhere")
    assert ConfiguredMeasure.objects.count() == 1


def test_an_answered_definition_cannot_be_changed(course, tess, team, measure):
    services.record_measure(sessions(course)[0], measure, actor=tess, answers={1: 1, 2: 1, 3: 1})
    with pytest.raises(services.MeasureLoadError, match="answered already"):
        services.load_measure(team, {**INVENTED, "name": "Changed"})
    with pytest.raises(DefinitionError):
        services.load_measure(team, {**INVENTED, "items": []})


def test_a_response_is_scored_like_the_other_questionnaires_and_audited(
    course, tess, cara, measure
):
    response = services.record_measure(
        sessions(course)[0], measure, actor=tess, answers={1: 2, 2: 2, 3: None, 4: 1}
    )
    assert (response.total, response.band) == (6, "High")  # one gap prorated: 4 / 2 x 3
    event = AuditEvent.objects.get(action="eating_measure.record")
    assert (event.client, event.detail) == (cara, {"code": "test_eating"})


def test_the_therapist_records_it_in_the_page_and_sees_the_total_in_the_log(
    client, tess, course, measure
):
    client.force_login(tess)
    log = client.get(reverse("eating:log", args=[course.pk])).content.decode()
    assert "Record the TEST-EAT" in log
    first = sessions(course)[0]
    page = client.get(_url(course, measure)).content.decode()
    assert "Invented item one" in page
    response = client.post(
        _url(course, measure),
        {"appointment": str(first.pk), "item_1": "1", "item_2": "2", "item_3": "1"},
    )
    assert response.status_code == 302
    assert MeasureResponse.objects.get().total == 4
    assert "TEST-EAT 4" in client.get(reverse("eating:log", args=[course.pk])).content.decode()
    again = client.post(
        _url(course, measure), {"appointment": str(first.pk), "item_1": "0", "item_2": "2"}
    )
    assert again.status_code == 200
    assert "already recorded" in again.content.decode()


@pytest.mark.parametrize("who", ["otto", "sam", "lee", "cara_user", "hana"])
def test_only_the_therapist_opens_the_questionnaire(request, client, course, measure, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(course, measure)).status_code == 404


def test_another_teams_or_an_unknown_measure_is_404(client, tess, course, other_team):
    theirs = services.load_measure(other_team, INVENTED)
    client.force_login(tess)
    assert client.get(_url(course, theirs)).status_code == 404
    url = reverse("eating:measure", args=[course.pk])
    assert client.get(url + "?measure=x").status_code == 404
    assert client.get(url).status_code == 404


def test_a_course_that_is_not_ipt_ed_offers_no_questionnaire(client, tess, cara, measure):
    course = open_course_for(cara, tess, variant=Variant.LEAFLET)
    client.force_login(tess)
    assert client.get(_url(course, measure)).status_code == 404
