"""A scene for supervision tests: Tess's clients Cara and Jonah in therapy, Cara's consent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client
from iptclinic.clients.recording import give_recording_consent
from iptclinic.courses.models import Course
from iptclinic.test import attend_next, make_client, open_course_for

# A Wednesday morning in term: every test that needs "now" travels here.
WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def scene(tess: User, cara: Client) -> dict[str, object]:
    """Cara with four sessions attended and consent from before the first; Jonah with two."""
    cara_course = open_course_for(cara, tess, weeks_ago=5)
    give_recording_consent(cara, actor=tess, given_on=cara_course.start_date - timedelta(days=1))
    cara_sessions = attend_next(cara_course, tess, 4)
    jonah = make_client(tess, tess, "Jonah", "Price")
    jonah_course: Course = open_course_for(jonah, tess, weeks_ago=3)
    jonah_sessions = attend_next(jonah_course, tess, 2)
    return {
        "cara_course": cara_course,
        "cara_sessions": cara_sessions,
        "jonah": jonah,
        "jonah_course": jonah_course,
        "jonah_sessions": jonah_sessions,
        "today": timezone.localdate(),
        # How the meeting form names Cara's last session (and its recording).
        "cara_label": f"Session 4, {timezone.localdate(cara_sessions[-1].starts_at):%-d %b %Y}",
    }
