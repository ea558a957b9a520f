"""Caseload and client pages cost the same number of queries with 5 clients as with 200."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

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


# --- Reading the audit (issue 10): a page costs the same whatever the log holds ------------------


def _visits(client_record, people, count, start=0):
    from iptclinic.audit.services import record

    for n in range(start, start + count):
        record(
            actor=people[n % len(people)],
            action="client.view" if n % 3 else "client.update",
            client=client_record,
            detail={"page": "client"},
        )


def test_a_clients_audit_trail_costs_the_same_queries_for_5_and_120_events(
    client, lee, tess, sam, otto, cara
):
    from iptclinic.clients.services import allocate_client

    client.force_login(lee)
    _visits(cara, [tess, sam, otto, lee], 5)
    few = queries_for(client, f"/audit/clients/{cara.pk}/")
    allocate_client(cara, actor=lee, therapist=otto, reason="Cover.")
    allocate_client(cara, actor=lee, therapist=tess, reason="Back.")
    _visits(cara, [tess, sam, otto, lee], 115, start=5)
    assert queries_for(client, f"/audit/clients/{cara.pk}/") == few
    assert queries_for(client, f"/audit/clients/{cara.pk}/?page=3") == few


def test_a_persons_activity_costs_the_same_queries_for_1_and_60_clients(client, team, lee, otto):
    clients = add_clients(team, otto, 60)
    client.force_login(lee)
    for someone in clients[:1]:
        _visits(someone, [otto], 2)
    few = queries_for(client, f"/audit/people/{otto.pk}/")
    for someone in clients[1:]:
        _visits(someone, [otto], 2)
    assert queries_for(client, f"/audit/people/{otto.pk}/") == few


def test_who_has_looked_costs_the_same_queries_for_1_and_40_visits(
    client, team, cara, cara_user, tess, sam, lee, time_machine
):
    client.force_login(cara_user)
    _visits(cara, [tess], 1)
    few = queries_for(client, "/portal/who-has-looked/")
    for day in range(1, 40):
        time_machine.move_to(timezone.now() - timedelta(days=day), tick=False)
        _visits(cara, [tess, sam, lee], 3)
    assert queries_for(client, "/portal/who-has-looked/") == few


def test_the_unusual_access_list_costs_the_same_queries_for_1_and_30_items(
    client, team, lee, otto, time_machine
):
    from iptclinic.attention.models import Item, UnusualAccessCheck
    from iptclinic.audit.checks import check_team

    # At noon, so that no visit below is also a night-time one (the suite runs at 01:30 too).
    now = timezone.now().astimezone(ZoneInfo("Europe/London")).replace(hour=12, minute=0)
    time_machine.move_to(now, tick=False)
    clients = add_clients(team, otto, 30)
    client.force_login(lee)
    check_team(team, now - timedelta(days=40))
    people = [otto]
    _visits(clients[0], people, 1)  # Otto's own client: no flag
    from iptclinic.accounts.models import Role
    from iptclinic.test import make_user

    nosy = make_user(team, "nosy", Role.THERAPIST)
    _visits(clients[0], [nosy], 1)
    check_team(team)
    few = queries_for(client, "/audit/")
    for n in range(1, 30):
        time_machine.move_to(now - timedelta(days=n), tick=False)
        _visits(clients[n], [nosy], 1)
    time_machine.move_to(now, tick=False)
    UnusualAccessCheck.objects.filter(team=team).update(checked_until=now - timedelta(days=40))
    check_team(team)
    assert Item.objects.filter(kind="unusual_access").count() == 30
    assert queries_for(client, "/audit/") == few


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


# --- The portal (issue 11 item 3): a person's scores cost the same however many there are ------


def add_past_questionnaires(someone, recorded_by, count: int, start: int = 0) -> None:
    """Bulk-add ``count`` scored questionnaires to a client, PHQ-9, GAD-7 and WSAS in turn, a
    week apart going back from yesterday (``start`` shifts them further back)."""
    from iptclinic.ipt.instruments import INSTRUMENTS
    from iptclinic.measures.models import QuestionnaireResponse

    codes = list(INSTRUMENTS)
    referral = someone.referrals.first()
    today = timezone.localdate()
    rows = []
    for n in range(start, start + count):
        form = INSTRUMENTS[codes[n % len(codes)]]
        total = (n * 7) % (form.max_total + 1)
        band = form.band_for(total)
        rows.append(
            QuestionnaireResponse(
                client=someone,
                referral=referral,
                instrument=form.code,
                completed_on=max(today - timedelta(days=1 + n), referral.received_on),
                answers={},
                total=total,
                severity=band.label,
                at_caseness=form.is_case(total),
                recorded_by=recorded_by,
            )
        )
    QuestionnaireResponse.objects.bulk_create(rows)


def portal_user_for(someone):
    from iptclinic.accounts.models import Role
    from iptclinic.test import make_user

    user = make_user(someone.team, f"portal{someone.pk}", Role.SERVICE_USER)
    someone.portal_user = user
    someone.save(update_fields=["portal_user"])
    return user


@pytest.mark.parametrize("url", ["/portal/", "/portal/scores/", "/portal/questionnaires/"])
def test_a_portal_page_costs_the_same_queries_for_3_and_100_past_questionnaires(
    client, team, tess, url
):
    someone = add_clients(team, tess, 1)[0]
    client.force_login(portal_user_for(someone))
    add_past_questionnaires(someone, tess, 3)
    few = queries_for(client, url)
    add_past_questionnaires(someone, tess, 97, start=3)
    assert queries_for(client, url) == few, url


def _end_course_and_refer_again(client_record, therapist, weeks_ago: int) -> None:
    """Close the client's open course and referral, then refer them again with a new course."""
    from datetime import time

    from iptclinic.courses.services import open_course

    start = timezone.localdate() - timedelta(weeks=weeks_ago)
    Course.objects.filter(referral__client=client_record, state__in=["active", "referred"]).update(
        state="completed", ended_on=start
    )
    Referral.objects.filter(client=client_record).update(closed_on=start)
    referral = Referral.objects.create(
        client=client_record, received_on=start, referrer="GP", reason="Low mood again."
    )
    open_course(
        referral,
        actor=therapist,
        contracted_sessions=16,
        start_date=start,
        weekday=start.weekday(),
        session_time=time(10, 0),
    )


