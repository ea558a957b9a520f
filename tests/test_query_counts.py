"""Caseload and client pages cost the same number of queries with 5 clients as with 200."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Appointment, Course, SessionRecord
from iptclinic.courses.schedule import weekly_slots


def add_clients(team, therapist, count: int, start: int = 0) -> list[Client]:
    """Bulk-build clients with an open 16-session course, 6 sessions attended, 5 with a record."""
    today = timezone.localdate()
    clients = Client.objects.bulk_create(
        Client(
            team=team,
            therapist=therapist,
            given_name=f"Person{start + i}",
            family_name="Example",
            date_of_birth=today - timedelta(days=365 * 40),
            large_print=bool(i % 2),
        )
        for i in range(count)
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            client=c, received_on=today - timedelta(weeks=12), referrer="GP", reason="Low mood."
        )
        for c in clients
    )
    first_day = today - timedelta(weeks=6)
    courses = Course.objects.bulk_create(
        Course(
            referral=r,
            contracted_sessions=16,
            state="active",
            start_date=first_day,
            weekday=first_day.weekday(),
            session_time="10:00",
        )
        for r in referrals
    )
    slots = weekly_slots(
        first_day,
        first_day.weekday(),
        timezone.datetime.min.time().replace(hour=10),
        16,
        "Europe/London",
    )
    appointments = Appointment.objects.bulk_create(
        Appointment(course=course, starts_at=slot, status="attended" if n < 6 else "planned")
        for course in courses
        for n, slot in enumerate(slots)
    )
    SessionRecord.objects.bulk_create(
        SessionRecord(appointment=a, notes="Notes.", created_by=therapist)
        for n, a in enumerate(appointments)
        if n % 16 < 5
    )
    return clients


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


@pytest.mark.parametrize("role", ["tess", "sam", "lee"])
def test_the_caseload_costs_the_same_queries_for_5_and_200_clients(
    client, request, role, team, tess
):
    client.force_login(request.getfixturevalue(role))
    add_clients(team, tess, 5)
    few = queries_for(client, "/caseload/")
    add_clients(team, tess, 195, start=5)
    many = queries_for(client, "/caseload/")
    assert few == many, f"caseload for {role}: {few} queries with 5 clients, {many} with 200"


def test_a_client_page_costs_the_same_queries_however_many_clients_and_sessions(client, team, tess):
    client.force_login(tess)
    first = add_clients(team, tess, 5)[0]
    few = queries_for(client, f"/clients/{first.pk}/")
    add_clients(team, tess, 195, start=5)
    course = first.referrals.get().courses.get()
    Appointment.objects.filter(course=course, status="planned").update(status="attended")
    SessionRecord.objects.bulk_create(
        SessionRecord(appointment=a, notes="More notes.", created_by=tess)
        for a in course.appointments.filter(record__isnull=True)
    )
    many = queries_for(client, f"/clients/{first.pk}/")
    assert few == many, f"client page: {few} queries before, {many} after"


def test_a_record_s_history_costs_the_same_queries_for_2_and_40_versions(client, team, tess):
    """The history page (iptclinic.history): the versions and the people they name in two
    queries, whatever the number of versions."""
    client.force_login(tess)
    person = add_clients(team, tess, 1)[0]
    url = f"/history/client/{person.pk}/"

    def correct(times: int) -> None:
        for n in range(times):
            person.phone = f"0117 496 {n:04d}"
            person._change_reason = "Corrected."
            person.save()

    correct(2)
    few = queries_for(client, url)
    correct(38)
    many = queries_for(client, url)
    assert few == many, f"history page: {few} queries with 2 versions, {many} with 40"
