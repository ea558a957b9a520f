"""The adherence pages: who sees them, rating through the form, the chart and the differences."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from iptclinic.audit.models import AuditEvent
from iptclinic.fidelity.models import AdherenceRating
from iptclinic.fidelity.services import rate_session

from .helpers import consent_to_recording, course_with_records, marks, session


@pytest.fixture
def course(cara, tess):
    return course_with_records(cara, tess)


def _course_url(course):
    return reverse("fidelity:course", args=[course.pk])


def _rate_url(appointment):
    return reverse("fidelity:rate", args=[appointment.pk])


def _form(appointment, mark="2", **extra):
    """The form's fields for every item of the session's checklist, all with ``mark``."""
    return {
        "version": "0",
        **{f"item_{i}": mark for i in range(len(marks(appointment)))},
        **extra,
    }


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("who", ["otto", "lee", "cara_user", "hana"])
def test_otto_the_lead_the_client_and_another_team_get_404(request, client, course, who):
    """H-123: adherence is not a league table; a service lead sees Cara's record but not this."""
    client.force_login(request.getfixturevalue(who))
    middle = session(course, 4)
    for url in (_course_url(course), _rate_url(middle)):
        assert client.get(url).status_code == 404
        assert client.post(url, _form(middle)).status_code == 404
    assert not AdherenceRating.objects.exists()


def test_the_lead_sees_the_client_page_without_the_adherence_link(client, lee, cara, course):
    client.force_login(lee)
    page = client.get(reverse("clients:detail", args=[cara.pk])).content.decode()
    assert _course_url(course) not in page


@pytest.mark.parametrize("who", ["tess", "sam"])
def test_the_therapist_and_the_supervisor_find_the_page_from_the_client_page(
    request, client, cara, course, who
):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("clients:detail", args=[cara.pk])).content.decode()
    assert _course_url(course) in page
    response = client.get(_course_url(course))
    assert response.status_code == 200
    assert "Rate this session" in _text(response)


def test_the_record_page_offers_rating_once_the_record_is_written(client, tess, lee, course):
    client.force_login(tess)
    middle = session(course, 4)
    page = client.get(reverse("courses:record", args=[middle.pk])).content.decode()
    assert "Rate adherence" in page and _rate_url(middle) in page
    unrecorded = course.appointments.filter(status="planned").order_by("starts_at").first()
    page = client.get(reverse("courses:record", args=[unrecorded.pk])).content.decode()
    assert "Rate adherence" not in page
    client.force_login(lee)
    page = client.get(reverse("courses:record", args=[middle.pk])).content.decode()
    assert "Rate adherence" not in page


def test_the_therapist_rates_a_session_through_the_form_with_one_event(client, tess, course):
    middle = session(course, 4)
    client.force_login(tess)
    page = client.get(_rate_url(middle))
    assert page.status_code == 200
    text = _text(page)
    assert "Tasks of this phase" in text and "Strategies of the focus" in text
    assert "How you saw the session" not in text  # a therapist rates as themselves
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(_rate_url(middle), _form(middle, "1", item_0="2"))
    assert response.status_code == 302
    assert response["Location"] == _course_url(course)
    rating = AdherenceRating.objects.get()
    assert (rating.rater, rating.source) == (tess, "self")
    assert [e.action for e in AuditEvent.objects.exclude(pk__in=before)] == ["adherence.rate"]
    page = client.get(reverse("courses:record", args=[middle.pk])).content.decode()
    assert f"Your rating of this session: {rating.score.display}" in page


def test_a_missing_mark_is_shown_and_the_other_marks_are_kept(client, tess, course):
    middle = session(course, 4)
    client.force_login(tess)
    data = _form(middle, "1")
    del data["item_2"]
    response = client.post(_rate_url(middle), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a mark for this item." in page
    assert re.search(r'name="item_0" value="1"[^>]*checked', page)
    assert not AdherenceRating.objects.exists()


def test_the_supervisor_says_how_they_saw_the_session(client, sam, course):
    middle = session(course, 4)
    client.force_login(sam)
    response = client.post(_rate_url(middle), _form(middle))
    assert response.status_code == 200
    assert "Say whether you rated from a recording or were there." in response.content.decode()
    response = client.post(_rate_url(middle), _form(middle, source="present"))
    assert response.status_code == 302
    assert AdherenceRating.objects.get().source == "present"


def test_changing_a_rating_from_a_stale_form_is_refused_with_the_marks_kept(client, tess, course):
    middle = session(course, 4)
    rate_session(middle, tess, "self", marks(middle))
    client.force_login(tess)
    response = client.post(_rate_url(middle), _form(middle, "0", version="0"))
    assert response.status_code == 409
    assert "Someone else saved this adherence rating" in response.content.decode()
    response = client.post(_rate_url(middle), _form(middle, "0", version="1"))
    assert response.status_code == 302
    assert AdherenceRating.objects.get().score.points == 0


def test_the_page_shows_both_scores_the_chart_and_where_they_differ(client, tess, sam, course):
    middle = session(course, 4)
    rate_session(middle, tess, "self", marks(middle, 2))
    consent_to_recording(course, tess)
    rate_session(middle, sam, "recording", marks(middle, 2, measures=0, risk_check=1))
    rate_session(session(course, 5), tess, "self", marks(session(course, 5), 1))
    client.force_login(sam)
    response = client.get(_course_url(course))
    page = response.content.decode()
    text = _text(response)
    assert "<svg" in page and 'id="adherence-' in page
    assert "Therapist 100%, supervisor" in text
    assert (
        "Complete the questionnaires and look at the scores together: therapist done, supervisor not done"
        in text
    )
    assert "Check risk" not in text.split("Where the ratings differ")[1].split("Sessions")[0]
    assert "(the supervisor, from a recording)" in text


def test_the_overall_gap_is_named_when_it_is_20_points_or_more(client, tess, sam, course):
    middle = session(course, 4)
    rate_session(middle, tess, "self", marks(middle, 2))
    rate_session(middle, sam, "present", marks(middle, 1))
    client.force_login(tess)
    text = _text(client.get(_course_url(course)))
    assert "Therapist 100%, supervisor 50%: 50 percentage points apart." in text


def test_each_page_writes_one_view_event(client, tess, cara, course):
    client.force_login(tess)
    for url, page in (
        (_course_url(course), "adherence"),
        (_rate_url(session(course, 4)), "adherence_rate"),
    ):
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        assert client.get(url).status_code == 200
        [event] = AuditEvent.objects.exclude(pk__in=before)
        assert (event.action, event.client_id, event.detail["page"]) == (
            "client.view",
            cara.pk,
            page,
        )


def test_the_course_page_costs_the_same_queries_for_2_and_5_rated_sessions(
    client, tess, sam, cara, course
):
    client.force_login(sam)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(_course_url(course)).status_code == 200
        return len(queries)

    for number in (1, 2):
        rate_session(session(course, number), tess, "self", marks(session(course, number)))
    few = count()
    for number in (3, 4, 5):
        rate_session(session(course, number), tess, "self", marks(session(course, number)))
        rate_session(session(course, number), sam, "present", marks(session(course, number), 1))
    assert count() == few
