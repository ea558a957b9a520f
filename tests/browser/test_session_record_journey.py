"""Nothing typed on a session record is lost, in real Chromium: one button saves the techniques
and goal ratings with the record, leaving with unsaved typing asks first, and a risk check that
says "no risk" beside a PHQ-9 item 9 of 1 is signed only once reconciled, after a confirmation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from iptclinic.courses.models import SessionRecord
from iptclinic.inventory.models import GoalRating, SessionFocusWork
from iptclinic.inventory.tests.helpers import agree, day_of, initial_phase_done
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.test import attend_next
from tests.browser.conftest import sign_in
from tests.browser.test_measures_journey import record_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHQ9_WITH_ITEM9_AT_1 = ["Several days"] * 4 + ["Not at all"] * 4 + ["Several days"]
NOTE = "Asked directly: the thoughts were last week, fleeting; none now, no plan or intent."


def test_a_middle_phase_record_is_saved_whole_guarded_and_signed_only_once_reconciled(
    page: Page, live_server, tess, cara_course, console_errors
):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third), goals={ProblemArea.ROLE_DISPUTE: ["Tell Sam"]})
    (fourth,) = attend_next(cara_course, tess)
    dialogs: list[str] = []

    def refuse_to_leave(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", refuse_to_leave)
    sign_in(page, live_server.url, "tess")
    page.get_by_role("link", name="Cara Whitfield").first.click()
    page.get_by_role("link", name="Write record of session 4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 4 of 16: Middle phase")

    # Techniques, a goal rating and the notes: one button saves them all.
    focus_work = page.get_by_role("group", name="Focus work in this session")
    focus_work.get_by_label(re.compile("^Role play")).check()
    focus_work.get_by_label(re.compile("Tell Sam")).fill("6")
    page.get_by_label("Notes").fill("Role play of asking Sam for help with the money.")
    page.get_by_role("button", name="Save the record", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The record of session 4 is saved.")
    assert dialogs == []  # submitting the form does not ask
    page.reload()
    expect(focus_work.get_by_label(re.compile("^Role play"))).to_be_checked()
    expect(focus_work.get_by_label(re.compile("Tell Sam"))).to_have_value("6")
    assert SessionFocusWork.objects.get().techniques == ["role_play"]
    assert GoalRating.objects.get().rating == 6

    # Typing, then trying to leave: the browser asks, and staying keeps the typing.
    page.get_by_label("Notes").press("Control+End")
    page.keyboard.type(" She practised twice.")
    with page.expect_event("dialog") as asked:
        page.get_by_role("link", name="Back to Cara's page").click()
    assert asked.value.type == "beforeunload"
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 4 of 16: Middle phase")
    expect(page.get_by_label("Notes")).to_have_value(
        "Role play of asking Sam for help with the money. She practised twice."
    )
    page.get_by_role("button", name="Save the record", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The record of session 4 is saved.")

    # PHQ-9 item 9 at 1 this session, and a risk check of "no risk".
    record_questionnaire(page, "PHQ-9", PHQ9_WITH_ITEM9_AT_1, "Somewhat difficult")
    risk_check = page.get_by_role("group", name="Risk check")
    expect(risk_check).to_contain_text("Known about risk at this session")
    expect(risk_check).to_contain_text("was answered “Several days” (1)")
    for question in risk_check.get_by_role("group").all():
        if question.get_by_label("No", exact=True).count():
            question.get_by_label("No", exact=True).check()
    risk_check.get_by_label("No apparent risk").check()
    page.get_by_role("button", name="Save and review for signing").click()

    # Refused, with the reason, and no way to sign from here.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign the record of session 4")
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("The record cannot be signed yet")
    expect(problem).to_contain_text("but the risk check records no thoughts of suicide")
    expect(page.get_by_role("button", name="Sign the record")).to_have_count(0)
    assert not SessionRecord.objects.get().is_signed

    # The note explains the difference; the confirmation page then offers to sign.
    problem.get_by_role("link", name="Go back to the record to put this right").click()
    page.get_by_label("Why the risk check differs").fill(NOTE)
    page.get_by_role("button", name="Save and review for signing").click()
    expect(page.get_by_role("heading", name="What signing means")).to_be_visible()
    expect(page.locator(".record")).to_contain_text(NOTE)
    expect(page.locator(".record")).to_contain_text("Role play")
    page.get_by_role("button", name="Sign the record").click()

    expect(page.get_by_role("status")).to_contain_text("The record is signed.")
    expect(page.get_by_role("heading", name="Signed record")).to_be_visible()
    expect(page.locator(".record")).to_contain_text(NOTE)
    expect(page.locator(".record")).to_contain_text("6 out of 10")
    record = SessionRecord.objects.get()
    assert record.is_signed and record.risk_reconciliation == NOTE
    assert dialogs == ["beforeunload"]
    assert console_errors == []
