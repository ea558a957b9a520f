"""The service user's own pages: their appointments and how to reach the team (decisions.md §23)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import Role, Team, User
from iptclinic.clients.models import Client
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance
from iptclinic.test import attend_next, make_user, open_course_for


def _page(response: Any) -> str:
    return response.content.decode()


def _day(appointment: Appointment) -> str:
    return f"{timezone.localtime(appointment.starts_at):%A %-d %B %Y}"


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User) -> HttpClient:
    client.force_login(cara_user)
    return client


def test_a_service_user_sees_their_upcoming_appointments(
    as_cara: HttpClient, cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 2)
    now = timezone.now()
    appointments = list(cara_course.appointments.order_by("starts_at"))
    upcoming = [a for a in appointments if a.starts_at >= now]
    cancelled = upcoming[1]
    services.set_attendance(cancelled, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)

    page = _page(as_cara.get(reverse("portal:home")))

    assert "<h1>Hello Cara</h1>" in page
    assert _day(upcoming[0]) in page
    assert _day(upcoming[-1]) in page
    assert _day(cancelled) not in page
    assert _day(appointments[0]) not in page  # attended, in the past
    assert "at 10:00 a.m." in page


def test_a_service_user_sees_the_teams_phone_and_the_crisis_contacts(
    as_cara: HttpClient, team: Team
) -> None:
    team.phone = "0117 496 0123"
    team.address = "Riverside Centre\nBristol BS1 6AA"
    team.save()

    page = _page(as_cara.get(reverse("portal:home")))

    assert "Riverside IPT Service: call 0117 496 0123." in page
    assert "Riverside Centre<br>Bristol BS1 6AA" in page
    assert "call NHS 111 and choose option 2" in page
    assert "call 116 123" in page
    assert "call 999" in page


def test_a_service_user_without_a_course_is_told_nothing_is_booked(as_cara: HttpClient) -> None:
    assert "You have no appointments booked at the moment." in _page(as_cara.get("/portal/"))


def test_a_service_user_sees_none_of_another_clients_appointments(
    as_cara: HttpClient, ruth: Client, otto: User
) -> None:
    ruths = open_course_for(ruth, otto, weeks_ago=0)
    first = ruths.appointments.order_by("starts_at").first()
    assert first is not None

    page = _page(as_cara.get("/portal/"))

    assert "You have no appointments booked at the moment." in page
    assert _day(first) not in page


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("courses:caseload", None),
        ("clients:new", None),
        ("clients:detail", "client"),
        ("clients:edit", "client"),
        ("courses:new", "client"),
        ("courses:end", "course"),
        ("courses:record", "appointment"),
    ],
)
def test_a_service_user_gets_404_on_every_staff_page(
    as_cara: HttpClient, cara: Client, cara_course: Course, tess: User, name: str, kind: str | None
) -> None:
    (attended,) = attend_next(cara_course, tess)
    arg = {"client": cara.pk, "course": cara_course.pk, "appointment": attended.pk}.get(kind or "")

    response = as_cara.get(reverse(name, args=[arg] if arg else []))

    assert response.status_code == 404
    assert "Cara Whitfield" not in _page(response)


def test_a_staff_member_is_sent_from_the_start_page_to_the_caseload(
    client: HttpClient, tess: User
) -> None:
    client.force_login(tess)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:caseload")


def test_a_service_user_is_sent_from_the_start_page_to_their_own_page(
    as_cara: HttpClient,
) -> None:
    response = as_cara.get("/")

    assert response["Location"] == reverse("portal:home")


def test_a_staff_member_has_no_portal_page(client: HttpClient, tess: User) -> None:
    client.force_login(tess)

    assert client.get(reverse("portal:home")).status_code == 404


def test_a_service_user_login_without_a_client_record_has_no_portal_page(
    client: HttpClient, team: Team
) -> None:
    client.force_login(make_user(team, "nobody", Role.SERVICE_USER))

    assert client.get(reverse("portal:home")).status_code == 404


def test_someone_not_signed_in_is_asked_to_sign_in(client: HttpClient, cara: Client) -> None:
    for url in ("/", reverse("portal:home"), reverse("clients:detail", args=[cara.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
