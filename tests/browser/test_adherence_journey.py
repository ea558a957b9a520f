"""Adherence in real Chromium: Tess rates session 4 from its record, Sam rates it from being in
the room, and the course's adherence page shows both ratings and where they differ (issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from iptclinic.fidelity.tests.helpers import course_with_records
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPTIONS = "Agree what the person will try with others before next time"


def mark_every_item(page: Page, mark: str, **exceptions: str) -> None:
    items = page.locator("fieldset.adherence-item")
    for index in range(items.count()):
        item = items.nth(index)
        legend = item.locator("legend").inner_text()
        item.get_by_label(exceptions.get(legend, mark), exact=True).check()


def test_the_therapist_and_the_supervisor_rate_a_session_and_see_where_they_differ(
    page: Page, live_server, tess, sam, cara, console_errors
):
    course = course_with_records(cara, tess)
    fourth = course.appointments.filter(status="attended").order_by("starts_at")[3]

    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/appointments/{fourth.pk}/record/")
    page.get_by_role("link", name="Rate adherence").click()
    expect(page.get_by_role("heading", name="Rate adherence to IPT in session 4")).to_be_visible()
    assert_accessible(page)
    # A missing mark is named and the marks given are kept.
    page.locator("fieldset.adherence-item").first.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a mark for this item.")
    expect(
        page.locator("fieldset.adherence-item").first.get_by_label("Done", exact=True)
    ).to_be_checked()
    assert_accessible(page)
    mark_every_item(page, "Done", **{OPTIONS: "Not done"})
    page.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_text("Your adherence rating of session 4 is saved.")).to_be_visible()
    row = page.locator(f"#adherence-{fourth.pk}")
    expect(row).to_contain_text("Not rated")  # the supervisor's column
    sign_out(page)

    sign_in(page, live_server.url, "sam")
    page.goto(f"{live_server.url}/clients/{cara.pk}/")
    page.get_by_role("link", name="Adherence to IPT").click()
    page.get_by_role("link", name="Rate this session (session 4)").click()
    page.get_by_label("The supervisor, present in the session").check()
    mark_every_item(page, "Done")
    page.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_text("Your adherence rating of session 4 is saved.")).to_be_visible()

    differences = page.locator(".adherence-difference")
    expect(differences).to_have_count(1)
    expect(differences).to_contain_text("Session 4")
    expect(differences).to_contain_text(f"{OPTIONS}: therapist not done, supervisor done")
    row = page.locator(f"#adherence-{fourth.pk}")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("(the supervisor, present in the session)")
    expect(page.locator("svg.ipt-chart")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []
