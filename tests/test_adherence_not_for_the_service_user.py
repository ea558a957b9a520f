"""Adherence ratings are never shown to the service user (H-120, docs/fidelity.md).

They are feedback between a therapist and their supervisor about the therapist's work: not in
the portal, not in letters, not in the copy of the whole record. Each test makes ratings of the
client's sessions first, by the therapist and the supervisor, then reads what the person can get.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import get_resolver

from iptclinic.courses import services as course_services
from iptclinic.fidelity.selectors import new_checklist
from iptclinic.fidelity.services import rate_session
from iptclinic.letters.kinds import build
from iptclinic.letters.models import LetterKind
from iptclinic.letters.rendering import render_html
from iptclinic.letters.tests.scenes import completed_course
from iptclinic.subject_access.collect import collect
from iptclinic.subject_access.rendering import render_html as render_copy
from tests.clinical_objects import clinical_objects
from tests.test_access_walk import object_urls, url_patterns

ADHERENCE_WORDS = re.compile(r"adheren|fidelity|rate this session|supervisor's rating", re.I)


def rate_every_session(course, therapist, supervisor) -> int:
    """A therapist's and a supervisor's rating of each recorded session of ``course``."""
    rated = 0
    for appointment in course.appointments.filter(status="attended", record__isnull=False):
        items = new_checklist(appointment)[2]
        rate_session(appointment, therapist, "self", {i.code: 2 for i in items})
        rate_session(appointment, supervisor, "present", {i.code: 0 for i in items})
        rated += 1
    return rated


def words_in(text: str) -> list[str]:
    return ADHERENCE_WORDS.findall(text)


@pytest.mark.django_db
def test_no_portal_page_shows_adherence(client, tess, sam, cara, cara_user):
    ids = clinical_objects(cara, tess)
    assert rate_every_session(cara.referrals.get().courses.get(), tess, sam)
    client.force_login(cara_user)
    portal = [
        "/" + route
        for route, pattern in url_patterns(get_resolver().url_patterns)
        if route.startswith("portal/") and not pattern.pattern.converters
    ] + [url for route, url in object_urls(ids) if route.startswith("portal/")]
    seen = 0
    for url in portal:
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response) if response.streaming else response.content
        assert not words_in(body.decode(errors="replace")), url
        seen += 1
    assert seen >= 8


@pytest.mark.django_db
def test_who_has_looked_says_the_record_was_looked_at_not_changed(
    client, tess, sam, cara, cara_user
):
    clinical_objects(cara, tess)
    rate_every_session(cara.referrals.get().courses.get(), tess, sam)
    client.force_login(cara_user)
    page = client.get("/portal/who-has-looked/").content.decode()
    assert "Looked at your record" in page
    assert not words_in(page)


@pytest.mark.django_db
def test_no_letter_mentions_adherence(tess, sam, cara):
    scene = completed_course(cara, tess)
    assert rate_every_session(scene.course, tess, sam) == 0  # run_course writes no records
    for appointment in scene.course.appointments.filter(status="attended")[:3]:
        course_services.save_session_record(
            appointment, actor=tess, data={"notes": "Notes."}, expected_version=None
        )
    assert rate_every_session(scene.course, tess, sam) == 3
    for kind in LetterKind:
        content = build(kind, scene.course)
        for addressee in content.addressees:
            for easy_read in (False, True) if content.patient_facing else (False,):
                html = render_html(content, addressee, "en-gb", easy_read=easy_read)
                assert not words_in(html), (kind, addressee, easy_read)


@pytest.mark.django_db
def test_the_copy_of_the_whole_record_leaves_adherence_out(tess, sam, cara):
    clinical_objects(cara, tess)
    assert rate_every_session(cara.referrals.get().courses.get(), tess, sam)
    content = collect(cara).as_json()
    copied = json.dumps(content)
    assert not words_in(copied)
    assert "Looked at the record (supervision)" in copied  # the rating is logged, not its content
    assert not words_in(render_copy(content, client=cara))
