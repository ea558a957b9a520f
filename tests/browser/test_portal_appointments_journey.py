"""Appointments in the portal, in real Chromium on a phone (issue 11, item 2): Cara sees her next
session first with her therapist's name, says she can't come with a reason, and Tess finds the
request in "Needs attention" and on the appointment; the booking is unchanged."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.courses.models import Appointment
from iptclinic.ipt.attendance import Attendance
from iptclinic.test import attend_next
from tests.browser.conftest import assert_accessible, sign_in, sign_out

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)  # a Tuesday morning

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(NOW),
]


def test_cara_says_she_cant_come_and_tess_sees_it(
    page: Page, live_server, tess, cara_user, cara_course, console_errors
):
    tess.last_name = "Moreno"
    tess.save(update_fields=["last_name"])
    attend_next(cara_course, tess, 3)
    upcoming = cara_course.appointments.filter(starts_at__gt=NOW, status="planned")
    session = upcoming.order_by("starts_at").first()
    day = f"{session.starts_at.astimezone(LONDON):%A %-d %B %Y}"

    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, live_server.url, "cara")
    page.goto(f"{live_server.url}/portal/")

    # The next session comes first, with who it is with, how long and where.
    first_section = page.locator("main section").first
    expect(first_section.get_by_role("heading", level=2)).to_have_text("Your next session")
    expect(first_section).to_contain_text(day)
    expect(first_section).to_contain_text("Tess Moreno")
    expect(first_section).to_contain_text("(60 minutes)")
    expect(first_section).to_contain_text("Session 4 of 16")
    assert_accessible(page)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    first_section.get_by_role("link", name=re.compile("^I can't come")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I can't come")
    expect(page.get_by_text("Your session stays booked")).to_be_visible()
    page.get_by_label("Tell us why (optional)").fill("I have a hospital appointment that day.")
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("We have told Tess Moreno")
    expect(page.get_by_text("the session is still booked")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to your sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sessions")
    expect(page.locator("main")).to_contain_text("You told us")
    assert_accessible(page)
    sign_out(page)

    # Tess: the request is in her "Needs attention" and on the appointment.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/attention/")
    row = page.locator("tr", has_text="can't come")
    expect(row).to_contain_text("A client asked to cancel or move a session")
    expect(row).to_contain_text(f"{session.starts_at.astimezone(LONDON):%a %-d %b}")
    row.get_by_role("link", name=re.compile("^See the request")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appointment of")
    expect(page.locator("main")).to_contain_text("I can't come")
    expect(page.locator("main")).to_contain_text("I have a hospital appointment that day.")
    expect(page.locator("main")).to_contain_text("A request does not change the booking")
    assert_accessible(page)

    page.goto(f"{live_server.url}/clients/{cara_course.referral.client_id}/")
    expect(page.get_by_role("link", name=re.compile("^Request from Cara"))).to_be_visible()

    assert Appointment.objects.get(pk=session.pk).status == Attendance.PLANNED
    assert console_errors == []
