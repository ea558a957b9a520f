"""The demo has Priya's IPT-ED course with a few sessions of the eating log, and loads twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from iptclinic.accounts.models import User
from iptclinic.courses.models import Course
from iptclinic.eating.models import EatingLogEntry
from iptclinic.test import VerifiedClient


@pytest.mark.django_db
def test_the_demo_has_an_ipt_ed_course_with_an_eating_log_and_loads_twice():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    course = Course.objects.get(referral__client__given_name="Priya")
    assert course.variant == "ipt_ed"
    entries = EatingLogEntry.objects.filter(course=course)
    assert entries.count() == 4  # one per attended session
    assert [e.binges for e in entries] == [7, 5, 6, 3]
    browser = VerifiedClient()
    browser.force_login(User.objects.get(username="tess"))
    page = browser.get(reverse("eating:log", args=[course.pk]))
    assert page.status_code == 200
    assert "session 1: 7 binges, 4 purging" in page.content.decode()
