"""The course services: opening, attendance, rebooking, the contract, session records, ending."""

from __future__ import annotations

from datetime import time, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, ContractChange, Course, SessionRecord
from iptclinic.courses.services import CourseRuleError
from iptclinic.endings.tests.helpers import write_ending
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.ipt.phases import Phase
from iptclinic.ipt.variants import Variant
from iptclinic.lib.concurrency import EditConflict
from iptclinic.test import attend_next, open_course_for, record_the_past_as_missed

CLEAR_RISK = {
    "suicidal_thoughts": "no",
    "suicidal_plans": "no",
    "suicidal_intent": "no",
    "self_harm": "no",
    "harm_to_others": "no",
    "safeguarding_concern": "no",
    "risk_level": "none",
    "risk_action": "",
}


def _appointments(course: Course) -> list[Appointment]:
    return list(course.appointments.order_by("starts_at", "id"))


def _local(appointment: Appointment) -> Any:
    return timezone.localtime(appointment.starts_at)


def _planned(course: Course) -> list[Appointment]:
    return [a for a in _appointments(course) if a.status == Attendance.PLANNED]


def _open(client: Client, therapist: User, **kwargs: Any) -> Course:
    start = timezone.localdate() - timedelta(weeks=2)
    return services.open_course(
        client.referrals.get(),
        actor=therapist,
        start_date=start,
        weekday=start.weekday(),
        session_time=time(10, 0),
        **kwargs,
    )


def _record(appointment: Appointment, actor: User, **data: Any) -> SessionRecord:
    return services.save_session_record(
        appointment, actor=actor, data={"notes": "Talked about work.", **data}, expected_version=0
    )


def _focus_agreed_at(course: Course, session: Appointment) -> None:
    """The focus and treatment agreement were recorded at ``session``.

    The middle phase may then start with the next session (decisions.md §6). The inventory app
    records the agreement; the course keeps only the day the middle phase may start.
    """
    day = timezone.localdate(session.starts_at) + timedelta(days=1)
    Course.objects.filter(pk=course.pk).update(middle_phase_allowed_on=day)
    course.refresh_from_db()


def _future(course: Course) -> Appointment:
    return next(a for a in _planned(course) if _local(a).date() > timezone.localdate())


# Opening a course


@pytest.mark.parametrize(("sessions", "words"), [(17, "17 is too many"), (11, "11 is too few")])
def test_it_refuses_a_contract_outside_12_to_16_naming_the_number(
    cara: Client, tess: User, sessions: int, words: str
) -> None:
    with pytest.raises(CourseRuleError, match=words):
        _open(cara, tess, contracted_sessions=sessions)

    assert not Course.objects.exists()


def test_a_new_course_follows_the_leaflet_and_its_contract_is_provisional(
    cara: Client, tess: User
) -> None:
    course = _open(cara, tess, contracted_sessions=16)

    assert course.variant == Variant.LEAFLET
    assert course.state == CourseState.REFERRED
    assert course.contract_is_provisional


@pytest.mark.parametrize("sessions", [12, 14, 16])
def test_it_books_exactly_one_weekly_appointment_per_contracted_session(
    cara: Client, tess: User, sessions: int
) -> None:
    course = _open(cara, tess, contracted_sessions=sessions)
    booked = [_local(a) for a in _appointments(course)]

    assert len(booked) == sessions
    assert {a.status for a in _appointments(course)} == {Attendance.PLANNED}
    assert {(m.hour, m.minute, m.weekday()) for m in booked} == {(10, 0, course.weekday)}
    assert all(b.date() - a.date() == timedelta(weeks=1) for a, b in pairwise(booked))
    assert booked[0].date() == course.start_date


