"""axe-core on every portal page a service user can open, on a small phone (320 px) and a desktop.

The pages are found, not listed: every portal URL the resolver knows, filled with one client's
objects as the access walk fills them, that answers the service user with HTML.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from iptclinic.test import VerifiedClient
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility_walk import every_url
from tests.clinical_objects import clinical_objects

pytestmark = [pytest.mark.browser, pytest.mark.walk, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 1280)


def test_every_portal_page_has_no_accessibility_violation_at_320_and_1280_px(
    page: Page, live_server, tess, cara, cara_user
):
    ids = clinical_objects(cara, tess)
    probe = VerifiedClient()
    probe.force_login(cara_user)
    portal_pages = []
    for url in every_url(ids):
        if not url.startswith("/portal/"):
            continue
        response = probe.get(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            portal_pages.append(url)
    sign_in(page, live_server.url, "cara")
    axe = Axe()
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in portal_pages:
            page.goto(live_server.url + url)
            results = axe.run(page)
            if results.violations_count:
                found[f"{url} at {width} px"] = results.generate_report()
            # Reflow (WCAG 1.4.10): nothing but wide tables and drawings may scroll sideways.
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                found[f"{url} at {width} px"] = "The page scrolls sideways."
    print("Portal pages checked at 320 and 1280 px:", *portal_pages, sep="\n  ")
    assert "/portal/" in portal_pages and "/portal/who-has-looked/" in portal_pages, portal_pages
    assert not found, "\n\n".join(f"{where}\n{report}" for where, report in found.items())
