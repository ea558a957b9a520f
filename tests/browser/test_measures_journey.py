"""Measurement-based care in real Chromium: questionnaires in three sessions, a risk answer, the
alert on the caseload, its review, and the chart (issue 4)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from iptclinic.test import attend_next
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Items 1-8 of the PHQ-9 in sessions 1 to 3 (totals 12, 6 and 4 before item 9), then item 9.
PHQ9 = {
    1: ["More than half the days"] * 4 + ["Several days"] * 4,
    2: ["Several days"] * 6 + ["Not at all"] * 2,
    3: ["Several days"] * 4 + ["Not at all"] * 4,
}
ITEM9 = {1: "Not at all", 2: "Not at all", 3: "Several days"}
GAD7 = ["More than half the days", "Several days", "Several days", "More than half the days"]
GAD7 += ["Not at all", "Several days", "Not at all"]


def answer(page: Page, number: int, text: str) -> None:
    item = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
    item.get_by_label(text).check()


def record_questionnaire(page: Page, short_name: str, answers: list[str], difficulty: str) -> None:
    page.get_by_role("link", name=f"Record the {short_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(short_name)
    for number, text in enumerate(answers, start=1):
        answer(page, number, text)
    answer(page, len(answers) + 1, difficulty)
    expect(page.locator("#live-score")).to_contain_text("Total so far")
    page.get_by_role("button", name=f"Save the {short_name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"The {short_name} is saved")


def test_a_therapist_measures_three_sessions_acts_on_a_risk_answer_and_sees_the_chart(
    page: Page, live_server, tess, cara, cara_course, console_errors
):
    attend_next(cara_course, tess, 3)
    base = live_server.url
    sign_in(page, base, "tess")
    page.get_by_role("link", name="Cara Whitfield").first.click()

    for session in (1, 2, 3):
        page.get_by_role("link", name=f"Write record of session {session}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Session {session} of 16")
        panel = page.get_by_role("region", name="Questionnaires this session")
        expect(panel).to_contain_text("PHQ-9: due, not recorded yet")
        record_questionnaire(page, "PHQ-9", [*PHQ9[session], ITEM9[session]], "Somewhat difficult")
        if session == 3:
            expect(panel).to_contain_text("risk item above 0")
        record_questionnaire(page, "GAD-7", GAD7, "Very difficult")
        expect(panel).to_contain_text("GAD-7")
        page.get_by_role("link", name=re.compile("Back to Cara")).click()

    page.get_by_role("link", name="Caseload").click()
    alerts = page.get_by_role("region", name="Risk alert to review")
    expect(alerts).to_contain_text("Cara Whitfield")
    expect(alerts).to_contain_text("answered “Several days (1)”")
    expect(alerts).to_contain_text("Samaritans")
    expect(page.locator("table.caseload")).to_contain_text("Risk alert to review")

    alerts.get_by_role("link", name=re.compile("^Review")).click()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what you assessed.")
    page.get_by_label("What was assessed").fill(
        "Phoned Cara the same day: passive thoughts, no plan."
    )
    page.get_by_label("Action taken").fill("Safety plan reviewed; crisis numbers given.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status")).to_contain_text("The review is recorded")
    expect(page.get_by_role("region", name="Risk alert to review")).to_have_count(0)

    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("region", name="Risk alert to review")).to_have_count(0)
    expect(page.locator("table.caseload")).not_to_contain_text("Risk alert")

    page.get_by_role("link", name="Cara Whitfield").first.click()
    page.get_by_role("link", name="Charts, outcomes and alert history").click()
    chart = page.locator("svg#chart-phq9")
    expect(chart).to_be_visible()
    expect(chart.locator("g.ipt-point")).to_have_count(3)
    expect(page.locator("svg#chart-gad7 g.ipt-point")).to_have_count(3)
    expect(
        page.get_by_role("table", name=re.compile("PHQ-9 scores")).locator("tbody tr")
    ).to_have_count(3)
    expect(page.get_by_role("region", name="Reviewed risk alerts")).to_contain_text(
        "Safety plan reviewed"
    )
    assert console_errors == []
