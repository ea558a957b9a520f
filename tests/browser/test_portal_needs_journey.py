"""The portal follows a person's needs, and a need the person tells reaches their therapist
(issue 11, items 5 and 6; hazards H-098 and H-101), on a phone (375 x 812)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from iptclinic.accounts.models import Role
from iptclinic.clients.models import Client, NeedsTold
from iptclinic.test import make_user
from tests.browser.conftest import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
BODY_TEXT = "getComputedStyle(document.querySelector('main p')).fontSize"


def test_a_large_print_users_portal_is_in_larger_text(
    page: Page, live_server, cara_user, ruth: Client, console_errors
):
    rudy = make_user(ruth.team, "rudy", Role.SERVICE_USER)
    ruth.portal_user = rudy
    ruth.save(update_fields=["portal_user"])
    page.set_viewport_size(PHONE)

    sign_in(page, live_server.url, "rudy")
    page.goto(f"{live_server.url}/portal/")
    standard = float(page.evaluate(BODY_TEXT).removesuffix("px"))
    sign_out(page)

    sign_in(page, live_server.url, "cara")  # Cara's record says large print
    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("html")).to_have_class("portal-large-print")
    large = float(page.evaluate(BODY_TEXT).removesuffix("px"))
    print(f"Body text: {standard} px for a standard user, {large} px in large print")
    assert large >= standard * 1.2
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert_accessible(page)
    assert not console_errors


def test_the_person_tells_a_need_and_the_therapist_confirms_it(
    page: Page, live_server, cara: Client, cara_user, tess, console_errors
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "cara")
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="Tell us what helps you read and talk with us").click()
    page.get_by_label("Audio (to listen to)").check()
    page.get_by_label("Text message").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send to my therapist").click()
    expect(page.get_by_text("Waiting for your therapist to confirm")).to_be_visible()
    told = NeedsTold.objects.get(client=cara)
    assert (told.audio, told.preferred_contact) == (True, "text"), page.content()
    cara.refresh_from_db()
    assert not cara.audio  # nothing changes until the therapist confirms
    sign_out(page)

    sign_in(page, live_server.url, "tess")
    page.goto(f"{live_server.url}/attention/")
    page.get_by_role("link", name="Confirm the needs").first.click()
    expect(page.get_by_role("heading", name="Communication needs told by Cara")).to_be_visible()
    page.get_by_role("button", name="Confirm and add to the record").click()
    expect(page.get_by_text("Confirmed and added to the record")).to_be_visible()
    cara.refresh_from_db()
    assert cara.audio and cara.preferred_contact == "text"
    sign_out(page)

    sign_in(page, live_server.url, "cara")
    page.goto(f"{live_server.url}/portal/my-needs/")
    expect(page.get_by_text("Your therapist confirmed your needs")).to_be_visible()
    assert not console_errors
