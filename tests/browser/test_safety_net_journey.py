"""The safety net in real Chromium: a risk answer at 16:30 reaches the supervisor and the duty
clinician at 17:00 and a review ends it; missed sessions reach the supervisor; a reliable rise
reaches the therapist; a client moved mid-course takes their alert and work along (issue 8)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.attention.models import Item
from iptclinic.attention.tasks import run_safety_net
from iptclinic.measures import services as measure_services
from iptclinic.measures.tests.helpers import gad7_total, phq9_total
from iptclinic.notifications.channels import Recording
from iptclinic.test import attend_next, run_background_work
from tests.browser.conftest import set_attendance, sign_in, sign_out

LONDON = ZoneInfo("Europe/London")
# The personas' course is opened on this Tuesday (six weeks of Tuesday sessions behind it), so
# that the dates below hold whatever instant the suite runs at.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(datetime(2026, 12, 1, 11, 0, tzinfo=ZoneInfo("Europe/London"))),
]

HALF_FOUR = datetime(2026, 12, 1, 16, 30, tzinfo=LONDON)
FIVE = datetime(2026, 12, 1, 17, 0, tzinfo=LONDON)
PHQ9_WITH_ITEM_9_AT_1 = ["More than half the days"] * 4 + ["Several days"] * 4 + ["Several days"]


@pytest.fixture
def team_on_duty(team, tess, sam, otto, lee):
    for person in (tess, sam, otto, lee):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    team.duty_clinician = otto
    team.save(update_fields=["duty_clinician"])
    return team


def the_clock_runs(time_machine, moment: datetime) -> None:
    """What the workers do when their clock reaches ``moment``: the rules, then the messages."""
    time_machine.move_to(moment)
    run_safety_net.call()
    run_background_work()


def test_a_risk_answer_at_half_past_four_reaches_supervisor_and_duty_at_five_and_a_review_ends_it(
    page: Page,
    live_server,
    team_on_duty,
    cara,
    cara_course,
    tess,
    sam,
    otto,
    console_errors,
    time_machine,
):
    time_machine.move_to(HALF_FOUR)
    attend_next(cara_course, tess, 1)
    base = live_server.url
    sign_in(page, base, "tess")
    page.get_by_role("link", name="Cara Whitfield").first.click()
    page.get_by_role("link", name="Write record of session 1").click()
    page.get_by_role("link", name="Record the PHQ-9").click()
    for number, text in enumerate(PHQ9_WITH_ITEM_9_AT_1, start=1):
        page.get_by_role("group", name=re.compile(rf"^{number}\. ")).get_by_label(text).check()
    page.get_by_role("group", name=re.compile(r"^10\. ")).get_by_label("Somewhat difficult").check()
    page.get_by_role("button", name="Save the PHQ-9").click()
    expect(page.get_by_role("status")).to_contain_text("The PHQ-9 is saved")

    # 16:30: the alert is Tess's to review by 17:00.
    the_clock_runs(time_machine, HALF_FOUR.replace(minute=35))
    page.goto(f"{base}/attention/")
    expect(page.locator("table.attention")).to_contain_text("Risk alert not reviewed")
    assert {message.address for message in Recording.outbox} == {"tess@example.org"}
    sign_out(page)

    # 17:00: the supervisor and the duty clinician are told, by a message naming nobody.
    Recording.outbox.clear()
    the_clock_runs(time_machine, FIVE)
    told = {message.address: message for message in Recording.outbox}
    assert {"sam@example.org", "otto@example.org"} <= set(told)
    for message in told.values():
        assert "Cara" not in message.body + message.subject
        assert "Whitfield" not in message.body + message.subject
        assert "/attention/" in message.body

    sign_in(page, base, "sam")
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text("Risk alert not reviewed")
    expect(attention).to_contain_text("Cara Whitfield")
    attention.get_by_role("link", name=re.compile("^Review the alert")).click()
    page.get_by_label("What was assessed").fill("Phoned Cara at 17:10: passing thoughts, no plan.")
    page.get_by_label("Action taken").fill("Safety plan reviewed; Tess to follow up tomorrow.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status")).to_contain_text("The review is recorded")
    page.get_by_role("link", name=re.compile("^Needs attention")).click()
    expect(page.locator("table.attention")).to_have_count(0)
    assert not Item.objects.filter(kind="risk_alert", resolved_at__isnull=True).exists()
    sign_out(page)
    sign_in(page, base, "otto")
    page.get_by_role("link", name=re.compile("^Needs attention")).click()
    expect(page.get_by_text("Risk alert not reviewed")).to_have_count(1)  # in "closed", not open
    expect(page.locator("table.attention")).to_have_count(0)
    assert console_errors == []


def test_missed_sessions_reach_the_supervisor_and_a_reliable_rise_the_therapist(
    page: Page,
    live_server,
    team_on_duty,
    cara,
    cara_course,
    tess,
    sam,
    console_errors,
    time_machine,
):
    time_machine.move_to(datetime(2026, 12, 1, 11, 0, tzinfo=LONDON))
    first, second = attend_next(cara_course, tess, 2)
    for session, total in ((first, 12), (second, 19)):
        for code, answers in (("phq9", phq9_total(total, item9=0)), ("gad7", gad7_total(8))):
            measure_services.record_questionnaire(
                cara, actor=tess, instrument_code=code, answers=answers, appointment=session
            )
    base = live_server.url
    sign_in(page, base, "tess")
    page.goto(f"{base}/clients/{cara.pk}/")
    for index in (5, 6):  # the sessions of 24 November and 1 December
        set_attendance(page, index, "Did not attend")

    the_clock_runs(time_machine, datetime(2026, 12, 1, 11, 5, tzinfo=LONDON))
    page.get_by_role("link", name=re.compile("^Needs attention")).click()
    queue = page.locator("table.attention")
    expect(queue).to_contain_text("Scores reliably worse")
    expect(queue).to_contain_text("PHQ-9 has risen from 12 to 19")
    expect(queue).to_contain_text("Did not attend on Tue 1 Dec: contact the client")
    sign_out(page)

    sign_in(page, base, "sam")
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text("Repeated missed sessions")
    expect(attention).to_contain_text("Sessions missed: 2 in a row")
    assert console_errors == []


def test_a_client_moved_mid_course_takes_the_alert_and_the_work_along(
    page: Page,
    live_server,
    team_on_duty,
    cara,
    cara_course,
    tess,
    otto,
    lee,
    console_errors,
    time_machine,
):
    time_machine.move_to(HALF_FOUR)
    (session,) = attend_next(cara_course, tess, 1)
    measure_services.record_questionnaire(
        cara,
        actor=tess,
        instrument_code="phq9",
        answers=phq9_total(14, item9=2),
        appointment=session,
    )
    the_clock_runs(time_machine, HALF_FOUR.replace(minute=40))
    moving = set(
        Item.objects.filter(owner=tess, resolved_at__isnull=True).values_list("key", flat=True)
    )
    assert any(key.startswith("alert:") for key in moving)

    base = live_server.url
    sign_in(page, base, "lee")
    page.goto(f"{base}/clients/{cara.pk}/allocate/")
    expect(page.get_by_role("note").filter(has_text="care in progress")).to_contain_text(
        "1 open risk alert"
    )
    page.get_by_label("Therapist").select_option(label="Otto")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why Cara Whitfield is moving")
    page.get_by_label("Why is the client moving?").fill("Tess starts long leave tomorrow.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move Cara Whitfield to Otto?")
    page.get_by_role("button", name="Confirm the move").click()
    expect(page.get_by_role("status")).to_contain_text("The allocation is saved")
    sign_out(page)

    sign_in(page, base, "otto")
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text("Risk alert not reviewed")
    expect(page.get_by_role("region", name=re.compile("Risk alert"))).to_contain_text(
        "Cara Whitfield"
    )
    sign_out(page)

    sign_in(page, base, "tess")
    expect(page.get_by_role("region", name="Needs attention")).not_to_contain_text("Cara Whitfield")
    response = page.goto(f"{base}/clients/{cara.pk}/")
    assert response is not None and response.status == 404
    assert (
        set(Item.objects.filter(owner=otto, resolved_at__isnull=True).values_list("key", flat=True))
        >= moving
    )
    assert [e for e in console_errors if "404" not in e] == []


def test_a_lead_fills_a_gap_in_the_duty_rota_and_a_therapist_chooses_how_to_hear(
    page: Page, live_server, team_on_duty, tess, otto, lee, console_errors, time_machine
):
    otto.is_active = False  # the standing duty clinician has left: every day is a gap
    otto.save(update_fields=["is_active"])
    the_clock_runs(time_machine, datetime(2026, 12, 1, 11, 5, tzinfo=LONDON))
    base = live_server.url
    sign_in(page, base, "lee")
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text("Nobody is on duty on Wed 2 Dec: choose a duty clinician")
    attention.get_by_role("link", name="Open the duty rota").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Duty rota")
    page.get_by_role("combobox", name="Who is on duty").select_option(label="Tess (IPT therapist)")
    page.get_by_label("From").fill("2026-12-01")
    page.get_by_label("To (the last day on duty)").fill("2027-01-31")
    page.get_by_role("button", name="Add to the rota").click()
    expect(page.get_by_role("status")).to_contain_text("The turn is on the duty rota")
    expect(page.locator("table")).not_to_contain_text("Nobody")
    the_clock_runs(time_machine, datetime(2026, 12, 1, 11, 10, tzinfo=LONDON))
    page.get_by_role("link", name=re.compile("^Needs attention")).click()
    expect(page.locator("table.attention")).to_have_count(0)
    expect(page.get_by_role("region", name="Closed in the last 7 days")).to_contain_text(
        "Someone is now on duty that day."
    )
    sign_out(page)

    sign_in(page, base, "tess")
    page.get_by_role("link", name="My messages").click()
    page.get_by_label("As each item arrives").check()
    page.get_by_role("button", name="Save my message settings").click()
    expect(page.get_by_role("status")).to_contain_text("Your message settings are saved")
    expect(page.get_by_label("As each item arrives")).to_be_checked()
    assert console_errors == []
