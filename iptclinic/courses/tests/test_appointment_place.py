"""Where an appointment happens, set by the therapist on the appointment or when rebooking, and
the client's requests about it (issue 11)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance


def _future(course: Course) -> Appointment:
    return course.appointments.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


def test_the_therapist_sets_a_place_and_a_video_link_and_a_bad_link_is_refused(
    client: HttpClient, tess: User, cara_course: Course
) -> None:
    client.force_login(tess)
    appointment = _future(cara_course)
    url = reverse("courses:appointment", args=[appointment.pk])

    refused = client.post(url, {"place": "Room 4", "video_link": "not a link"})
    saved = client.post(url, {"place": "Room 4", "video_link": "meet.example/abc"})

    assert "Enter the whole link, starting with https://" in refused.content.decode()
    assert 'value="Room 4"' in refused.content.decode()  # nothing typed is lost
    assert saved.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.place, appointment.video_link) == ("Room 4", "https://meet.example/abc")
    assert appointment.history.count() >= 1


def test_a_rebooked_appointment_keeps_the_place_unless_changed(
    client: HttpClient, tess: User, cara_course: Course
) -> None:
    client.force_login(tess)
    appointment = _future(cara_course)
    client.post(reverse("courses:appointment", args=[appointment.pk]), {"place": "Room 4"})
    services.set_attendance(appointment, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)
    new_day = timezone.localtime(appointment.starts_at) + timedelta(days=1)

    form = client.get(reverse("courses:rebook", args=[appointment.pk])).content.decode()
    client.post(
        reverse("courses:rebook", args=[appointment.pk]),
        {"on": f"{new_day:%Y-%m-%d}", "at": "11:00", "place": "Room 4", "video_link": ""},
    )

    assert 'value="Room 4"' in form
    replacement = Appointment.objects.get(replaces=appointment)
    assert replacement.place == "Room 4"


def test_otto_gets_404_on_the_appointment_page(
    client: HttpClient, otto: User, cara_course: Course
) -> None:
    client.force_login(otto)
    appointment = _future(cara_course)
    url = reverse("courses:appointment", args=[appointment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"place": "Elsewhere"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.place == ""
