"""My therapy in the portal, on a phone (375 x 812) in real Chromium: a goal the client rates
before a session appears in that session's record as theirs, and someone they suggest adding
reaches the closeness circle only once the therapist has checked and accepted it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from iptclinic.courses import services as course_services
from iptclinic.inventory import sharing
from iptclinic.inventory.models import PortalGoalRating, Relationship
from iptclinic.inventory.tests.helpers import agree, day_of, initial_phase_done
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.test import record_the_past_as_missed
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def agreed(cara_course, tess, cara_user):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(
        cara_course,
        tess,
        day_of(third),
        areas=(ProblemArea.ROLE_TRANSITION,),
        goals={ProblemArea.ROLE_TRANSITION: ["Join the walking group"]},
    )
    record_the_past_as_missed(cara_course, tess)
    return cara_course


def test_a_goal_rated_in_the_portal_appears_in_the_session_record(
    page: Page, live_server, tess, agreed, console_errors, time_machine
):
    # The therapist chooses to share the goals and the focus; nothing else.
    sign_in(page, live_server.url, "tess")
    page.goto(live_server.url + reverse("inventory:sharing", args=[agreed.pk]))
    page.get_by_label(re.compile("^The goals")).check()
    page.get_by_label(re.compile("^The focus")).check()
    page.get_by_role("button", name="Save what is shared").click()
    expect(page.get_by_role("status")).to_contain_text("What Cara sees in the portal is saved.")
    sign_out(page)

    # On her phone, Cara sees the focus in plain words and rates her goal.
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "cara")
    page.get_by_role("link", name="My therapy").first.click()
    expect(page.get_by_role("heading", name="Changes in your life")).to_be_visible()
    expect(page.get_by_text("The people in your life")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Rate your goals before your next session").click()
    page.get_by_role("group", name="Join the walking group").get_by_label("7", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("status")).to_contain_text("Your ratings are saved")
    expect(page.get_by_text("Your last rating: 7 out of 10")).to_be_visible()
    sign_out(page)

    # The session comes; the therapist opens its record and sees Cara's own rating.
    session = PortalGoalRating.objects.get().appointment
    time_machine.move_to(session.starts_at + timedelta(hours=1))
    course_services.set_attendance(session, actor=tess, status="attended")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "tess")
    page.goto(live_server.url + reverse("courses:record", args=[session.pk]))
    ratings = page.get_by_role("region", name="The client's own goal ratings")
    expect(ratings).to_contain_text("Join the walking group")
    expect(ratings).to_contain_text("7 out of 10")
    expect(ratings).to_contain_text("rated by the client in the portal")
    assert console_errors == []


def test_someone_suggested_in_the_portal_joins_the_circle_once_the_therapist_accepts(
    page: Page, live_server, tess, agreed, console_errors
):
    sharing.set_shared(agreed, actor=tess, items=["circle"])
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "cara")
    page.get_by_role("link", name="My therapy").first.click()
    page.get_by_role("link", name="Add someone who is missing").click()
    page.get_by_role("button", name="Send to my therapist").click()
    expect(page.get_by_role("alert")).to_contain_text("Write their name or initials.")
    assert_accessible(page)
    page.get_by_label("Their name or initials").fill("Jo")
    page.get_by_label("Close", exact=True).check()
    page.get_by_role("button", name="Send to my therapist").click()
    expect(page.get_by_text("Waiting for your therapist")).to_be_visible()
    assert not Relationship.objects.filter(label="Jo").exists()
    sign_out(page)

    # The therapist finds it in "Needs attention", checks it, completes it and adds Jo.
    sign_in(page, live_server.url, "tess")
    page.goto(live_server.url + reverse("attention:mine"))
    page.get_by_role("link", name=re.compile("^Open the suggestion")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A suggestion from Cara")
    form = page.locator("form", has=page.get_by_role("button", name="Add to the inventory"))
    expect(form.get_by_label("Name or pseudonym")).to_have_value("Jo")
    form.get_by_label("Who they are").select_option(label="Friend")
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.locator(".messages")).to_contain_text("Jo is added to the inventory.")
    expect(page.locator("#circle-panel svg")).to_contain_text("Jo")
    sign_out(page)

    # Cara sees the change, and Jo on her circle.
    sign_in(page, live_server.url, "cara")
    page.get_by_role("link", name="My therapy").first.click()
    expect(page.get_by_text("Your therapist has made this change")).to_be_visible()
    expect(page.locator("#my-circle")).to_contain_text("Jo")
    assert_accessible(page)
    # The one refused form answered 400 on purpose; nothing else went wrong.
    assert [e for e in console_errors if "400 (Bad Request)" not in e] == []
