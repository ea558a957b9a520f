"""The work queue kept in step with the safety-net rules, in the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from iptclinic.attention.models import Item
from iptclinic.attention.services import AttentionError, resolve_item, sync_team
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.measures import services as measure_services
from iptclinic.measures.models import RiskAlert
from iptclinic.measures.tests.helpers import RISK_CLEAR, gad7_total, phq9_total
from iptclinic.test import attend_next

LONDON = ZoneInfo("Europe/London")
TUESDAY = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
"""cara_course then has Tuesday sessions at 10:00 from 20 October; today's is over."""

pytestmark = pytest.mark.time_machine(TUESDAY)


@pytest.fixture
def on_duty(team, otto):
    team.duty_clinician = otto
    team.save(update_fields=["duty_clinician"])
    return otto


def planned(course) -> list[Appointment]:
    return list(course.appointments.filter(status=Attendance.PLANNED).order_by("starts_at"))


def open_items(**filters) -> list[Item]:
    return list(Item.objects.filter(resolved_at__isnull=True, **filters).order_by("id"))


def kinds_of(user) -> list[str]:
    return sorted(item.kind for item in open_items(owner=user))


def write_and_sign(appointment, tess, **extra):
    record = course_services.save_session_record(
        appointment, actor=tess, data={**RISK_CLEAR, **extra}, expected_version=None
    )
    return course_services.sign_session_record(record, actor=tess, expected_version=record.version)


def measure(cara, tess, appointment, phq9=8, item9=0, gad7=6):
    for code, answers in (("phq9", phq9_total(phq9, item9=item9)), ("gad7", gad7_total(gad7))):
        measure_services.record_questionnaire(
            cara, actor=tess, instrument_code=code, answers=answers, appointment=appointment
        )


def test_missed_sessions_reach_the_therapist_and_then_the_supervisor(
    team, cara, cara_course, tess, sam, lee, on_duty
):
    for appointment in attend_next(cara_course, tess, 5):
        write_and_sign(appointment, tess)
        measure(cara, tess, appointment)
    sixth, seventh = planned(cara_course)[:2]
    course_services.set_attendance(sixth, actor=tess, status=Attendance.DID_NOT_ATTEND)
    sync_team(team)
    missed = open_items(owner=tess, kind=NeedKind.MISSED_SESSION)
    assert len(missed) == 1
    assert missed[0].client == cara
    assert missed[0].due == datetime(2026, 11, 26, 17, 0, tzinfo=LONDON)  # 2 working days on
    assert open_items(owner=sam) == []

    course_services.set_attendance(seventh, actor=tess, status=Attendance.DID_NOT_ATTEND)
    sync_team(team)
    assert kinds_of(sam) == [NeedKind.REPEATED_NON_ATTENDANCE]
    assert len(open_items(owner=tess, kind=NeedKind.MISSED_SESSION)) == 2


def test_a_second_run_opens_nothing_and_a_gone_cause_closes_its_item_by_itself(
    team, cara, cara_course, tess, on_duty
):
    held = attend_next(cara_course, tess, 6)
    for appointment in held:
        measure(cara, tess, appointment)
    first = sync_team(team)
    unwritten = open_items(owner=tess, kind=NeedKind.RECORD_NOT_WRITTEN)
    assert len(unwritten) == 6  # 20 October to 24 November: each two working days old
    assert sync_team(team).opened == []
    assert len(open_items()) == len(first.opened)

    write_and_sign(held[0], tess)
    result = sync_team(team)
    assert result.closed == 1
    closed = Item.objects.get(pk=unwritten[0].pk)
    assert closed.resolved_by is None
    assert closed.resolution == "The record was written, or the course ended."


def test_an_item_closed_with_a_note_comes_back_the_next_morning_if_its_cause_remains(
    team, cara, cara_course, tess, on_duty, time_machine
):
    held = attend_next(cara_course, tess, 6)
    for appointment in held:
        write_and_sign(appointment, tess)
    sync_team(team)
    missing = open_items(owner=tess, kind=NeedKind.QUESTIONNAIRE_MISSING)
    assert missing
    resolve_item(missing[0], actor=tess, note="Paper forms are in the post.")
    sync_team(team)
    assert missing[0].key not in {i.key for i in open_items(owner=tess)}

    time_machine.move_to(datetime(2026, 12, 2, 9, 1, tzinfo=LONDON))
    sync_team(team)
    assert missing[0].key in {i.key for i in open_items(owner=tess)}


def test_a_one_off_event_closed_with_a_note_stays_closed(team, cara_course, tess, time_machine):
    missed = planned(cara_course)[5]  # last week's
    course_services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)
    sync_team(team)
    (item,) = open_items(owner=tess, kind=NeedKind.MISSED_SESSION)
    resolve_item(item, actor=tess, note="Phoned: unwell, rebooked.")
    time_machine.move_to(TUESDAY + timedelta(days=3))
    sync_team(team)
    assert open_items(owner=tess, kind=NeedKind.MISSED_SESSION) == []


