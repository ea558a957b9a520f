"""The caseload shows the work: open courses, people waiting, endings of the last 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses import selectors
from iptclinic.courses.models import Course, SessionRecord
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.measures.models import AlertSource, RiskAlert
from iptclinic.test import make_client, open_course_for


def _end(course: Course, days_ago: int, state: CourseState = CourseState.COMPLETED) -> None:
    ended = timezone.localdate() - timedelta(days=days_ago)
    Course.objects.filter(pk=course.pk).update(state=state, ended_on=ended)


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
def people(tess: User) -> dict[str, Client]:
    """Ann in a course, Ben waiting, Cal ended 30 days ago, Dot ended a year ago."""
    ann = make_client(tess, tess, "Ann", "Open")
    open_course_for(ann, tess)
    ben = make_client(tess, tess, "Ben", "Waiting")
    cal = make_client(tess, tess, "Cal", "Recent")
    _end(open_course_for(cal, tess), days_ago=30)
    dot = make_client(tess, tess, "Dot", "Long-ago")
    _end(open_course_for(dot, tess), days_ago=365, state=CourseState.ENDED_EARLY)
    return {"ann": ann, "ben": ben, "cal": cal, "dot": dot}


def test_the_caseload_shows_open_courses_waiting_and_recent_endings_but_not_old_ones(
    client: HttpClient, tess: User, people: dict[str, Client]
) -> None:
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert "Ann Open" in _section(page, "clients-title")
    assert "Ben Waiting" in _section(page, "waiting-title")
    assert "Cal Recent" in _section(page, "ended-title")
    assert "Dot Long-ago" not in page
    assert "Ben Waiting" not in _section(page, "clients-title")


def test_the_caseload_audit_names_only_the_clients_it_showed(
    client: HttpClient, tess: User, people: dict[str, Client]
) -> None:
    client.force_login(tess)
    client.get(reverse("courses:caseload"))
    event = AuditEvent.objects.filter(action="caseload.view").latest("id")
    shown = {people[name].pk for name in ("ann", "ben", "cal")}
    assert set(event.detail["client_ids"]) == shown


def test_an_open_alert_of_a_client_without_an_open_course_still_heads_the_caseload(
    client: HttpClient, tess: User, people: dict[str, Client]
) -> None:
    dot = people["dot"]
    course = dot.referrals.get().courses.get()
    session_record = SessionRecord.objects.create(
        appointment=course.appointments.first(), notes="Notes.", created_by=tess
    )
    RiskAlert.objects.create(
        client=dot,
        source=AlertSource.RISK_CHECK,
        summary="Risk check positive.",
        session_record=session_record,
        raised_by=tess,
        escalate_at=timezone.now() + timedelta(hours=2),
    )
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert "Risk check positive." in _section(page, "risk-alerts-title")


def test_otto_sees_none_of_tess_s_work_on_his_caseload(
    client: HttpClient, otto: User, people: dict[str, Client]
) -> None:
    client.force_login(otto)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert not any(name in page for name in ("Ann Open", "Ben Waiting", "Cal Recent"))


@pytest.fixture
def three_waiting_two_shown(tess: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "OTHERS_SHOWN", 2)
    for given in ("Abe", "Bea", "Cy"):
        make_client(tess, tess, given, "Waiting")


@pytest.mark.usefixtures("three_waiting_two_shown")
def test_a_long_section_shows_its_first_rows_and_sends_the_rest_to_the_search(
    client: HttpClient, tess: User
) -> None:
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    waiting = _section(page, "waiting-title")
    assert "Abe Waiting" in waiting and "Bea Waiting" in waiting and "Cy Waiting" not in waiting
    assert "The first 2 of 3." in waiting
    assert f"{reverse('clients:list')}?standing=waiting" in waiting


def test_when_open_courses_are_cut_the_week_and_records_say_which_courses_they_cover(
    client: HttpClient, tess: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "OPEN_COURSES_SHOWN", 1)
    for given in ("Abe", "Bea"):
        open_course_for(make_client(tess, tess, given, "Open"), tess)
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert "Of the 1 open courses listed below" in _section(page, "week-title")
    assert "The first 1 of 2 open courses." in _section(page, "clients-title")


@pytest.mark.usefixtures("three_waiting_two_shown")
def test_a_section_counts_its_rows_in_the_query_that_fetches_them(
    client: HttpClient, tess: User
) -> None:
    """A cut section still says how many there are, without a second search to count them."""
    client.force_login(tess)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("courses:caseload")).content.decode()
    assert "The first 2 of 3." in _section(page, "waiting-title")
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert not [sql for sql in counts if "clients_client" in sql]
    # The menu and the heading both show the number of open items: counted once.
    assert len([sql for sql in counts if "attention_item" in sql]) == 1
