"""Recording the eating log: ranges, weight only where the team records it, audit, and a rise in
purging that reaches the therapist's "Needs attention" (H-147, H-149)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.eating import services
from iptclinic.eating.models import EatingLogEntry, EatingSettings
from iptclinic.ipt.eating import EatingLogError
from iptclinic.lib.concurrency import EditConflict

from .helpers import counts, ed_course, sessions


@pytest.fixture
def course(cara, tess):
    return ed_course(cara, tess)


def record(appointment, tess, vomiting=0, weight=None, version=None, binges=2):
    return services.record_eating_week(
        appointment,
        actor=tess,
        binges=binges,
        compensatory=counts(vomiting),
        weight_kg=weight,
        expected_version=version,
    )


def test_an_entry_is_stored_for_its_session_and_audited(course, tess, cara):
    first = sessions(course)[0]
    entry = record(first, tess, vomiting=2, binges=5)
    assert (entry.course, entry.appointment, entry.binges, entry.vomiting) == (course, first, 5, 2)
    event = AuditEvent.objects.get(action="eating_log.record")
    assert (event.client, event.object_id, event.detail) == (cara, str(entry.pk), {})


def test_recording_the_same_session_again_corrects_it_with_a_version_check(course, tess):
    first = sessions(course)[0]
    entry = record(first, tess, binges=5)
    corrected = record(first, tess, binges=3, version=entry.version)
    assert (EatingLogEntry.objects.get().binges, corrected.version) == (3, 2)
    assert AuditEvent.objects.filter(action="eating_log.update").count() == 1
    with pytest.raises(EditConflict):
        record(first, tess, binges=1, version=entry.version)  # an out-of-date copy
    assert EatingLogEntry.objects.get().binges == 3


def test_a_session_not_attended_has_no_entry(course, tess):
    planned = course.appointments.filter(status="planned").first()
    with pytest.raises(EatingLogError, match="attended sessions only"):
        record(planned, tess)
    assert not EatingLogEntry.objects.exists()


def test_weight_is_refused_unless_the_team_records_weight(course, tess, team):
    """H-149: the team's choice not to record weight holds, whatever a form sends."""
    first = sessions(course)[0]
    with pytest.raises(EatingLogError, match="does not record weight"):
        record(first, tess, weight=Decimal("61.4"))
    EatingSettings.objects.create(team=team, records_weight=True)
    assert record(first, tess, weight=Decimal("61.4")).weight_kg == Decimal("61.4")


def test_counts_out_of_range_are_refused(course, tess):
    with pytest.raises(EatingLogError, match="from 0 to 200"):
        record(sessions(course)[0], tess, binges=201)


def test_a_rise_in_purging_puts_an_urgent_item_in_the_therapists_needs_attention(
    course, tess, cara
):
    """H-147: more vomiting since the session before reaches the therapist the same day."""
    one, two, _ = sessions(course)
    record(one, tess, vomiting=1)
    assert not Item.objects.exists()
    record(two, tess, vomiting=4)
    item = Item.objects.get()
    assert (item.owner, item.client, item.urgent, item.subject_type) == (
        tess,
        cara,
        True,
        "eating_log",
    )
    assert "rose from 1 to 4" in item.title


def test_a_rise_under_the_threshold_or_with_the_rule_off_needs_nobody(course, tess, team):
    one, two, three = sessions(course)
    record(one, tess, vomiting=1)
    record(two, tess, vomiting=3)  # a rise of 2, under the default 3
    EatingSettings.objects.create(team=team, purging_rise=0)
    record(three, tess, vomiting=20)
    assert not Item.objects.exists()


def test_a_team_threshold_of_one_catches_any_rise(course, tess, team):
    EatingSettings.objects.create(team=team, purging_rise=1)
    one, two, _ = sessions(course)
    record(one, tess, vomiting=0)
    record(two, tess, vomiting=1)
    assert Item.objects.count() == 1


def test_settings_are_saved_and_audited(team, lee):
    assert services.settings_for(team).records_weight is False
    assert services.settings_for(team).purging_rise == 3
    services.save_settings(team, actor=lee, records_weight=True, purging_rise=5)
    saved = EatingSettings.objects.get(team=team)
    assert (saved.records_weight, saved.purging_rise) == (True, 5)
    event = AuditEvent.objects.get(action="eating_settings.change")
    assert event.detail == {"records_weight": True, "purging_rise": 5}
