"""The demo holds Tess's own adherence ratings of Cara's sessions and Sam's, which differ."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from iptclinic.accounts.models import User
from iptclinic.courses.models import Course
from iptclinic.fidelity.models import AdherenceRating
from iptclinic.fidelity.selectors import course_adherence
from iptclinic.test import VerifiedClient


@pytest.mark.django_db
def test_the_demo_has_caras_sessions_rated_by_tess_and_one_by_sam_with_a_difference():
    call_command("load_demo", stdout=io.StringIO())
    tess, sam = User.objects.get(username="tess"), User.objects.get(username="sam")
    course = Course.objects.get(referral__client__given_name="Cara", state="active")
    ratings = AdherenceRating.objects.filter(checklist__appointment__course=course)
    assert ratings.filter(rater=tess, source="self").count() == 3
    assert ratings.filter(rater=sam, source="present").count() == 1
    adherence = course_adherence(course, sam)
    [(session, comparison)] = adherence.differences
    assert session.row.number == 4
    assert [d.item.code for d in comparison.items] == ["options_to_try"]
    assert comparison.overall_differs

    browser = VerifiedClient()
    browser.force_login(sam)
    page = browser.get(reverse("fidelity:course", args=[course.pk])).content.decode()
    assert "Agree what the person will try with others before next time" in page
