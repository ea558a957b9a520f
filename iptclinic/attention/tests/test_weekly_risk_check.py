"""IPT for adolescents: a week without a mood measure or a completed risk check reaches the
therapist's "Needs attention" with a due time; other variants are unchanged (H-139, H-141)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.clients.carers import save_carer
from iptclinic.courses import services as course_services
from iptclinic.ipt.attendance import Attendance, Attendee
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.ipt.variants import Variant
from iptclinic.measures import services as measure_services
from iptclinic.measures.tests.helpers import RISK_CLEAR, phq9_total
from iptclinic.test import attend_next, make_client, open_course_for

LONDON = ZoneInfo("Europe/London")
TUESDAY = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
"""A course opened three weeks before has Tuesday sessions at 10:00 from 10 November, within
the safety net's four weeks of looking back."""

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TUESDAY)]


@pytest.fixture
def jade(tess):
    return make_client(tess, tess, "Jade", "Example", date_of_birth=date(2011, 5, 2))


def phq9(client, tess, appointment):
    measure_services.record_questionnaire(
        client, actor=tess, instrument_code="phq9", answers=phq9_total(6), appointment=appointment
    )


def record(appointment, tess, data):
    course_services.save_session_record(appointment, actor=tess, data=data, expected_version=None)


def items(kind: NeedKind) -> list[Item]:
    return list(Item.objects.filter(resolved_at__isnull=True, kind=kind).order_by("id"))


def two_weeks(client, tess, variant: Variant):
    course = open_course_for(client, tess, weeks_ago=3, contracted=12, variant=variant)
    first, second = attend_next(course, tess, 2)
    phq9(client, tess, first)
    record(first, tess, RISK_CLEAR)
    # The second week: the PHQ-9's risk question answered, the risk check in the record not.
    phq9(client, tess, second)
    record(second, tess, {"suicidal_thoughts": "no"})
    return course, first, second


def test_an_incomplete_risk_check_in_an_ipt_a_course_is_the_therapists_item(team, jade, tess):
    _, _, second = two_weeks(jade, tess, Variant.IPT_A)
    sync_team(team)
    (item,) = items(NeedKind.RISK_NOT_ASKED)
    assert item.owner == tess
    assert item.title == (
        "Complete the risk check of session 2 (Tue 17 Nov): it is needed every week in this course"
    )
    assert item.due == datetime(2026, 11, 18, 17, 0, tzinfo=LONDON)
    assert (item.subject_type, item.subject_id) == ("appointment", second.pk)
    # The PHQ-9 was recorded both weeks (the team's schedule may still ask for others).
    assert not any("PHQ-9" in i.title for i in items(NeedKind.QUESTIONNAIRE_MISSING))

    course_services.save_session_record(
        second, actor=tess, data=RISK_CLEAR, expected_version=second.record.version
    )
    sync_team(team)
    assert items(NeedKind.RISK_NOT_ASKED) == []


def test_the_same_weeks_in_a_standard_course_raise_nothing_about_risk(team, jade, tess):
    two_weeks(jade, tess, Variant.LEAFLET)
    sync_team(team)
    assert items(NeedKind.RISK_NOT_ASKED) == []


def test_a_week_without_the_mood_measure_is_an_item_and_a_parent_session_needs_none(
    team, jade, tess
):
    course = open_course_for(jade, tess, weeks_ago=3, contracted=12, variant=Variant.IPT_A)
    mum = save_carer(
        jade,
        actor=tess,
        values={
            "name": "Helen Example",
            "relationship": "Mum",
            "involve_consent_on": date(2026, 10, 1),
        },
    )
    first, second = list(course.appointments.order_by("starts_at"))[:2]
    course_services.set_attendee(first, actor=tess, attendee=Attendee.CARER, carer_id=mum.pk)
    course_services.set_attendance(first, actor=tess, status=Attendance.ATTENDED)
    course_services.set_attendance(second, actor=tess, status=Attendance.ATTENDED)
    record(second, tess, RISK_CLEAR)
    sync_team(team)
    (missing,) = items(NeedKind.QUESTIONNAIRE_MISSING)
    assert missing.title.startswith("Record the PHQ-9")
    assert missing.title.endswith("of session 1 (Tue 17 Nov)")
    assert missing.owner == tess
    assert items(NeedKind.RISK_NOT_ASKED) == []
    about_first = Item.objects.filter(subject_type="appointment", subject_id=first.pk)
    assert not about_first.exists()
