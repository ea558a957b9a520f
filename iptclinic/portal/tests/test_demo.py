"""The demo gives Cara a portal worth opening: shared parts of her therapy, and where to go."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.courses.models import Appointment
from iptclinic.test import VerifiedClient


@pytest.mark.django_db
def test_the_demo_shares_caras_focus_and_circle_and_says_where_her_sessions_are():
    call_command("load_demo", stdout=io.StringIO())
    cara = User.objects.get(username="cara")
    upcoming = Appointment.objects.filter(
        course__referral__client__portal_user=cara, status="planned", starts_at__gt=timezone.now()
    ).order_by("starts_at")
    assert upcoming[0].place == "Room 3, Riverside Health Centre"
    assert upcoming[1].video_link.startswith("https://")

    browser = VerifiedClient()
    browser.force_login(cara)
    therapy = browser.get(reverse("portal:my_therapy")).content.decode()
    assert "has not shared anything here yet" not in therapy
    assert "<svg" in therapy  # the closeness circle and the timeline are drawn
    sessions = browser.get(reverse("portal:appointments")).content.decode()
    assert "Room 3, Riverside Health Centre" in sessions