def test_the_first_appointment_is_on_the_chosen_weekday_on_or_after_the_start(
    cara: Client, tess: User
) -> None:
    start = timezone.localdate() - timedelta(weeks=3)
    course = services.open_course(
        cara.referrals.get(),
        actor=tess,
        contracted_sessions=12,
        start_date=start,
        weekday=(start.weekday() + 2) % 7,
        session_time=time(15, 30),
    )

    first = _local(_appointments(course)[0])
    assert first.date() == start + timedelta(days=2)
    assert (first.hour, first.minute) == (15, 30)


def test_it_refuses_a_second_open_course_on_the_same_referral(
    cara_course: Course, cara: Client, tess: User
) -> None:
    with pytest.raises(CourseRuleError, match="already has an open course"):
        _open(cara, tess, contracted_sessions=12)

    assert Course.objects.count() == 1


def test_a_new_course_can_follow_one_that_has_ended_on_the_same_referral(
    cara_course: Course, cara: Client, tess: User
) -> None:
    record_the_past_as_missed(cara_course, tess)
    services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.DROPPED_OUT,
    )

    continuation = _open(cara, tess, contracted_sessions=12)

    assert continuation.referral == cara_course.referral


def test_it_refuses_a_start_before_the_referral_was_received(cara: Client, tess: User) -> None:
    referral = cara.referrals.get()
    with pytest.raises(CourseRuleError, match="before the referral was received"):
        services.open_course(
            referral,
            actor=tess,
            contracted_sessions=16,
            start_date=referral.received_on - timedelta(days=1),
            weekday=0,
            session_time=time(10, 0),
        )


def test_it_refuses_a_course_on_a_closed_referral(cara: Client, tess: User) -> None:
    cara.referrals.update(closed_on=timezone.localdate())

    with pytest.raises(CourseRuleError, match="referral is closed"):
        _open(cara, tess, contracted_sessions=16)


def test_opening_a_course_writes_one_audit_event(cara: Client, tess: User) -> None:
    before = AuditEvent.objects.count()
    course = _open(cara, tess, contracted_sessions=14)

    event = AuditEvent.objects.get(action="course.open")
    assert AuditEvent.objects.count() == before + 1
    assert (event.actor, event.client, event.object_id) == (tess, cara, str(course.pk))
    assert event.detail["contracted_sessions"] == 14


# Attendance


def test_attending_the_first_session_makes_the_course_active(
    cara_course: Course, tess: User
) -> None:
    assert cara_course.state == CourseState.REFERRED

    attend_next(cara_course, tess)

    cara_course.refresh_from_db()
    assert cara_course.state == CourseState.ACTIVE


def test_a_missed_appointment_leaves_the_course_referred(cara_course: Course, tess: User) -> None:
    services.set_attendance(
        _appointments(cara_course)[0], actor=tess, status=Attendance.DID_NOT_ATTEND
    )

    cara_course.refresh_from_db()
    assert cara_course.state == CourseState.REFERRED


def test_session_numbers_count_attended_sessions_only(cara_course: Course, tess: User) -> None:
    first, second, third, fourth = _appointments(cara_course)[:4]
    services.set_attendance(first, actor=tess, status=Attendance.ATTENDED)
    services.set_attendance(second, actor=tess, status=Attendance.DID_NOT_ATTEND)
    services.set_attendance(third, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)
    services.set_attendance(fourth, actor=tess, status=Attendance.ATTENDED)

    timeline = cara_course.timeline()

    assert [row.number for row in timeline.rows[:4]] == [1, None, None, 2]
    assert timeline.attended == 2


@pytest.mark.parametrize(
    ("contracted", "initial", "middle", "ending"),
    [
        (12, range(1, 4), range(4, 11), range(11, 13)),
        (16, range(1, 4), range(4, 15), range(15, 17)),
    ],
)
def test_the_phase_changes_at_the_right_sessions(
    cara: Client,
    tess: User,
    contracted: int,
    initial: range,
    middle: range,
    ending: range,
) -> None:
    course = open_course_for(cara, tess, weeks_ago=contracted, contracted=contracted)
    attended = attend_next(course, tess, contracted)
    _focus_agreed_at(course, attended[2])

    phases = {row.number: row.phase for row in course.timeline().rows}

    assert phases == {
        **dict.fromkeys(initial, Phase.INITIAL),
        **dict.fromkeys(middle, Phase.MIDDLE),
        **dict.fromkeys(ending, Phase.ENDING),
    }


