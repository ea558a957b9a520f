"""The ending record and the rule that a completed course closes only with it (R19–R21)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.courses.services import CourseRuleError
from iptclinic.endings.models import EndingRecord
from iptclinic.endings.services import save_ending_record
from iptclinic.endings.tests.helpers import COMPLETE_ENDING, write_ending
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.lib.concurrency import EditConflict
from iptclinic.test import attend_next, open_course_for, record_the_past_as_missed


@pytest.fixture
def final_course(cara, tess):
    """A 12-session course with every session attended: only the ending is left."""
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attend_next(course, tess, 12)
    return course


def _complete(course, tess):
    return course_services.end_course(
        course, actor=tess, target=CourseState.COMPLETED, ended_on=timezone.localdate()
    )


def test_a_course_cannot_be_closed_as_completed_without_its_ending_record(final_course, tess):
    with pytest.raises(CourseRuleError, match="Write the ending record before closing"):
        _complete(final_course, tess)
    final_course.refresh_from_db()
    assert final_course.state == CourseState.ACTIVE


def test_an_unfinished_ending_record_says_what_is_still_missing(final_course, tess):
    write_ending(final_course, tess, warning_signs="", disposition="")
    with pytest.raises(CourseRuleError) as caught:
        _complete(final_course, tess)
    assert str(caught.value) == (
        "The ending record is not complete yet. Record personal early warning signs. "
        "Choose what happens next."
    )


def test_the_shorter_early_record_does_not_close_a_course_as_completed(final_course, tess):
    save_ending_record(
        final_course,
        actor=tess,
        data={"kind": "early", "early_summary": "Moved away.", "disposition": "discharge"},
        expected_version=None,
    )
    with pytest.raises(CourseRuleError, match="shorter record of an early ending"):
        _complete(final_course, tess)


def test_a_complete_ending_record_lets_the_course_close_and_is_then_read_only(final_course, tess):
    record = write_ending(final_course, tess)
    assert record.is_complete
    _complete(final_course, tess)
    with pytest.raises(CourseRuleError, match="can no longer be changed"):
        save_ending_record(
            final_course,
            actor=tess,
            data={"future_goals": "Changed later."},
            expected_version=record.version,
        )


def test_saving_writes_one_audit_event_naming_the_fields_and_whether_it_is_complete(
    final_course, tess, cara
):
    before = AuditEvent.objects.count()
    record = save_ending_record(
        final_course,
        actor=tess,
        data={"kind": "full", "feelings_about_ending": "Sad."},
        expected_version=None,
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="ending_record.create")
    assert (event.client, event.object_id) == (cara, str(record.pk))
    assert event.detail == {"fields": ["feelings_about_ending", "kind"], "complete": False}

    save_ending_record(
        final_course, actor=tess, data=COMPLETE_ENDING, expected_version=record.version
    )
    event = AuditEvent.objects.get(action="ending_record.update")
    assert event.detail["complete"] is True
    assert "feelings about the ending" not in str(event.detail)


def test_a_stale_copy_is_refused_and_nothing_is_merged(final_course, tess):
    record = write_ending(final_course, tess)
    save_ending_record(
        final_course, actor=tess, data={"future_goals": "First."}, expected_version=record.version
    )
    with pytest.raises(EditConflict):
        save_ending_record(
            final_course,
            actor=tess,
            data={"future_goals": "Second."},
            expected_version=record.version,
        )
    assert EndingRecord.objects.get().future_goals == "First."


def test_a_course_that_ended_early_gets_the_shorter_record_afterwards(cara_course, tess):
    attend_next(cara_course, tess, 4)
    record_the_past_as_missed(cara_course, tess)
    course_services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.DROPPED_OUT,
    )
    with pytest.raises(CourseRuleError, match="shorter record of an early ending"):
        write_ending(cara_course, tess)
    record = save_ending_record(
        cara_course,
        actor=tess,
        data={
            "kind": "early",
            "early_summary": "Four sessions on the move; stopped coming after that.",
            "disposition": "refer_on",
            "alternative_plan": "Guided self-help with the step 2 team.",
        },
        expected_version=None,
    )
    assert record.is_complete


def test_fields_that_are_not_part_of_the_record_are_refused(final_course, tess):
    with pytest.raises(ValueError, match="Not fields of the ending record: course"):
        save_ending_record(final_course, actor=tess, data={"course": 1}, expected_version=None)


def test_sharing_the_plan_records_the_named_person_and_the_date_of_consent(final_course, tess):
    record = write_ending(final_course, tess, share_plan=True)
    assert record.gaps == (
        "Name the person the relapse plan is shared with.",
        "Record the date the person agreed to share their relapse plan.",
    )
    record = save_ending_record(
        final_course,
        actor=tess,
        data={
            "share_plan": True,
            "share_with_name": "Ann",
            "share_with_relationship": "sister",
            "share_consent_on": timezone.localdate(),
        },
        expected_version=record.version,
    )
    assert record.is_complete
