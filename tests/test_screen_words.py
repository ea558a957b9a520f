"""No screen names a document (decisions §37), and no signed-in page may be stored (issue 9):
the demo, crawled as each of its personas.

Section numbers, file names and evidence labels ("FIRM", "UNVERIFIED", "[S]") belong in
``docs/`` and code comments. This test loads the demo, signs in as each demo login, follows every
same-site GET link and GET form from the home page, and fails on any of them in the text of an
HTML page. It follows links rather than a list of URLs, so a page added later is covered as soon
as something links to it.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import resolve

from iptclinic.accounts.models import User
from iptclinic.clients.management.commands.load_demo import LOGINS
from iptclinic.test import VerifiedClient as HttpClient

pytestmark = pytest.mark.walk

# What a developer reference looks like: a section sign, a Markdown file name, an evidence label
# of the domain documents, or a source key such as [S6] or the outcome markers [U] and [S].
DEVELOPER_REFERENCE = re.compile(r"§|\.md\b|\b(?:FIRM|UNVERIFIED|CONVENTION|PRODUCT)\b|\[[SU]\d*\]")
# Attributes whose words reach a person: tooltips, alternative text, screen-reader labels.
SPOKEN_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder"})
# Inputs whose value is not shown as words: the rest show theirs (a button, a filled-in box).
UNSEEN_INPUTS = frozenset({"hidden", "checkbox", "radio", "password", "file"})
# Links to files are downloads, not pages (PDF, calendar, CSV): the crawl does not fetch them.
FILE_NAME = re.compile(r"/[^/]+\.[A-Za-z0-9]+$")
# A page reached with many different query strings (a calendar's "next week", a list's next
# page) is checked this many times, so that links that go on for ever still end.
MAX_QUERIES_PER_PATH = 5
MAX_PAGES_PER_PERSONA = 3000
# Not the list of pages to check (the links are), but a few the demo must lead to, so that a
# crawl that silently stops following links cannot pass.
MUST_REACH = {
    "courses:caseload",
    "clients:detail",
    "courses:record",
    "inventory:focus",
    "inventory:formulation",
    "endings:ending",
    "measures:detail",
    "measures:alert",
    "letters:issue",
    "reports:outcomes",
    "service:dashboard",
    "service:figure",
    "portal:home",
    "supervision:overview",
    "supervision:meeting",
    "clients:recording_consent",
}


class _Page(HTMLParser):
    """The text a person sees or hears on a page, and where its links and GET forms lead."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._hidden_depth = 0
        self._form: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
        self.text.extend(values[name] for name in SPOKEN_ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type", "text").lower() not in UNSEEN_INPUTS:
            self.text.append(values.get("value", ""))
        if tag == "a" and "href" in values and "download" not in values:
            self.links.append(values["href"])
        elif tag == "form" and values.get("method", "get").lower() == "get":
            self._form = (values.get("action", ""), {})
        elif self._form is not None and values.get("name"):
            self._form_field(tag, values)

    def _form_field(self, tag: str, values: dict[str, str]) -> None:
        assert self._form is not None
        fields = self._form[1]
        name = values["name"]
        kind = values.get("type", "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in values:
                fields[name] = values.get("value", "on")
        elif tag == "input" and kind not in ("submit", "button", "image", "reset", "file"):
            fields[name] = values.get("value", "")
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = values.get("value", "")
            if "selected" in values:
                fields[self._select] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden_depth:
            self._hidden_depth -= 1
        elif tag == "select" and self._form is not None and self._select is not None:
            self._form[1].setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth and data.strip():
            self.text.append(data)


@dataclass
class Crawl:
    """Pages checked for one persona, and each offending snippet with the pages that show it."""

    persona: str
    pages: int = 0
    findings: dict[str, list[str]] = field(default_factory=dict)
    views: set[str] = field(default_factory=set)


def _same_site(base: str, href: str) -> str | None:
    """The path and query of ``href`` if it is a page of this site worth fetching, else None."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if FILE_NAME.search(parts.path) or "logout" in parts.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _snippet(fragment: str) -> str | None:
    """The words around the first developer reference in one piece of text, if it has one."""
    match = DEVELOPER_REFERENCE.search(fragment)
    if match is None:
        return None
    start, end = max(0, match.start() - 70), min(len(fragment), match.end() + 70)
    return " ".join(fragment[start:end].split())


def crawl(
    browser: HttpClient,
    persona: str,
    each_response: Callable[[str, HttpResponse], None] | None = None,
) -> Crawl:
    """Breadth-first from the home page: every same-site GET link and GET form, once each.

    ``each_response(url, response)`` sees every response fetched, whatever its status or type.
    """
    result = Crawl(persona)
    queue: deque[str] = deque(["/"])
    seen = {"/"}
    queries_per_path: dict[str, int] = {}
    while queue:
        url = queue.popleft()
        response = browser.get(url, follow=True)
        if each_response is not None:
            each_response(url, response)
        final = response.request["PATH_INFO"]
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        result.pages += 1
        result.views.add(resolve(final).view_name)
        assert result.pages <= MAX_PAGES_PER_PERSONA, (
            f"{persona}: more than {MAX_PAGES_PER_PERSONA} pages; raise the bound if the demo "
            "has grown, or find the link that never ends"
        )
        page = _Page()
        page.feed(response.content.decode(response.charset or "utf-8"))
        for fragment in page.text:
            snippet = _snippet(fragment)
            if snippet is not None:
                result.findings.setdefault(snippet, []).append(url)
        targets = list(page.links)
        for action, fields in page.forms:
            target = urlsplit(urljoin(final, action or final))
            targets.append(f"{target.path}?{urlencode(fields)}" if fields else target.path)
        for href in targets:
            found = _same_site(final, href)
            if found is None or found in seen:
                continue
            path = found.split("?", 1)[0]
            if "?" in found:
                if queries_per_path.get(path, 0) >= MAX_QUERIES_PER_PATH:
                    continue
                queries_per_path[path] = queries_per_path.get(path, 0) + 1
            seen.add(found)
            queue.append(found)
    return result


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_measures", stdout=io.StringIO())


def _never_stored(response: HttpResponse) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").lower().split(",")}
    return "no-store" in directives and response.get("Pragma") == "no-cache"


def test_no_page_of_the_demo_names_a_document_or_an_evidence_label(demo: None) -> None:
    """One walk, two checks (the walk is the slow part): besides the words, every response to a
    signed-in person says ``Cache-Control: no-store``, so nothing clinical is shown again from a
    browser's cache after sign-out, or kept by a proxy."""
    report = []
    reached: set[str] = set()
    stored: list[str] = []
    walked = 0
    for username, _who in LOGINS:
        browser = HttpClient()
        browser.force_login(User.objects.get(username=username))

        def check(url: str, response: HttpResponse, username: str = username) -> None:
            nonlocal walked
            walked += 1
            if not _never_stored(response):
                stored.append(f"{username}: {url} ({response.status_code})")

        result = crawl(browser, username, check)
        # Every persona reaches more than the page it lands on: a broken crawl must not pass.
        assert result.pages > 2, f"{username}: the crawl reached only {result.pages} pages"
        reached |= result.views
        report += [
            f"{username} on {pages[0]}"
            + (f" (and {len(pages) - 1} more pages)" if len(pages) > 1 else "")
            + f": …{snippet}…"
            for snippet, pages in result.findings.items()
        ]
    assert not MUST_REACH - reached, f"the crawl never reached {sorted(MUST_REACH - reached)}"
    assert not report, "Developer references on screen:\n" + "\n".join(report)
    assert walked > 100, f"only {walked} pages were walked"
    assert not stored, "Pages a browser or proxy may store:\n" + "\n".join(stored)