def test_the_current_phase_follows_the_last_attended_session(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    _focus_agreed_at(course, _appointments(course)[2])

    shown = []
    for _ in range(12):
        attend_next(course, tess)
        shown.append(course.timeline().current_phase)

    assert shown == [Phase.INITIAL] * 3 + [Phase.MIDDLE] * 7 + [Phase.ENDING] * 2


@pytest.mark.parametrize("status", [Attendance.ATTENDED, Attendance.DID_NOT_ATTEND])
def test_it_refuses_attendance_for_a_future_appointment_naming_its_date(
    cara_course: Course, tess: User, status: Attendance
) -> None:
    appointment = _future(cara_course)
    day = f"{_local(appointment):%A %-d %B %Y}"

    with pytest.raises(CourseRuleError, match=f"This appointment is on {day}"):
        services.set_attendance(appointment, actor=tess, status=status)

    appointment.refresh_from_db()
    assert appointment.status == Attendance.PLANNED


def test_a_future_appointment_can_be_cancelled_in_advance(cara_course: Course, tess: User) -> None:
    appointment = _future(cara_course)

    services.set_attendance(appointment, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)

    appointment.refresh_from_db()
    assert appointment.status == Attendance.CANCELLED_BY_CLIENT
    assert appointment.status_changed_by == tess


def test_it_refuses_a_session_after_the_course_ended(cara_course: Course, tess: User) -> None:
    attend_next(cara_course, tess, 2)
    record_the_past_as_missed(cara_course, tess)
    ended = timezone.localdate() - timedelta(days=1)
    services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=ended,
        reason=EarlyEndReason.MOVED_AWAY,
    )
    later = _appointments(cara_course)[2]

    with pytest.raises(CourseRuleError, match=f"ended on {ended:%-d %B %Y}"):
        services.set_attendance(later, actor=tess, status=Attendance.ATTENDED)


