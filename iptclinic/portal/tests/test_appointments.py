"""The service user's sessions in the portal: next first, all of the course, the calendar file,
"I can't come" / "Can we move it?" reaching the therapist, and the choice about reminders."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from iptclinic.accounts.models import Role, Team, User
from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, Course, SessionRequest
from iptclinic.courses.requests import set_appointment_place
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.notifications.models import ReminderPreference
from iptclinic.test import attend_next, make_client, make_user, open_course_for


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User) -> HttpClient:
    client.force_login(cara_user)
    return client


def _upcoming(course: Course) -> list[Appointment]:
    now = timezone.now()
    return [a for a in course.appointments.order_by("starts_at") if a.starts_at > now]


@pytest.fixture
def tess_named(tess: User) -> User:
    tess.last_name = "Moreno"
    tess.save(update_fields=["last_name"])
    return tess


def test_the_home_page_shows_the_next_session_first_with_its_therapist_length_and_place(
    as_cara: HttpClient, cara_course: Course, tess_named: User, team: Team
) -> None:
    attend_next(cara_course, tess_named, 2)
    team.address = "Riverside Centre\nBristol BS1 6AA"
    team.save()
    next_one = _upcoming(cara_course)[0]

    page = _page(as_cara.get(reverse("portal:home")))

    first = page.index("Your next session")
    assert page.index(f"{timezone.localtime(next_one.starts_at):%A %-d %B %Y}") > first
    assert "Tess Moreno" in page
    assert "(60 minutes)" in page
    assert "Riverside Centre" in page
    assert "Session 3 of 16" in page
    assert page.index("Your next session") < page.index("How to contact us")


def test_a_video_link_or_a_place_set_by_the_therapist_is_shown(
    as_cara: HttpClient, cara_course: Course, tess: User
) -> None:
    first = _upcoming(cara_course)[0]
    set_appointment_place(
        first, actor=tess, place="Room 4, Mill Lane Surgery", video_link="https://meet.example/abc"
    )

    page = _page(as_cara.get(reverse("portal:home")))

    assert "Room 4, Mill Lane Surgery" in page
    assert 'href="https://meet.example/abc"' in page
    assert AuditEvent.objects.filter(action="appointment.place").count() == 1


def test_all_sessions_are_listed_with_their_number_stage_and_what_happened(
    as_cara: HttpClient, cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 5)
    appointments = list(cara_course.appointments.order_by("starts_at"))
    past = [a for a in appointments if a.starts_at < timezone.now()]
    if len(past) >= 6:
        services.set_attendance(past[5], actor=tess, status=Attendance.DID_NOT_ATTEND)

    page = _page(as_cara.get(reverse("portal:appointments")))

    assert "You are in the middle of your sessions." not in page or "focus" not in page
    assert "You are at the beginning of your sessions." in page  # no focus agreed yet (R04)
    assert "Session 6 of 16" in page
    assert "You came to this session" in page
    assert "Phase" not in page and "phase" not in page
    if len(past) >= 6:
        assert "Missed" in page


def test_a_cant_come_request_reaches_the_therapist_and_never_changes_the_booking(
    as_cara: HttpClient, cara_course: Course, tess_named: User, cara: Client
) -> None:
    session = _upcoming(cara_course)[1]
    url = reverse("portal:cant_come", args=[session.pk])

    form = _page(as_cara.get(url))
    sent = as_cara.post(url, {"reason": "My daughter's school play."})

    assert "I can&#x27;t come" in form
    assert sent.status_code == 302
    told = _page(as_cara.get(sent["Location"]))
    assert "We have told Tess Moreno" in told
    session.refresh_from_db()
    assert session.status == Attendance.PLANNED
    assert session.starts_at == _upcoming(cara_course)[1].starts_at
    item = Item.objects.get(kind=NeedKind.SESSION_REQUEST)
    assert item.owner == tess_named
    assert item.owner_role == "therapist"
    assert item.client == cara
    assert item.subject_type == "appointment" and item.subject_id == session.pk
    assert "can't come" in item.title
    assert "school" not in item.title  # the person's words stay on the appointment page
    assert item.due <= session.starts_at
    request = SessionRequest.objects.get()
    assert request.reason == "My daughter's school play."
    event = AuditEvent.objects.get(action="portal.session_request")
    assert event.detail["reason_given"] is True
    assert "school" not in str(event.detail)


def test_a_second_request_for_the_same_session_updates_the_same_item(
    as_cara: HttpClient, cara_course: Course, tess: User
) -> None:
    session = _upcoming(cara_course)[0]
    as_cara.post(reverse("portal:cant_come", args=[session.pk]), {})
    as_cara.post(reverse("portal:move", args=[session.pk]), {"reason": "Work"})

    items = Item.objects.filter(kind=NeedKind.SESSION_REQUEST)
    assert items.count() == 1
    assert "move" in items.get().title
    assert SessionRequest.objects.filter(appointment=session).count() == 2


def test_the_therapist_sees_the_request_on_the_appointment_and_the_item_links_there(
    client: HttpClient, as_cara: HttpClient, cara_course: Course, tess: User, cara: Client
) -> None:
    session = _upcoming(cara_course)[0]
    as_cara.post(reverse("portal:move", args=[session.pk]), {"reason": "Night shift"})
    client.force_login(tess)

    mine = _page(client.get(reverse("attention:mine")))
    detail = _page(client.get(reverse("courses:appointment", args=[session.pk])))
    client_page = _page(client.get(reverse("clients:detail", args=[cara.pk])))

    assert reverse("courses:appointment", args=[session.pk]) in mine
    assert "Can we move it?" in detail and "Night shift" in detail
    assert "does not change the booking" in detail
    assert "Request from Cara" in client_page


def test_a_past_or_cancelled_session_cannot_be_asked_about(
    as_cara: HttpClient, cara_course: Course, tess: User
) -> None:
    attended = attend_next(cara_course, tess, 1)[0]
    cancelled = _upcoming(cara_course)[0]
    services.set_attendance(cancelled, actor=tess, status=Attendance.CANCELLED_BY_SERVICE)

    for appointment in (attended, cancelled):
        url = reverse("portal:cant_come", args=[appointment.pk])
        response = as_cara.post(url, {"reason": "x"})
        assert response.status_code == 200
        assert "cannot change it here" in _page(response)
    assert not SessionRequest.objects.exists()
    assert not Item.objects.filter(kind=NeedKind.SESSION_REQUEST).exists()


def test_a_long_reason_is_refused_with_a_clear_message_and_kept(
    as_cara: HttpClient, cara_course: Course
) -> None:
    session = _upcoming(cara_course)[0]
    reason = "a" * 1001
    response = as_cara.post(reverse("portal:move", args=[session.pk]), {"reason": reason})
    page = _page(response)
    assert "Keep it to 1000 characters or fewer." in page
    assert reason in page
    assert not SessionRequest.objects.exists()


def test_someone_elses_session_is_a_404(
    as_cara: HttpClient, cara_course: Course, otto: User, team: Team
) -> None:
    ruth = make_client(otto, otto, "Ruth")
    theirs = _upcoming(open_course_for(ruth, otto))[0]
    for url in (
        reverse("portal:cant_come", args=[theirs.pk]),
        reverse("portal:session_request_sent", args=[theirs.pk]),
    ):
        assert as_cara.get(url).status_code == 404
        assert as_cara.post(url, {"reason": "x"}).status_code in (404, 405)
    assert not SessionRequest.objects.exists()


def test_staff_cannot_use_the_portal_pages_and_otto_gets_404_on_the_appointment(
    client: HttpClient, cara_course: Course, otto: User
) -> None:
    client.force_login(otto)
    session = _upcoming(cara_course)[0]
    assert client.get(reverse("portal:appointments")).status_code == 404
    assert client.get(reverse("courses:appointment", args=[session.pk])).status_code == 404


def test_the_calendar_file_has_the_planned_sessions_and_no_clinical_word(
    as_cara: HttpClient, cara_course: Course, tess: User, team: Team
) -> None:
    attend_next(cara_course, tess, 2)
    team.address = "Riverside Centre\nBristol BS1 6AA"
    team.name = "Bristol IPT Depression Service"
    team.save()
    upcoming = _upcoming(cara_course)
    set_appointment_place(upcoming[0], actor=tess, place="", video_link="https://meet.example/x")

    response = as_cara.get(reverse("portal:appointments_ics"))

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(upcoming)
    assert {str(e["summary"]) for e in events} == {"Appointment with Tess"}
    assert str(events[0]["url"]) == "https://meet.example/x"
    assert str(events[1]["location"]) == "Riverside Centre, Bristol BS1 6AA"
    shown = " ".join(
        str(part.get(name, ""))
        for part in [calendar, *events]
        for name in ("summary", "location", "description", "x-wr-calname", "prodid")
    )
    for word in ("IPT", "Depression", "therapy", "Therapy", "Session", "psych"):
        assert word not in shown
    assert events[0].start.hour == timezone.localtime(upcoming[0].starts_at).hour


def test_without_planned_sessions_there_is_no_calendar_file(as_cara: HttpClient) -> None:
    response = as_cara.get(reverse("portal:appointments_ics"))
    assert response.status_code == 404
    assert "No sessions to add to your calendar" in _page(response)


def test_the_person_can_turn_reminders_off_and_back_on(
    as_cara: HttpClient, cara_user: User
) -> None:
    cara_user.email = "cara@example.org"
    cara_user.save(update_fields=["email"])

    shown = _page(as_cara.get(reverse("portal:reminders")))
    off = as_cara.post(reverse("portal:reminders"), {"choice": "off"})
    refused = as_cara.post(reverse("portal:reminders"), {"choice": "sms"})

    assert 'value="email" checked' in shown
    assert off.status_code == 302
    assert ReminderPreference.objects.get(user=cara_user).choice == "off"
    assert "We do not have a mobile number for you" in _page(refused)
    assert ReminderPreference.objects.get(user=cara_user).choice == "off"
    assert AuditEvent.objects.filter(action="portal.reminder_choice").count() == 1


def test_a_client_without_a_therapist_reaches_the_lead(
    client: HttpClient, team: Team, lee: User, tess: User
) -> None:
    person = make_client(lee, None, "Nia")
    course = open_course_for(person, tess)
    user = make_user(team, "nia", Role.SERVICE_USER)
    person.portal_user = user
    person.save(update_fields=["portal_user"])
    client.force_login(user)
    session = _upcoming(course)[0]

    client.post(reverse("portal:move", args=[session.pk]), {})

    item = Item.objects.get(kind=NeedKind.SESSION_REQUEST)
    assert item.owner == lee and item.owner_role == "lead"