def test_an_alert_goes_to_the_supervisor_and_duty_at_the_days_end_and_the_lead_next_morning(
    team, cara, cara_course, tess, sam, otto, lee, on_duty, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 16, 30, tzinfo=LONDON))
    (session,) = attend_next(cara_course, tess, 1)
    measure(cara, tess, session, phq9=12, item9=1)
    alert = RiskAlert.objects.get()
    sync_team(team)

    def holders() -> list:
        return [item.owner for item in open_items(kind=NeedKind.RISK_ALERT)]

    assert holders() == [tess]

    time_machine.move_to(datetime(2026, 12, 1, 17, 0, tzinfo=LONDON))
    sync_team(team)
    assert sorted(holders(), key=lambda u: u.pk) == sorted([tess, sam, otto], key=lambda u: u.pk)
    escalated = open_items(kind=NeedKind.RISK_ALERT, owner__in=[sam, otto])
    assert all(item.urgent and item.subject_id == alert.pk for item in escalated)

    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=LONDON))
    sync_team(team)
    assert lee in holders()


def test_reviewing_the_alert_closes_every_item_about_it_at_once(
    team, cara, cara_course, tess, sam, otto, on_duty, time_machine
):
    (session,) = attend_next(cara_course, tess, 1)
    measure(cara, tess, session, phq9=12, item9=2)
    time_machine.move_to(datetime(2026, 12, 1, 17, 30, tzinfo=LONDON))
    sync_team(team)
    assert len(open_items(kind=NeedKind.RISK_ALERT)) == 3
    measure_services.review_alert(
        RiskAlert.objects.get(), actor=sam, assessment="Phoned Cara.", action="Safety plan."
    )
    assert open_items(kind=NeedKind.RISK_ALERT) == []
    closed = Item.objects.filter(kind=NeedKind.RISK_ALERT)
    assert {item.resolved_by for item in closed} == {sam}
    assert AuditEvent.objects.first().detail["items_closed"] == 3


def test_a_reliable_rise_in_the_phq9_is_an_item_for_the_therapist(
    team, cara, cara_course, tess, on_duty
):
    first, second = attend_next(cara_course, tess, 2)
    measure(cara, tess, first, phq9=12)
    measure(cara, tess, second, phq9=19, item9=0)
    sync_team(team)
    (item,) = open_items(owner=tess, kind=NeedKind.DETERIORATION)
    assert "from 12 to 19" in item.title
    assert not RiskAlert.objects.exists()  # item 9 at 0: no risk alert, yet still acted on


def test_closing_an_item_needs_a_note_from_its_owner_and_is_audited(team, cara_course, tess, otto):
    missed = planned(cara_course)[5]  # last week's
    course_services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)
    sync_team(team)
    (item,) = open_items(owner=tess, kind=NeedKind.MISSED_SESSION)
    with pytest.raises(AttentionError, match="what you did"):
        resolve_item(item, actor=tess, note="   ")
    with pytest.raises(AttentionError, match="Only the person who holds"):
        resolve_item(item, actor=otto, note="Not mine.")
    before = AuditEvent.objects.count()
    resolve_item(item, actor=tess, note="Phoned; rebooked for Friday.")
    item.refresh_from_db()
    assert (item.resolved_by, item.resolution) == (tess, "Phoned; rebooked for Friday.")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.detail) == ("attention.resolve", {"kind": "missed_session"})
    with pytest.raises(AttentionError, match="already closed"):
        resolve_item(item, actor=tess, note="Again.")


def test_a_day_with_nobody_on_duty_is_the_leads_item_and_an_alert_then_reaches_the_lead(
    team, cara, cara_course, tess, lee, time_machine
):
    sync_team(team)
    gaps = open_items(owner=lee, kind=NeedKind.DUTY_ROTA_GAP)
    assert len(gaps) == 11  # today and the ten working days of the next fortnight
    assert gaps[0].urgent
    (session,) = attend_next(cara_course, tess, 1)
    measure(cara, tess, session, phq9=12, item9=1)
    time_machine.move_to(datetime(2026, 12, 1, 17, 5, tzinfo=LONDON))
    sync_team(team)
    # Sam supervises Tess; nobody is on duty, so the duty clinician's copy falls to the lead.
    assert NeedKind.RISK_ALERT in {i.kind for i in open_items(owner=lee)}


def test_a_run_costs_the_same_queries_for_few_and_many_clients(team, tess, on_duty):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iptclinic.test import make_client, open_course_for

    def add(count: int) -> None:
        for n in range(count):
            course = open_course_for(make_client(tess, tess, f"Person{n}{count}"), tess)
            held = attend_next(course, tess, 4)
            course_services.set_attendance(
                planned(course)[0], actor=tess, status=Attendance.DID_NOT_ATTEND
            )
            measure(course.referral.client, tess, held[0], phq9=12, item9=1)

    def steady_run() -> int:
        sync_team(team)  # the first run opens items; the next one only checks
        with CaptureQueriesContext(connection) as queries:
            sync_team(team)
        return len(queries.captured_queries)

    add(2)
    few = steady_run()
    add(8)
    assert steady_run() == few