def test_an_attended_session_with_a_record_stays_attended(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _record(appointment, tess)

    with pytest.raises(CourseRuleError, match="has a record"):
        services.set_attendance(appointment, actor=tess, status=Attendance.DID_NOT_ATTEND)

    appointment.refresh_from_db()
    assert appointment.status == Attendance.ATTENDED


def test_an_attended_session_without_a_record_can_be_corrected(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)

    services.set_attendance(appointment, actor=tess, status=Attendance.DID_NOT_ATTEND)

    assert cara_course.timeline().attended == 0


def test_it_refuses_to_attend_more_sessions_than_the_contract(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=14, contracted=12)
    missed = _appointments(course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)
    # Lengthening the contract tops the live appointments up to 13; rebooking the miss then
    # leaves one appointment more than the contract allows.
    services.change_contract(course, actor=tess, contracted_sessions=13, reason="")
    services.rebook(missed, actor=tess)
    attend_next(course, tess, 13)
    (extra,) = _planned(course)

    with pytest.raises(CourseRuleError, match="All 13 contracted sessions have taken place"):
        services.set_attendance(extra, actor=tess, status=Attendance.ATTENDED)


def test_recording_attendance_writes_one_audit_event(cara_course: Course, tess: User) -> None:
    before = AuditEvent.objects.count()

    (appointment,) = attend_next(cara_course, tess)

    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "appointment.attendance"
    assert event.detail == {"from": "planned", "to": "attended"}
    assert event.object_id == str(appointment.pk)


# Rebooking


def test_rebooking_a_missed_session_adds_a_linked_replacement_after_the_last_appointment(
    cara_course: Course, tess: User
) -> None:
    missed = _appointments(cara_course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)
    last = _local(_appointments(cara_course)[-1])
    end_before = cara_course.timeline().expected_end

    replacement = services.rebook(missed, actor=tess)

    assert replacement.replaces == missed
    assert replacement.status == Attendance.PLANNED
    assert _local(replacement).date() == last.date() + timedelta(weeks=1)
    assert (_local(replacement).hour, _local(replacement).minute) == (10, 0)
    missed.refresh_from_db()
    assert missed.status == Attendance.DID_NOT_ATTEND
    assert len(_appointments(cara_course)) == 17
    assert end_before == last.date()
    assert cara_course.timeline().expected_end == last.date() + timedelta(weeks=1)


def test_rebooking_an_appointment_twice_is_refused(cara_course: Course, tess: User) -> None:
    missed = _appointments(cara_course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)
    services.rebook(missed, actor=tess)

    with pytest.raises(CourseRuleError, match="already been rebooked"):
        services.rebook(missed, actor=tess)

    assert Appointment.objects.filter(replaces=missed).count() == 1


def test_an_attended_appointment_cannot_be_rebooked(cara_course: Course, tess: User) -> None:
    (attended,) = attend_next(cara_course, tess)

    with pytest.raises(CourseRuleError, match="Only a missed or cancelled appointment"):
        services.rebook(attended, actor=tess)


def test_a_rebooked_appointment_keeps_its_status(cara_course: Course, tess: User) -> None:
    missed = _appointments(cara_course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)
    services.rebook(missed, actor=tess)

    with pytest.raises(CourseRuleError, match="change the replacement appointment instead"):
        services.set_attendance(missed, actor=tess, status=Attendance.ATTENDED)


def test_a_replacement_must_come_after_the_missed_appointment(
    cara_course: Course, tess: User
) -> None:
    missed = _appointments(cara_course)[1]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)

    with pytest.raises(CourseRuleError, match="after the one it replaces"):
        services.rebook(missed, actor=tess, starts_at=missed.starts_at - timedelta(days=1))


# The contract


def test_a_provisional_contract_changes_without_a_reason(cara_course: Course, tess: User) -> None:
    services.change_contract(cara_course, actor=tess, contracted_sessions=14, reason="")

    change = ContractChange.objects.get()
    assert (change.from_sessions, change.to_sessions, change.renegotiation) == (16, 14, False)
    assert AuditEvent.objects.filter(action="course.change_contract").count() == 1


def test_after_the_agreement_a_change_without_a_reason_is_refused(
    cara_course: Course, tess: User
) -> None:
    services.agree_contract(cara_course, actor=tess, agreed_on=timezone.localdate())

    with pytest.raises(CourseRuleError, match="renegotiation: record the reason"):
        services.change_contract(cara_course, actor=tess, contracted_sessions=14, reason="  ")

    cara_course.refresh_from_db()
    assert cara_course.contracted_sessions == 16
    assert not ContractChange.objects.exists()


def test_after_the_agreement_a_change_with_a_reason_is_a_recorded_renegotiation(
    cara_course: Course, tess: User
) -> None:
    services.agree_contract(cara_course, actor=tess, agreed_on=timezone.localdate())

    services.change_contract(
        cara_course, actor=tess, contracted_sessions=12, reason="Moving away in March."
    )

    change = ContractChange.objects.get()
    assert change.renegotiation is True
    assert change.reason == "Moving away in March."
    assert change.changed_by == tess
    assert AuditEvent.objects.filter(action="course.renegotiate").count() == 1


def test_a_longer_contract_books_extra_weekly_appointments(cara: Client, tess: User) -> None:
    course = _open(cara, tess, contracted_sessions=12)
    last = _local(_appointments(course)[-1])

    services.change_contract(course, actor=tess, contracted_sessions=14, reason="")

    booked = _appointments(course)
    assert len(booked) == 14
    assert [_local(a) for a in booked[-2:]] == [
        last + timedelta(weeks=1),
        last + timedelta(weeks=2),
    ]
    assert {(_local(a).hour, _local(a).minute) for a in booked} == {(10, 0)}


