"""Parent or carer sessions in an IPT-A course: who attends, the consent it needs, and that a
session with the parent or carer alone is an extra outside the contract (H-138, H-140)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.clients.carers import save_carer
from iptclinic.courses import services
from iptclinic.courses.models import HELD_CONTRACT_SESSION, Appointment
from iptclinic.ipt.attendance import Attendance, Attendee
from iptclinic.ipt.variants import Variant
from iptclinic.test import attend_next, make_client, open_course_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def jade(tess):
    born = date(timezone.localdate().year - 15, 1, 1)
    return make_client(tess, tess, "Jade", "Example", date_of_birth=born)


@pytest.fixture
def jade_course(jade, tess):
    return open_course_for(jade, tess, contracted=12, variant=Variant.IPT_A)


def carer(jade, tess, *, agreed: bool = True):
    return save_carer(
        jade,
        actor=tess,
        values={
            "name": "Helen Example",
            "relationship": "Mum",
            "involve_consent_on": timezone.localdate() - timedelta(weeks=7) if agreed else None,
        },
    )


def planned(course) -> list[Appointment]:
    return list(course.appointments.filter(status=Attendance.PLANNED).order_by("starts_at"))


def test_an_ipt_a_course_books_twelve_sessions_in_four_four_four(jade_course):
    timeline = jade_course.timeline()
    assert jade_course.appointments.count() == 12
    assert [(phase.value, rng) for phase, _, rng in timeline.bands()] == [
        ("initial", range(1, 5)),
        ("middle", range(5, 9)),
        ("ending", range(9, 13)),
    ]


def test_a_carer_session_needs_the_young_persons_consent_to_involve_them(jade, jade_course, tess):
    not_agreed = carer(jade, tess, agreed=False)
    with pytest.raises(services.CourseRuleError, match="has not agreed that Helen Example"):
        services.set_attendee(
            planned(jade_course)[-1], actor=tess, attendee=Attendee.CARER, carer_id=not_agreed.pk
        )
    with pytest.raises(services.CourseRuleError, match="has not agreed"):
        services.book_carer_session(
            jade_course,
            actor=tess,
            starts_at=timezone.now() + timedelta(days=2),
            carer_id=not_agreed.pk,
        )
    assert not Appointment.objects.filter(attendee=Attendee.CARER).exists()


def test_a_carer_of_another_client_cannot_be_chosen(jade_course, tess, cara):
    theirs = carer(cara, tess)
    with pytest.raises(services.CourseRuleError, match="recorded for this client"):
        services.set_attendee(
            planned(jade_course)[-1], actor=tess, attendee=Attendee.CARER, carer_id=theirs.pk
        )


def test_a_parent_session_alone_is_an_extra_that_uses_none_of_the_contract(jade, jade_course, tess):
    mum = carer(jade, tess)
    first = planned(jade_course)[0]
    services.set_attendee(first, actor=tess, attendee=Attendee.CARER, carer_id=mum.pk)
    services.set_attendance(first, actor=tess, status=Attendance.ATTENDED)
    attend_next(jade_course, tess, 2)
    timeline = jade_course.timeline()
    assert [r.number for r in timeline.rows[:3]] == [None, 1, 2]
    assert timeline.attended == 2
    assert timeline.carer_sessions_held == 1
    assert jade_course.appointments.filter(HELD_CONTRACT_SESSION).count() == 2


def test_a_session_with_the_young_person_and_their_parent_counts(jade, jade_course, tess):
    mum = carer(jade, tess)
    first = planned(jade_course)[0]
    services.set_attendee(first, actor=tess, attendee=Attendee.CLIENT_AND_CARER, carer_id=mum.pk)
    services.set_attendance(first, actor=tess, status=Attendance.ATTENDED)
    assert jade_course.timeline().rows[0].number == 1


def test_who_attends_cannot_change_after_the_session(jade, jade_course, tess):
    mum = carer(jade, tess)
    (held,) = attend_next(jade_course, tess, 1)
    with pytest.raises(services.CourseRuleError, match="before the session"):
        services.set_attendee(held, actor=tess, attendee=Attendee.CARER, carer_id=mum.pk)


def test_the_therapist_marks_a_parent_session_and_the_schedule_shows_it(
    client, jade, jade_course, tess
):
    mum = carer(jade, tess)
    client.force_login(tess)
    last = planned(jade_course)[-1]
    url = reverse("courses:attendee", args=[last.pk])
    assert "Who attends" in client.get(url).text
    response = client.post(url, {"attendee": "client_and_carer", "carer": mum.pk})
    assert response.status_code == 302
    page = client.get(reverse("clients:detail", args=[jade.pk])).text
    assert "With Mum and Jade" in page
    assert "0 of 3 parent or carer sessions held" in page
    event = AuditEvent.objects.get(action="appointment.attendee")
    assert (event.client, event.detail["to"]) == (jade, "client_and_carer")


def test_the_form_refuses_a_parent_session_without_a_parent_and_keeps_the_choice(
    client, jade, jade_course, tess
):
    carer(jade, tess)
    client.force_login(tess)
    url = reverse("courses:attendee", args=[planned(jade_course)[-1].pk])
    response = client.post(url, {"attendee": "carer", "carer": ""})
    assert response.status_code == 200
    assert "Choose the parent or carer who joins this session." in response.text
    assert '<option value="carer" selected>' in response.text


def test_the_therapist_books_an_extra_parent_session(client, jade, jade_course, tess):
    mum = carer(jade, tess)
    client.force_login(tess)
    url = reverse("courses:carer_session_new", args=[jade_course.pk])
    on = timezone.localdate() + timedelta(days=3)
    response = client.post(url, {"on": on.isoformat(), "at": "16:30", "carer": mum.pk})
    assert response.status_code == 302
    booked = Appointment.objects.get(attendee=Attendee.CARER)
    assert booked.starts_at == datetime.combine(on, time(16, 30), tzinfo=ZoneInfo("Europe/London"))
    assert booked.carer == mum
    assert jade_course.appointments.count() == 13
    page = client.get(reverse("clients:detail", args=[jade.pk])).text
    assert "Parent or carer session with Mum" in page
    assert "Extra, not in the contract" in page
    assert AuditEvent.objects.filter(action="appointment.carer_session", client=jade).count() == 1


def test_opening_ipt_a_for_an_adult_warns(client, tess, cara):
    client.force_login(tess)
    start = timezone.localdate()
    response = client.post(
        reverse("courses:new", args=[cara.pk]),
        {
            "referral": cara.referrals.get().pk,
            "variant": "ipt_a",
            "contracted_sessions": 12,
            "start_date": start.isoformat(),
            "weekday": start.weekday(),
            "session_time": "10:00",
        },
        follow=True,
    )
    assert "is meant for ages 12 to 18" in response.text


def test_a_standard_course_offers_no_parent_sessions(client, tess, cara, cara_course):
    client.force_login(tess)
    page = client.get(reverse("clients:detail", args=[cara.pk])).text
    assert "Book a parent or carer session" not in page
    assert "Who attends" not in page


def test_otto_gets_404_on_jades_parent_sessions(client, otto, jade, jade_course, tess):
    carer(jade, tess)
    client.force_login(otto)
    assert (
        client.get(reverse("courses:attendee", args=[planned(jade_course)[0].pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("courses:carer_session_new", args=[jade_course.pk])).status_code == 404
    )


def test_the_supervisor_cannot_change_who_attends(client, sam, jade, jade_course, tess):
    carer(jade, tess)
    client.force_login(sam)
    assert (
        client.get(reverse("courses:attendee", args=[planned(jade_course)[0].pk])).status_code
        == 404
    )
