"""Questionnaires before a session, on a phone (issue 11 item 3): Cara answers the PHQ-9 with
item 9 at 2, the crisis contacts appear at once, and Tess's Needs attention has the risk alert;
Cara answers the GAD-7 and Tess sees it as the session's questionnaire."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.attention.tasks import run_safety_net
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert
from iptclinic.test import attend_next
from tests.browser.conftest import assert_accessible, sign_in, sign_out

LONDON = ZoneInfo("Europe/London")
# The personas' course is opened on this Tuesday, so it has Tuesday sessions at 10:00; the
# following Sunday noon is within three days of the next one (Tuesday 8 December), so its PHQ-9
# and GAD-7 are open in the portal.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)),
]
SUNDAY_NOON = datetime(2026, 12, 6, 12, 0, tzinfo=LONDON)
PHONE = {"width": 375, "height": 812}


def answer(page: Page, text: str) -> None:
    page.get_by_label(text, exact=True).check()
    page.get_by_role("button", name=re.compile("^Save and")).click()


def test_item_9_on_a_phone_shows_the_crisis_contacts_and_reaches_tess_and_the_gad7_reaches_the_clinic(
    page: Page, live_server, cara, cara_user, cara_course, tess, console_errors, time_machine
):
    attend_next(cara_course, tess, 2)
    time_machine.move_to(SUNDAY_NOON)
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "cara")
    page.goto(f"{base}/portal/")
    expect(page.get_by_role("region", name="Questionnaires")).to_contain_text("Tuesday 8 December")
    page.get_by_role("link", name="PHQ-9: 10 questions").click()
    expect(page.get_by_text("PHQ-9, question 1 of 10")).to_be_visible()
    assert_accessible(page)
    for _ in range(8):
        answer(page, "Several days")
    expect(page.get_by_text("question 9 of 10")).to_be_visible()
    answer(page, "More than half the days")

    # At once, before anything is sent: the calm page with the team's crisis contacts.
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    expect(page.get_by_text("If you do not feel safe now")).to_be_visible()
    expect(page.locator("main")).to_contain_text(cara.team.crisis_contacts.splitlines()[0])
    assert_accessible(page)
    alert = RiskAlert.objects.get()
    assert alert.is_open and alert.questionnaire is None  # raised on the answer, not the send

    page.get_by_role("link", name="Carry on with the questions").click()
    expect(page.get_by_text("question 10 of 10")).to_be_visible()
    answer(page, "Somewhat difficult")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you send them"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")

    # The GAD-7 is still to answer; all seven, then send.
    page.get_by_role("link", name="GAD-7: 8 questions").click()
    for _ in range(7):
        answer(page, "More than half the days")
    answer(page, "Not difficult at all")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    expect(page.locator("main")).not_to_contain_text("Still to answer")
    assert no_sideways_scroll(page)
    sign_out(page)

    phq9 = QuestionnaireResponse.objects.get(instrument="phq9")
    assert RiskAlert.objects.get().questionnaire == phq9 and phq9.total == 10

    # Tess: the safety net's run puts the alert in her Needs attention.
    run_safety_net.call()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "tess")
    page.goto(f"{base}/attention/")
    expect(page.locator("table.attention")).to_contain_text("Review the risk alert")
    expect(page.locator("table.attention")).to_contain_text("Cara Whitfield")
    page.goto(f"{base}/clients/{cara.pk}/measures/")
    gad7 = page.get_by_role("region", name="GAD-7", exact=True)
    expect(gad7).to_contain_text("14")
    expect(gad7).to_contain_text("answered in the portal")
    assert console_errors == []


def no_sideways_scroll(page: Page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