def test_a_shorter_contract_removes_the_trailing_planned_appointments(
    cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 3)
    kept = [a.pk for a in _appointments(cara_course)[:12]]

    services.change_contract(cara_course, actor=tess, contracted_sessions=12, reason="")

    assert [a.pk for a in _appointments(cara_course)] == kept
    assert cara_course.timeline().attended == 3


def test_a_contract_cannot_be_shorter_than_the_sessions_already_attended(
    cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=13, contracted=16)
    attend_next(course, tess, 13)

    with pytest.raises(CourseRuleError, match="13 sessions have already taken place"):
        services.change_contract(course, actor=tess, contracted_sessions=12, reason="")

    assert len(_appointments(course)) == 16


def test_a_contract_cannot_be_changed_to_17_sessions(cara_course: Course, tess: User) -> None:
    with pytest.raises(CourseRuleError, match="17 is too many"):
        services.change_contract(cara_course, actor=tess, contracted_sessions=17, reason="")


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "cannot be in the future"), (-7 * 7, "cannot be before the course started")],
)
def test_the_agreement_date_must_fall_within_the_course_so_far(
    cara_course: Course, tess: User, days: int, message: str
) -> None:
    with pytest.raises(CourseRuleError, match=message):
        services.agree_contract(
            cara_course, actor=tess, agreed_on=timezone.localdate() + timedelta(days=days)
        )

    cara_course.refresh_from_db()
    assert cara_course.contract_is_provisional


# Session records


def test_saving_a_record_creates_it_and_every_update_raises_the_version(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)

    record = _record(appointment, tess, agenda="Sleep; the argument with her sister.")
    assert record.version == 1

    services.save_session_record(
        appointment, actor=tess, data={"notes": "Second draft."}, expected_version=1
    )

    record.refresh_from_db()
    assert (record.version, record.notes, record.agenda) == (
        2,
        "Second draft.",
        "Sleep; the argument with her sister.",
    )
    assert record.created_by == tess


