"""A service lead answers a request for a client's whole record, in real Chromium: records the
request from the client's page, watches the copy being made in the background, reviews the one
other person named in the record, releases the copy and downloads it. axe-core finds no
accessibility violation on the pages visited."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from iptclinic.courses import services as course_services
from iptclinic.inventory import services as inventory_services
from iptclinic.letters.formats.pdf import pdf_text
from iptclinic.subject_access.models import SubjectAccessRequest
from iptclinic.test import attend_next, run_background_work
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_answers_a_request_for_the_whole_record(
    page: Page, live_server, lee, tess, cara, cara_course, console_errors, tmp_path
):
    inventory_services.add_relationship(
        cara_course, actor=tess, data={"label": "Jo", "relationship_type": "friend"}
    )
    attended = attend_next(cara_course, tess, 1)[0]
    course_services.save_session_record(
        attended, actor=tess, data={"notes": "Jo came to the door."}, expected_version=None
    )
    base = live_server.url
    sign_in(page, base, "lee")
    page.goto(f"{base}/clients/{cara.pk}/")
    page.get_by_role("link", name="Copy of the whole record").click()
    assert_accessible(page)

    page.get_by_label("Date the request was received").fill(timezone.localdate().isoformat())
    page.get_by_label("The person themselves").check()
    page.get_by_label("Known to the team and seen in person").check()
    page.get_by_role("button", name="Record the request and start the copy").click()
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("Waiting to be made.")
    assert_accessible(page)

    # The worker makes the copy; the page shows it ready without being reloaded.
    page.evaluate("window.stillTheSamePage = true")
    run_background_work()
    expect(progress).to_contain_text("Ready.")
    assert page.evaluate("window.stillTheSamePage") is True
    page.get_by_role("link", name="Show the review and release").click()

    # Jo, a friend in the inventory, is withheld until reviewed; the lead withholds her.
    review = page.get_by_role("region", name="Jo")
    expect(review).to_contain_text("Named 2 times")
    assert_accessible(page)
    # Saved without a choice: the error is on the field and the reason typed is kept.
    review.get_by_label("Reason").fill("Jo has not agreed to be named.")
    review.get_by_role("button", name="Save the decision for Jo").click()
    review = page.get_by_role("region", name="Jo")
    expect(review.get_by_role("alert")).to_contain_text("Choose whether to release or withhold")
    expect(review.get_by_label("Reason")).to_have_value("Jo has not agreed to be named.")
    assert_accessible(page)
    review.get_by_label("Withhold the name").check()
    review.get_by_role("button", name="Save the decision for Jo").click()
    expect(page.get_by_role("region", name="Jo")).to_contain_text("Withhold: Jo has not agreed")
    page.get_by_role("button", name="Make the copy again").click()
    run_background_work()
    expect(page.get_by_role("status")).to_contain_text("Ready.")
    page.get_by_role("link", name="Show the review and release").click()

    # Release: how it was sent, recorded; the item leaves "Needs attention".
    page.get_by_label("Sent by secure email").check()
    page.get_by_role("button", name="Record the release").click()
    expect(page.get_by_text("The release is recorded and the item is closed.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Sent by secure email")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = pdf_text(path.read_bytes())
    assert "Person A came to the door." in text and "Jo came" not in text
    assert "Cara Whitfield" in text

    sar = SubjectAccessRequest.objects.get()
    assert sar.released_by == lee and sar.release_method == "secure_email"
    page.goto(f"{base}/attention/")
    assert_accessible(page)
    assert console_errors == []
