"""A new therapist's first hour, in real Chromium: from registering a client to ending the course."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import appointment_rows, set_attendance, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# No treatment agreement is recorded in this journey, so the middle phase never starts
# (decisions.md §6, R04): the initial phase runs on until the ending.
EXPECTED_PHASES = ["Initial"] * 3 + ["Middle"] * 7 + ["Ending"] * 2


def test_a_therapist_carries_a_client_from_referral_to_the_end_of_a_12_session_course(
    page: Page, live_server, tess, otto, console_errors
):
    base = live_server.url
    today = timezone.localdate()
    start = today - timedelta(weeks=13)

    sign_in(page, base, "tess")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    # Register a client; a wrong NHS number is refused and nothing typed is lost.
    page.get_by_role("link", name="Register a client").click()
    page.get_by_label("Given name").fill("Dana")
    page.get_by_label("Family name").fill("Okoro")
    page.get_by_label("Date of birth").fill("1987-05-19")
    page.get_by_label("NHS number").fill("943 476 5918")
    page.get_by_label("Large print").check()
    page.get_by_label("Referral date").fill((start - timedelta(weeks=2)).isoformat())
    page.get_by_label("Referred by").fill("Dr Patel, Mill Lane Surgery")
    page.get_by_label("Reason for referral").fill("Low mood since her father's illness.")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert")).to_contain_text("NHS number")
    expect(page.get_by_label("Given name")).to_have_value("Dana")
    expect(page.get_by_label("Reason for referral")).to_have_value(
        "Low mood since her father's illness."
    )
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Dana Okoro", level=1)).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("Large print")

    # Open a 12-session course; 17 would be refused.
    page.get_by_role("link", name="Open a course").click()
    page.get_by_label("Number of sessions").fill("17")
    page.get_by_label("First session on or after").fill(start.isoformat())
    page.get_by_label("Day of the week").select_option(index=start.weekday())
    page.get_by_label("Time").fill("10:00")
    page.get_by_role("button", name="Open the course").click()
    expect(page.get_by_role("alert")).to_contain_text("17 is too many")
    page.get_by_label("Number of sessions").fill("12")
    page.get_by_role("button", name="Open the course").click()
    expect(appointment_rows(page)).to_have_count(12)

    # Sessions 1-3: the initial phase.
    for index in range(3):
        set_attendance(page, index, "Attended")
        expect(appointment_rows(page).nth(index)).to_contain_text(f"{index + 1} of 12")
        expect(appointment_rows(page).nth(index)).to_contain_text("Initial")

    # Agree the focus, the formulation and the treatment agreement at session 3.
    page.get_by_role("link", name="Focus").first.click()
    page.get_by_label("Role transitions").check()
    page.get_by_label("Why this focus").fill(
        "The low mood began when she became her father's carer."
    )
    page.get_by_role("button", name="Record the focus").click()
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Record that it was shared and agreed").click()
    page.get_by_label(re.compile("^Goal 1 for")).fill("Ask her brother to share the caring")
    page.get_by_role("button", name="Record the treatment agreement").click()
    expect(page.locator(".messages")).to_contain_text("the contract is fixed")
    page.locator(".client-banner__name a").click()

    # Session 4 is the first of the middle phase; the fifth appointment is missed and rebooked.
    set_attendance(page, 3, "Attended")
    expect(appointment_rows(page).nth(3)).to_contain_text("4 of 12")
    expect(appointment_rows(page).nth(3)).to_contain_text("Middle")
    set_attendance(page, 4, "Did not attend")
    expect(appointment_rows(page).nth(4)).to_contain_text("Did not attend")
    page.get_by_role("link", name=re.compile("^Rebook")).click()
    page.get_by_role("button", name="Rebook").click()
    expect(page.get_by_role("status")).to_contain_text("Rebooked for")
    expect(appointment_rows(page)).to_have_count(13)
    expect(appointment_rows(page).nth(12)).to_contain_text("replaces")

    # The rest of the course: the phase changes to the ending at session 11.
    number = 5
    for index in range(5, 13):
        set_attendance(page, index, "Attended")
        row = appointment_rows(page).nth(index)
        expect(row).to_contain_text(f"{number} of 12")
        expect(row).to_contain_text(EXPECTED_PHASES[number - 1])
        number += 1
    expect(page.locator(".course-summary")).to_contain_text("Session 12 of 12")
    expect(page.locator(".course-summary")).to_contain_text("Ending phase")

    # Write and sign the record of session 4, the first of the middle phase.
    appointment_rows(page).nth(3).get_by_role("link", name=re.compile("Write record")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 4 of 12: Middle phase")
    page.get_by_label("Agenda").fill("Scores, the week, the dispute with her brother.")
    page.get_by_label("Notes").fill("Looked at Sunday's argument step by step.")
    for question in page.locator("fieldset.yes-no").all()[:6]:
        question.get_by_label("No").check()
    page.get_by_label("No apparent risk").check()
    page.get_by_role("button", name="Save and review for signing").click()
    expect(page.get_by_role("status")).to_contain_text("record of session 4 is saved")
    expect(page.get_by_role("heading", name="What signing means")).to_be_visible()
    page.get_by_role("button", name="Sign the record").click()
    expect(page.get_by_role("status")).to_contain_text("The record is signed")
    expect(page.get_by_role("button", name="Save the record")).to_have_count(0)

    # Write the ending record; only then can the course close as completed.
    page.get_by_role("link", name=re.compile("Back to Dana")).click()
    page.get_by_role("link", name=re.compile("^Ending record")).click()
    page.get_by_label("Feelings about the ending").fill("Sad, and proud of what changed.")
    page.get_by_label("Progress on symptoms and on the focus").fill("Talks with her brother again.")
    page.get_by_label("What the person says helped").fill("Saying what you need out loud.")
    page.get_by_label("Personal early warning signs").fill("Poor sleep.")
    page.get_by_label("What to do if the signs come back").fill("Call your brother.")
    page.get_by_label("Goals to keep working on").fill("Keep the Sunday calls.")
    page.get_by_label("Discharge: no further IPT is needed now").check()
    page.get_by_role("button", name="Save the ending record").click()
    expect(page.get_by_role("status")).to_contain_text("The ending record is complete")

    # End the course as completed.
    page.get_by_role("link", name="End the course").click()
    page.get_by_label("Completed: all the contracted sessions took place").check()
    page.get_by_role("button", name="End the course").click()
    expect(page.locator(".course-summary")).to_contain_text("Ended")
    expect(page.get_by_role("heading", name=re.compile("Completed"))).to_be_visible()
    client_url = page.url
    assert console_errors == []

    # Another therapist cannot tell that this client exists.
    sign_out(page)
    sign_in(page, base, "otto")
    page.goto(client_url)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
