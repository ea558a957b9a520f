"""The derived referral times stay current, and the dashboard's SQL agrees with the pure rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iptclinic.clients import services as client_services
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.service import (
    Delivered,
    attribute,
    is_left_when_ended,
    session_band,
    sessions_for,
    summarise_waits,
)
from iptclinic.measures import services as measure_services
from iptclinic.measures.tests.helpers import phq9_total
from iptclinic.service.models import ReferralTimes
from iptclinic.service.selectors import dashboard
from iptclinic.service.services import refresh_referral_times
from iptclinic.test import attend_next


def times_of(client) -> ReferralTimes:
    return ReferralTimes.objects.get(referral=client.referrals.get())


def test_every_service_that_changes_an_input_keeps_the_times_current(
    cara, cara_course, tess, otto, lee
):
    referral = cara.referrals.get()
    assert times_of(cara).first_treatment_on is None
    assert times_of(cara).received_on == referral.received_on

    first, second = attend_next(cara_course, tess, 2)
    times = times_of(cara)
    assert times.first_treatment_on == timezone.localdate(first.starts_at)
    assert times.days_to_first_treatment == (times.first_treatment_on - referral.received_on).days
    assert (times.attended, times.delivered_by) == (2, tess)

    # An assessment before the course is the first contact.
    assessed = referral.received_on + timedelta(days=3)
    measure_services.record_questionnaire(
        cara,
        actor=tess,
        instrument_code="phq9",
        answers=phq9_total(12),
        referral=referral,
        completed_on=assessed,
    )
    assert times_of(cara).first_contact_on == assessed
    assert times_of(cara).days_to_first_contact == 3

    # Correcting an attendance moves the first treatment session.
    course_services.set_attendance(first, actor=tess, status=Attendance.DID_NOT_ATTEND)
    assert times_of(cara).first_treatment_on == timezone.localdate(second.starts_at)
    assert times_of(cara).attended == 1


def test_a_reallocation_leaves_the_results_with_the_therapist_who_delivered(
    cara, cara_course, tess, otto, lee
):
    attend_next(cara_course, tess, 3)
    client_services.allocate_client(cara, actor=lee, therapist=otto, reason="Tess is on leave.")
    assert times_of(cara).delivered_by == tess
    attend_next(cara_course, otto, 2)
    assert times_of(cara).delivered_by == tess  # 3 against 2
    attend_next(cara_course, otto, 1)
    assert times_of(cara).delivered_by == otto  # 3 each: Otto delivered the latest


# The property: on random small data sets, the dashboard's SQL gives what the pure rules give.
STATUSES = [
    Attendance.ATTENDED,
    Attendance.ATTENDED,
    Attendance.DID_NOT_ATTEND,
    Attendance.CANCELLED_BY_CLIENT,
    Attendance.CANCELLED_BY_SERVICE,
    Attendance.PLANNED,
]
course_plans = st.tuples(
    st.integers(0, 200),  # days from referral to the course's start
    st.lists(st.tuples(st.sampled_from(STATUSES), st.integers(0, 1)), max_size=18),
    st.booleans(),  # ended (early) a week after its last appointment
)
PERIOD_DAYS = 250


def build(plan, index, team, clinicians) -> tuple[Course, list[Appointment]]:
    wait, appointments, ended = plan
    today = timezone.localdate()
    received = today - timedelta(days=PERIOD_DAYS + 100)
    person = client_services.register_client(
        actor=clinicians[0],
        therapist=clinicians[0],
        details={
            "given_name": f"P{index}",
            "family_name": "Example",
            "date_of_birth": date(1980, 1, 1),
        },
        referral={
            "received_on": received,
            "referrer": "Dr A",
            "reason": "Low mood.",
            "presenting_problem": "depression",
        },
    )
    start = received + timedelta(days=wait)
    course = Course.objects.create(
        referral=person.referrals.get(),
        contracted_sessions=16,
        start_date=start,
        weekday=start.weekday(),
        session_time=time(10),
        state=CourseState.ACTIVE,
    )
    made = []
    zone = timezone.get_current_timezone()
    for week, (status, who) in enumerate(appointments):
        made.append(
            Appointment.objects.create(
                course=course,
                starts_at=datetime.combine(start + timedelta(weeks=week), time(10), tzinfo=zone),
                status=status,
                status_changed_by=None if status == Attendance.PLANNED else clinicians[who],
            )
        )
    if ended and made:
        course.state = CourseState.ENDED_EARLY
        course.early_end_reason = "dropped_out"
        course.ended_on = timezone.localdate(made[-1].starts_at) - timedelta(
            days=7 * (len(made) // 3)
        )
        course.save()
    return course, made


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=st.lists(course_plans, min_size=1, max_size=5))
def test_the_dashboards_sql_equals_the_pure_rules_on_random_data(plans, team, tess, otto):
    today = timezone.localdate()
    start, end = today - timedelta(days=PERIOD_DAYS), today
    with transaction.atomic():
        built = [build(plan, i, team, [tess, otto]) for i, plan in enumerate(plans)]
        refresh_referral_times(course.referral_id for course, _ in built)
        board = dashboard(team, start, end)

        bands: dict[int, dict[str, int]] = {}
        by_clinician: dict[int | None, dict[str, int]] = {}
        waits = []
        for course, appointments in built:
            counted = [
                a
                for a in appointments
                if a.status != Attendance.PLANNED
                and not is_left_when_ended(
                    a.status, timezone.localdate(a.starts_at), course.ended_on
                )
            ]
            numbers = sessions_for([a.status for a in counted])
            for a, number in zip(counted, numbers, strict=True):
                if not start <= timezone.localdate(a.starts_at) <= end:
                    continue
                band = bands.setdefault(session_band(number), {})
                band[a.status] = band.get(a.status, 0) + 1
                person = by_clinician.setdefault(a.status_changed_by_id, {})
                person[a.status] = person.get(a.status, 0) + 1
            attended = [a for a in appointments if a.status == Attendance.ATTENDED]
            if attended:
                first = timezone.localdate(attended[0].starts_at)
                if start <= first <= end:
                    waits.append((first - course.referral.received_on).days)
            times = ReferralTimes.objects.get(referral_id=course.referral_id)
            assert times.delivered_by_id == attribute(
                Delivered(a.status_changed_by_id, a.starts_at, a.pk) for a in attended
            )

        def shown(counts: dict[str, int]) -> tuple[int, int]:
            return counts.get(Attendance.DID_NOT_ATTEND, 0), sum(counts.values())

        assert {
            int(row.filters["band"]): (row.did_not_attend.numerator, row.did_not_attend.denominator)
            for row in board.by_session
        } == {band: shown(counts) for band, counts in bands.items()}
        assert sorted(
            (row.did_not_attend.numerator, row.did_not_attend.denominator)
            for row in board.by_therapist
        ) == sorted(shown(counts) for counts in by_clinician.values())
        expected = summarise_waits(waits)
        assert board.waits[0].share == expected.within_six_weeks
        assert board.waits[1].share == expected.within_eighteen_weeks
        transaction.set_rollback(True)
