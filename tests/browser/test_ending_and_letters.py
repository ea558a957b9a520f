"""The last two sessions of a course, in real Chromium, for a client who needs large print and
Braille: the ending record, closing the course, and the end-of-therapy letters issued, made in
the background while the progress page watches, and downloaded in the formats she needs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from iptclinic.letters.formats.pdf import pdf_font_sizes, pdf_text
from iptclinic.letters.tests.scenes import prepare_client, run_course
from iptclinic.test import run_background_work
from tests.browser.conftest import set_attendance, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download(page: Page, link_name: str, tmp_path) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def test_a_therapist_ends_the_course_and_sends_the_letters_in_large_print_and_braille(
    page: Page, live_server, tess, cara, console_errors, tmp_path
):
    prepare_client(cara, large_print=True, braille=True)
    course = run_course(cara, tess, leave=2)
    base = live_server.url
    sign_in(page, base, "tess")
    page.goto(f"{base}/clients/{cara.pk}/")
    expect(page.get_by_role("note")).to_contain_text("Large print")
    expect(page.get_by_role("note")).to_contain_text("Braille")

    # The two ending sessions: attended, and the first one's plan points to the ending record.
    set_attendance(page, 10, "Attended")
    set_attendance(page, 11, "Attended")
    expect(page.locator(".course-summary")).to_contain_text("Session 12 of 12")
    page.locator("table.appointments tbody tr").nth(10).get_by_role(
        "link", name=re.compile("Write record")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 11 of 12: Ending phase")
    expect(page.get_by_text("Talk about feelings about the ending")).to_be_visible()
    page.get_by_role("link", name="ending record").click()

    # The ending record, with the progress review assembled from the course.
    expect(page.get_by_role("heading", name="Progress review")).to_be_visible()
    expect(page.locator(".progress-review")).to_contain_text("18 (Moderately severe)")
    page.get_by_label("Feelings about the ending").fill("Sad to stop; proud of the work.")
    page.get_by_label("Earlier losses the ending brings up").fill("Leaving her last job.")
    page.get_by_label("Progress on symptoms and on the focus").fill("Settled in the new job.")
    page.get_by_label("What the person says helped").fill("Asking for help at work.")
    page.get_by_label("Personal early warning signs").fill("Sleeping badly.")
    page.get_by_label("What to do if the signs come back").fill("Call your sister first.")
    page.get_by_label("Goals to keep working on").fill("Join the walking group.")
    page.get_by_label("The person agreed to the end-of-therapy summary going to their GP").check()
    page.get_by_label("Discharge: no further IPT is needed now").check()
    page.get_by_role("button", name="Save the ending record").click()
    expect(page.get_by_role("status")).to_contain_text("The ending record is complete")

    # Close the course as completed: the risk alert of her first PHQ-9 is reviewed in the same
    # step, because a course never ends with a risk nobody has looked at.
    page.get_by_role("link", name="End the course").click()
    page.get_by_label("Completed: all the contracted sessions took place").check()
    alerts = page.get_by_role("region", name="Review the open risk alert first")
    expect(alerts).to_contain_text("PHQ-9 item 9")
    page.get_by_role("button", name="End the course").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what you assessed about this risk alert")
    alerts.get_by_label("What was assessed").fill("Asked at session 12: no thoughts of suicide.")
    alerts.get_by_label("Action taken").fill("None needed; relapse plan covers it.")
    page.get_by_role("button", name="End the course").click()
    expect(page.locator(f"#course-{course.pk} .course-summary")).to_contain_text("Ended")

    # The GP summary: standard print, with the charts and scores. Issuing answers at once with
    # a progress page; the letter is made by a background worker, and the page shows it ready
    # without being reloaded.
    page.locator(f"#course-{course.pk}").get_by_role("link", name="Letters").click()
    page.get_by_role("link", name="End-of-therapy summary for the GP").click()
    page.get_by_role("button", name="Issue the letter").click()
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("Waiting to be made.")
    page.evaluate("window.stillTheSamePage = true")
    run_background_work()
    expect(progress).to_contain_text("Ready.")
    assert page.evaluate("window.stillTheSamePage") is True
    progress.get_by_role("link", name="Open the letter to download its files").click()
    name, pdf = _download(page, re.compile(r"gp_summary-whitfield-cara-.*\.pdf"), tmp_path)
    assert name.endswith(".pdf")
    assert "PHQ-9" in pdf_text(pdf) and "Cara Whitfield" in pdf_text(pdf)

    # Cara's own summary: large print and Braille are her recorded needs, ticked for her.
    page.get_by_role("link", name=re.compile("Back to Cara's letters")).click()
    page.get_by_role("link", name="End-of-therapy summary for the service user").click()
    expect(
        page.get_by_label("Large print (PDF, 16 point and larger) (recorded need)")
    ).to_be_checked()
    expect(page.get_by_label("Braille (BRF) (recorded need)")).to_be_checked()
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_role("status")).to_contain_text("Waiting to be made.")
    run_background_work()
    expect(page.get_by_role("status")).to_contain_text("Ready.")
    page.get_by_role("link", name="Open the letter to download its files").click()
    expect(page.locator("table.letter-files")).to_contain_text("Large print")
    expect(page.locator("table.letter-files")).to_contain_text("(recorded need)")

    _, large = _download(page, re.compile(r"-large-print\.pdf$"), tmp_path)
    assert min(pdf_font_sizes(large)) >= 16
    assert "Your therapy: a summary" in pdf_text(large)
    _, brf = _download(page, re.compile(r"\.brf$"), tmp_path)
    assert brf and all(0x20 <= b <= 0x5F or b in (0x0A, 0x0D, 0x0C) for b in brf)

    assert console_errors == []