def test_a_client_page_costs_the_same_queries_for_1_and_4_courses(client, team, tess):
    client.force_login(tess)
    first = add_clients(team, tess, 1)[0]
    one = queries_for(client, f"/clients/{first.pk}/")
    for weeks_ago in (4, 3, 2):
        _end_course_and_refer_again(first, tess, weeks_ago)
    assert Course.objects.filter(referral__client=first).count() == 4
    four = queries_for(client, f"/clients/{first.pk}/")
    assert one == four, f"client page: {one} queries with 1 course, {four} with 4"


@pytest.mark.parametrize("role", ["tess", "sam", "lee"])
def test_the_caseload_costs_the_same_queries_for_1_and_30_waiting_and_ended(
    client, request, role, team, tess
):
    client.force_login(request.getfixturevalue(role))
    people = add_clients(team, tess, 2)
    Course.objects.filter(referral__client=people[1]).update(
        state="completed", ended_on=timezone.localdate() - timedelta(days=10)
    )
    few = queries_for(client, "/caseload/")
    ended = add_clients(team, tess, 30, start=2)
    Course.objects.filter(referral__client__in=ended).update(
        state="completed", ended_on=timezone.localdate() - timedelta(days=10)
    )
    waiting = Client.objects.bulk_create(
        Client(
            team=team,
            therapist=tess,
            given_name=f"Waiting{n}",
            family_name="Example",
            date_of_birth=timezone.localdate() - timedelta(days=365 * 30),
        )
        for n in range(30)
    )
    Referral.objects.bulk_create(
        Referral(client=c, received_on=timezone.localdate(), referrer="GP", reason="Low mood.")
        for c in waiting
    )
    many = queries_for(client, "/caseload/")
    assert few == many, f"caseload for {role}: {few} queries before, {many} after"


def test_a_page_of_the_client_list_costs_the_same_queries_for_5_and_200_clients(
    client, team, tess, lee
):
    client.force_login(lee)
    add_clients(team, tess, 5)
    few = queries_for(client, "/clients/?text=example&standing=open")
    add_clients(team, tess, 195, start=5)
    many = queries_for(client, "/clients/?text=example&standing=open")
    assert few == many, f"client list: {few} queries with 5 clients, {many} with 200"
