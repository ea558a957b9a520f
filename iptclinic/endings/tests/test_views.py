"""The ending page: the review and the record; Otto gets 404; one audit event per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.endings.models import EndingRecord
from iptclinic.endings.tests.helpers import write_ending
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.letters.tests.scenes import prepare_client, run_course
from iptclinic.test import attend_next, open_course_for

FORM = {
    "kind": "full",
    "version": "0",
    "feelings_about_ending": "Sad, and proud.",
    "progress_review": "Back in touch with friends.",
    "what_helped": "Asking for help at work.",
    "warning_signs": "Poor sleep.",
    "relapse_plan": "Call your sister.",
    "future_goals": "Walking group.",
    "disposition": "discharge",
}


@pytest.fixture
def course(cara, tess):
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attend_next(course, tess, 12)
    return course


def _url(course):
    return reverse("endings:ending", args=[course.pk])


def _events(before):
    return list(AuditEvent.objects.exclude(pk__in=before))


def test_otto_gets_404_on_the_ending_page_of_tesss_client(client, otto, course):
    client.force_login(otto)
    before = AuditEvent.objects.exclude(action="access.refused").count()
    assert client.get(_url(course)).status_code == 404
    assert client.post(_url(course), FORM).status_code == 404
    assert AuditEvent.objects.exclude(action="access.refused").count() == before


def test_the_page_shows_the_progress_review_with_one_view_event(client, tess, cara):
    prepare_client(cara)
    course = run_course(cara, tess)
    client.force_login(tess)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    page = client.get(_url(course)).content.decode()
    (event,) = _events(before)
    assert (event.action, event.client, event.detail) == ("client.view", cara, {"page": "ending"})
    assert "Progress review" in page
    assert "Role transitions" in page
    assert "18 (Moderately severe)" in page and "4 (None or minimal)" in page
    assert "Make one friend at work" in page and "7 of 10" in page
    assert "<svg" in page


def test_saving_a_complete_record_writes_one_event_and_says_the_course_can_close(
    client, tess, course
):
    client.force_login(tess)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(_url(course), FORM)
    assert response.status_code == 302
    (event,) = _events(before)
    assert event.action == "ending_record.create"
    page = client.get(_url(course)).content.decode()
    assert "The ending record is complete." in page
    assert "the course can now be closed as completed" in page


def test_an_unfinished_record_is_saved_and_lists_what_is_still_to_do(client, tess, course):
    client.force_login(tess)
    client.post(_url(course), {**FORM, "warning_signs": ""})
    page = client.get(_url(course)).content.decode()
    assert "Still to do:" in page and "Record personal early warning signs." in page


def test_a_consent_date_in_the_future_is_refused_and_the_typing_kept(client, tess, course):
    client.force_login(tess)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        _url(course),
        {**FORM, "share_plan": "on", "share_with_name": "Ann", "share_consent_on": tomorrow},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date of consent cannot be in the future." in page
    assert "Sad, and proud.</textarea>" in page
    assert not EndingRecord.objects.exists()


def test_the_early_record_is_offered_when_the_course_ends_early(client, tess, course):
    client.force_login(tess)
    page = client.get(_url(course) + "?kind=early").content.decode()
    assert "What was covered before the course ended" in page
    assert "Feelings about the ending" not in page
    assert "Continuation IPT under a new contract" not in page


def test_a_supervisor_reads_the_record_but_cannot_change_it(client, sam, tess, course):
    write_ending(course, tess)
    client.force_login(sam)
    page = client.get(_url(course)).content.decode()
    assert "Saying out loud what you need." in page
    assert "Save the ending record" not in page
    assert client.post(_url(course), FORM).status_code == 404


def test_ending_the_course_without_the_record_explains_what_to_do(client, tess, course):
    client.force_login(tess)
    response = client.post(
        reverse("courses:end", args=[course.pk]),
        {"outcome": "completed", "ended_on": timezone.localdate().isoformat(), "note": ""},
    )
    assert "Write the ending record before closing the course as completed" in (
        response.content.decode()
    )


def test_the_caseload_prompts_the_ending_record_then_closing_the_course(client, tess, cara):
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attend_next(course, tess, 11)
    client.force_login(tess)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert "Write the ending record" in page
    write_ending(course, tess)
    attend_next(course, tess, 1)
    page = client.get(reverse("courses:caseload")).content.decode()
    assert "Write the ending record" not in page
    assert "Ending recorded: close the course" in page


def test_more_ipt_after_the_ending_is_a_new_course_on_the_same_referral(client, tess, cara, course):
    write_ending(course, tess, disposition="continuation")
    course_services.end_course(
        course, actor=tess, target=CourseState.COMPLETED, ended_on=timezone.localdate()
    )
    client.force_login(tess)
    page = client.get(_url(course)).content.decode()
    assert "More IPT was agreed (Continuation IPT under a new contract)." in page
    assert reverse("courses:new", args=[cara.pk]) in page

    continuation = open_course_for(cara, tess, weeks_ago=0)
    assert continuation.referral_id == course.referral_id
    assert continuation.pk != course.pk


def test_changing_a_complete_record_asks_why_and_keeps_the_earlier_wording(client, tess, course):
    client.force_login(tess)
    client.post(_url(course), FORM)
    changed = {**FORM, "version": "1", "relapse_plan": "Call your sister, then your GP."}

    refused = client.post(_url(course), changed)

    assert "Say what changed and why" in refused.content.decode()
    assert "Call your sister, then your GP." in refused.content.decode()
    assert EndingRecord.objects.get().relapse_plan == "Call your sister."

    saved = client.post(
        _url(course), {**changed, "change_reason": "She added her GP at the last session."}
    )

    assert saved.status_code == 302
    record = EndingRecord.objects.get()
    assert record.relapse_plan == "Call your sister, then your GP."
    page = client.get(_url(course)).content.decode()
    assert "Corrected on" in page
    history = client.get(reverse("history:ending-record", args=[record.pk])).content.decode()
    assert "She added her GP at the last session." in history
    assert "Call your sister." in history
