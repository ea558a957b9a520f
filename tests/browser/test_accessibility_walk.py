"""axe-core on every page a therapist, a service lead and a service user can open, one client's record included.

The journeys check the pages they pass through; this walk checks every page of the product that
answers a GET with HTML for the person (the access walk's list of URLs, filled with one client's
objects), so a page no journey visits is checked too.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import get_resolver
from playwright.sync_api import Page

from iptclinic.test import VerifiedClient
from tests.browser.conftest import sign_in, sign_out
from tests.clinical_objects import clinical_objects
from tests.test_access_walk import EMAILED_LINKS, object_urls, url_patterns

pytestmark = [pytest.mark.browser, pytest.mark.walk, pytest.mark.django_db(transaction=True)]

# Pages that end the session or start a sign-in elsewhere: opening them is not looking at them.
NOT_WALKED = {"accounts/logout/", "accounts/sso/staff/", "accounts/sso/service-user/"}


def every_url(ids: dict[str, int]) -> list[str]:
    plain = [
        "/" + route
        for route, pattern in url_patterns(get_resolver().url_patterns)
        if not pattern.pattern.converters
        and "<" not in route
        and route not in NOT_WALKED
        and route not in EMAILED_LINKS
    ]
    return plain + [url for _route, url in object_urls(ids)]


@pytest.mark.parametrize(
    ("fixture", "username"), [("tess", "tess"), ("lee", "lee"), ("cara_user", "cara")]
)
def test_every_page_a_person_can_open_has_no_accessibility_violation(
    request, page: Page, live_server, tess, cara, fixture, username
):
    ids = clinical_objects(cara, tess)
    probe = VerifiedClient()
    probe.force_login(request.getfixturevalue(fixture))
    sign_in(page, live_server.url, username)
    axe = Axe()
    checked, found = [], {}
    for url in every_url(ids):
        response = probe.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page.goto(live_server.url + url)
        results = axe.run(page)
        checked.append(url)
        if results.violations_count:
            found[url] = results.generate_report()
    sign_out(page)
    assert len(checked) > (3 if username == "cara" else 20), checked
    assert not found, "\n\n".join(f"{url}\n{report}" for url, report in found.items())
