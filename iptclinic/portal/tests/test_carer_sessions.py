"""A session with a parent or carer alone is theirs and the team's: the young person's portal
lists only their own sessions, numbered as the course counts them (issue 14, H-140, H-142)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.clients.carers import save_carer
from iptclinic.courses import services
from iptclinic.ipt.attendance import Attendance, Attendee
from iptclinic.ipt.variants import Variant
from iptclinic.test import open_course_for

pytestmark = pytest.mark.django_db


def test_a_parent_session_alone_is_not_in_the_young_persons_portal(client, tess, cara, cara_user):
    course = open_course_for(cara, tess, contracted=12, variant=Variant.IPT_A)
    mum = save_carer(
        cara,
        actor=tess,
        values={
            "name": "Helen Example",
            "relationship": "Mum",
            "involve_consent_on": timezone.localdate() - timedelta(weeks=7),
        },
    )
    first, second = list(course.appointments.order_by("starts_at"))[:2]
    services.set_attendee(first, actor=tess, attendee=Attendee.CARER, carer_id=mum.pk)
    services.set_attendance(first, actor=tess, status=Attendance.ATTENDED)
    services.set_attendance(second, actor=tess, status=Attendance.ATTENDED)
    client.force_login(cara_user)
    page = client.get(reverse("portal:appointments")).content.decode()
    assert f"{timezone.localtime(first.starts_at):%-d %B}" not in page
    assert f"{timezone.localtime(second.starts_at):%-d %B}" in page
    assert ">1 of 12<" in page  # the session with the young person is their first
    assert "Session 2 of 12" in page  # and the next one booked is their second
    assert "Helen" not in page and "Mum" not in page
