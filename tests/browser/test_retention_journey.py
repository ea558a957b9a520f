"""Retention in real Chromium: a service lead opens the report of records past their retention
date, keeps one under a legal hold and destroys another after reviewing it (issue 10 item 6)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from iptclinic.clients.models import Client, Referral
from iptclinic.retention.models import Decision, DisposalDecision
from iptclinic.test import make_client
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(datetime(2026, 12, 1, 11, 0, tzinfo=ZoneInfo("Europe/London"))),
]


@pytest.fixture
def two_old_records(lee):
    records = []
    for given, closed in (("Ann", date(2003, 6, 1)), ("Bea", date(2004, 2, 10))):
        person = make_client(lee, None, given, "Old", date_of_birth=date(1960, 1, 1))
        Referral.objects.filter(client=person).update(
            received_on=date(2002, 5, 1), closed_on=closed
        )
        records.append(person)
    return records


def test_a_lead_reviews_the_records_past_their_date_and_decides(
    page: Page, live_server, lee, two_old_records, console_errors
):
    ann, bea = two_old_records
    base = live_server.url
    sign_in(page, base, "lee")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records due for a retention review")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Ann Old")
    expect(table).to_contain_text("1 Jun 2023")
    assert_accessible(page)

    page.get_by_role("link", name="Review the record of Ann Old").click()
    assert_accessible(page)
    page.get_by_label("Keep the record until").fill("2029-12-31")
    page.get_by_label("Why it is kept").fill("Legal hold: a claim is in progress.")
    page.get_by_role("button", name="Keep the record").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "decision to keep"
    )
    expect(page.get_by_role("table")).not_to_contain_text("Ann Old")

    page.get_by_role("link", name="Review the record of Bea Old").click()
    page.get_by_label("Why it is destroyed").fill("Reviewed: past its date, nothing to keep.")
    page.get_by_label("I have reviewed this record").check()
    page.get_by_role("button", name="Destroy the record").click()
    expect(page.get_by_text("The record was destroyed")).to_be_visible()
    expect(page.get_by_text("No record is past its retention date.")).to_be_visible()
    assert_accessible(page)

    assert DisposalDecision.objects.get(client=ann).decision == Decision.KEEP
    assert DisposalDecision.objects.get(client=bea).decision == Decision.DESTROY
    assert Client.objects.get(pk=bea.pk).given_name == ""
    assert console_errors == []