def test_an_update_moves_the_saved_time(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = _record(appointment, tess)
    before = timezone.now()

    services.save_session_record(
        appointment, actor=tess, data={"notes": "Later."}, expected_version=1
    )

    record.refresh_from_db()
    assert record.updated_at >= before


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_overwrites_nothing(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _record(appointment, tess)
    services.save_session_record(
        appointment, actor=tess, data={"notes": "Saved first."}, expected_version=1
    )

    with pytest.raises(EditConflict, match="Someone else saved this session record") as conflict:
        services.save_session_record(
            appointment, actor=tess, data={"notes": "Saved second."}, expected_version=1
        )

    assert "Your changes have not been saved" in str(conflict.value)
    record = SessionRecord.objects.get()
    assert (record.notes, record.version) == ("Saved first.", 2)


def test_the_second_of_two_first_saves_is_refused(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _record(appointment, tess, notes="From the first tab.")

    with pytest.raises(EditConflict):
        _record(appointment, tess, notes="From the second tab.")

    assert SessionRecord.objects.get().notes == "From the first tab."


def test_a_first_save_that_loses_the_race_in_the_database_is_a_conflict(
    cara_course: Course, tess: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _record(appointment, tess, notes="Committed a moment earlier.")
    # Both requests looked before either had saved: neither saw a record.
    monkeypatch.setattr(SessionRecord.objects, "filter", lambda **_: SessionRecord.objects.none())

    with pytest.raises(EditConflict, match="Someone else saved this session record"):
        _record(appointment, tess, notes="Lost the race.")

    monkeypatch.undo()
    assert SessionRecord.objects.get().notes == "Committed a moment earlier."


def test_a_record_is_only_for_an_attended_appointment(cara_course: Course, tess: User) -> None:
    missed = _appointments(cara_course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)

    for appointment in (missed, _appointments(cara_course)[1]):
        with pytest.raises(CourseRuleError, match="Mark the appointment as attended"):
            _record(appointment, tess)

    assert not SessionRecord.objects.exists()


def test_signing_needs_every_question_of_the_risk_check(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = _record(appointment, tess, **{**CLEAR_RISK, "self_harm": ""})

    with pytest.raises(CourseRuleError, match="Complete every question of the risk check"):
        services.sign_session_record(record, actor=tess, expected_version=record.version)

    record.refresh_from_db()
    assert not record.is_signed


def test_signing_a_positive_risk_check_needs_the_action_taken(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = _record(
        appointment, tess, **{**CLEAR_RISK, "suicidal_thoughts": "yes", "risk_level": "low"}
    )

    with pytest.raises(CourseRuleError, match="record the action taken"):
        services.sign_session_record(record, actor=tess, expected_version=1)

    services.save_session_record(
        appointment,
        actor=tess,
        data={"risk_action": "Safety plan reviewed; GP informed."},
        expected_version=1,
    )
    signed = services.sign_session_record(record, actor=tess, expected_version=2)
    assert signed.is_signed
    assert signed.signed_by == tess


def test_signing_a_copy_that_someone_else_changed_is_refused(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = _record(appointment, tess, **CLEAR_RISK)
    services.save_session_record(appointment, actor=tess, data={"notes": "New"}, expected_version=1)

    with pytest.raises(CourseRuleError, match="Read the latest version before signing"):
        services.sign_session_record(record, actor=tess, expected_version=1)


def test_a_signed_record_cannot_be_changed(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = _record(appointment, tess, **CLEAR_RISK)
    record = services.sign_session_record(record, actor=tess, expected_version=1)

    with pytest.raises(CourseRuleError, match="signed and cannot be changed. Add an addendum"):
        services.save_session_record(
            appointment, actor=tess, data={"notes": "Rewritten."}, expected_version=record.version
        )

    assert SessionRecord.objects.get().notes == "Talked about work."


def test_an_addendum_to_a_signed_record_keeps_its_author_and_time(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.sign_session_record(
        _record(appointment, tess, **CLEAR_RISK), actor=tess, expected_version=1
    )
    before = timezone.now()

    addendum = services.add_addendum(
        record, actor=tess, text="  The sister is her older sister, not younger.  "
    )

    assert addendum.text == "The sister is her older sister, not younger."
    assert addendum.author == tess
    assert addendum.created_at >= before
    assert list(record.addenda.all()) == [addendum]
    assert AuditEvent.objects.filter(action="session_record.addendum").count() == 1


def test_an_addendum_to_an_unsigned_record_is_refused(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = _record(appointment, tess)

    with pytest.raises(CourseRuleError, match="addenda are for records that are already signed"):
        services.add_addendum(record, actor=tess, text="A correction.")


def test_an_empty_addendum_is_refused(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.sign_session_record(
        _record(appointment, tess, **CLEAR_RISK), actor=tess, expected_version=1
    )

    with pytest.raises(CourseRuleError, match="Write the correction"):
        services.add_addendum(record, actor=tess, text="   ")


def test_ticking_raise_ending_records_the_day_the_ending_was_raised(
    cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=9, contracted=12)
    *_, eighth, ninth = attend_next(course, tess, 9)

    _record(eighth, tess, tasks_done=["risk_check", "raise_ending"])
    _record(ninth, tess, tasks_done=["raise_ending"])

    course.refresh_from_db()
    assert course.ending_raised_on == _local(eighth).date()


def test_ending_work_in_the_ending_phase_records_the_ending_as_raised(
    cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    *_, eleventh, twelfth = attend_next(course, tess, 12)

    _record(eleventh, tess, tasks_done=["risk_check", "progress_review"])
    _record(twelfth, tess, tasks_done=["ending_feelings", "next_steps"])

    course.refresh_from_db()
    assert course.ending_raised_on == _local(eleventh).date()


def test_a_record_without_raise_ending_leaves_the_ending_unraised(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)

    _record(appointment, tess, tasks_done=["risk_check", "measures"])

    cara_course.refresh_from_db()
    assert cara_course.ending_raised_on is None


# Ending a course


def test_a_course_is_completed_only_when_every_contracted_session_took_place(
    cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 7)

    with pytest.raises(CourseRuleError, match="Only 7 of 16 sessions have taken place"):
        services.end_course(
            cara_course, actor=tess, target=CourseState.COMPLETED, ended_on=timezone.localdate()
        )

    cara_course.refresh_from_db()
    assert cara_course.state == CourseState.ACTIVE


def test_a_course_with_every_session_attended_is_completed(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attend_next(course, tess, 12)
    write_ending(course, tess)

    services.end_course(
        course, actor=tess, target=CourseState.COMPLETED, ended_on=timezone.localdate()
    )

    course.refresh_from_db()
    assert (course.state, course.ended_on) == (CourseState.COMPLETED, timezone.localdate())
    event = AuditEvent.objects.get(action="course.end")
    assert event.detail == {"state": "completed", "reason": ""}


def test_ending_early_needs_a_reason(cara_course: Course, tess: User) -> None:
    with pytest.raises(CourseRuleError, match="Choose why the course ended early"):
        services.end_course(
            cara_course, actor=tess, target=CourseState.ENDED_EARLY, ended_on=timezone.localdate()
        )


def test_ending_early_for_another_reason_needs_a_note(cara_course: Course, tess: User) -> None:
    record_the_past_as_missed(cara_course, tess)
    with pytest.raises(CourseRuleError, match="Say why the course ended early"):
        services.end_course(
            cara_course,
            actor=tess,
            target=CourseState.ENDED_EARLY,
            ended_on=timezone.localdate(),
            reason=EarlyEndReason.OTHER,
            note=" ",
        )

    services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.OTHER,
        note="Started a full-time course abroad.",
    )
    cara_course.refresh_from_db()
    assert cara_course.end_note == "Started a full-time course abroad."


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        (lambda today, last: today + timedelta(days=1), "cannot be in the future"),
        (lambda today, last: last - timedelta(days=1), "before the last attended session"),
    ],
)
def test_the_end_date_must_fall_between_the_last_session_and_today(
    cara_course: Course, tess: User, ended_on: Any, message: str
) -> None:
    *_, last = attend_next(cara_course, tess, 3)
    day = ended_on(timezone.localdate(), _local(last).date())

    with pytest.raises(CourseRuleError, match=message):
        services.end_course(
            cara_course,
            actor=tess,
            target=CourseState.ENDED_EARLY,
            ended_on=day,
            reason=EarlyEndReason.DROPPED_OUT,
        )


def test_ending_a_course_cancels_its_planned_appointments_by_the_service(
    cara_course: Course, tess: User
) -> None:
    attended = {a.pk for a in attend_next(cara_course, tess, 4)}

    record_the_past_as_missed(cara_course, tess)
    services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.DISCHARGED_EARLY,
    )

    statuses = {a.pk: a.status for a in _appointments(cara_course)}
    assert {statuses[pk] for pk in attended} == {Attendance.ATTENDED}
    future = {a.pk for a in _appointments(cara_course) if a.starts_at > timezone.now()}
    assert {statuses[pk] for pk in future} == {Attendance.CANCELLED_BY_SERVICE}
    assert {s for pk, s in statuses.items() if pk not in attended | future} == {
        Attendance.DID_NOT_ATTEND
    }


def test_a_completed_course_cannot_be_reopened(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attend_next(course, tess, 12)
    write_ending(course, tess)
    today = timezone.localdate()
    services.end_course(course, actor=tess, target=CourseState.COMPLETED, ended_on=today)

    with pytest.raises(CourseRuleError, match="A completed course cannot be reopened"):
        services.end_course(
            course,
            actor=tess,
            target=CourseState.ENDED_EARLY,
            ended_on=today,
            reason=EarlyEndReason.OTHER,
            note="Second thoughts.",
        )
    with pytest.raises(CourseRuleError, match=f"ended on {today:%-d %B %Y}"):
        services.change_contract(course, actor=tess, contracted_sessions=14, reason="More.")

    course.refresh_from_db()
    assert course.state == CourseState.COMPLETED


def test_a_course_that_never_started_cannot_be_completed(cara_course: Course, tess: User) -> None:
    with pytest.raises(CourseRuleError, match="must start before it can be completed"):
        services.end_course(
            cara_course,
            actor=tess,
            target=CourseState.COMPLETED,
            ended_on=timezone.localdate(),
        )


def test_a_course_cannot_end_while_past_appointments_have_no_attendance(
    cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 2)
    unrecorded = [a for a in _appointments(cara_course) if a.status == Attendance.PLANNED][0]

    with pytest.raises(
        CourseRuleError, match=f"Record the attendance .*{unrecorded.starts_at:%-d %b}"
    ):
        services.end_course(
            cara_course,
            actor=tess,
            target=CourseState.ENDED_EARLY,
            ended_on=timezone.localdate(),
            reason=EarlyEndReason.DROPPED_OUT,
        )

    cara_course.refresh_from_db()
    assert cara_course.state == CourseState.ACTIVE
    assert unrecorded.__class__.objects.get(pk=unrecorded.pk).status == Attendance.PLANNED


def test_ending_a_course_one_minute_before_a_session_that_day_cancels_that_session(
    cara_course: Course, tess: User, time_machine: Any
) -> None:
    """The session later on the end day has not happened: it is cancelled, not asked about."""
    later_today = [a for a in _appointments(cara_course) if a.status == Attendance.PLANNED][6]
    time_machine.move_to(later_today.starts_at - timedelta(minutes=1), tick=False)
    record_the_past_as_missed(cara_course, tess)

    services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.DROPPED_OUT,
    )

    statuses = [a.status for a in _appointments(cara_course)]
    assert statuses[:6] == [Attendance.DID_NOT_ATTEND] * 6
    assert set(statuses[6:]) == {Attendance.CANCELLED_BY_SERVICE}


def test_a_course_does_not_end_over_an_open_risk_alert_unless_it_is_reviewed_then(
    cara_course: Course, tess: User, cara: Client
) -> None:
    from iptclinic.measures.models import RiskAlert
    from iptclinic.measures.services import record_questionnaire
    from iptclinic.measures.tests.helpers import phq9_total

    held = attend_next(cara_course, tess, 4)
    record_questionnaire(
        cara,
        actor=tess,
        instrument_code="phq9",
        answers=phq9_total(10, item9=2),
        appointment=held[-1],
    )
    record_the_past_as_missed(cara_course, tess)
    alert = RiskAlert.objects.get()
    ending = {
        "actor": tess,
        "target": CourseState.ENDED_EARLY,
        "ended_on": timezone.localdate(),
        "reason": EarlyEndReason.DROPPED_OUT,
    }
    with pytest.raises(CourseRuleError, match="nobody has reviewed"):
        services.end_course(cara_course, **ending)
    with pytest.raises(CourseRuleError, match="nobody has reviewed"):
        services.end_course(cara_course, **ending, alert_reviews={alert.pk: ("Phoned.", " ")})
    cara_course.refresh_from_db()
    assert cara_course.state == CourseState.ACTIVE

    services.end_course(
        cara_course, **ending, alert_reviews={alert.pk: ("Phoned Cara.", "GP informed.")}
    )
    alert.refresh_from_db()
    assert (alert.reviewed_by, alert.action) == (tess, "GP informed.")
    cara_course.refresh_from_db()
    assert cara_course.state == CourseState.ENDED_EARLY
