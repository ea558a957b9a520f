"""The safety-net rules, table by table, and the properties that keep risk owned."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.measure_schedule import DEFAULT_SCHEDULE, Frequency
from iptclinic.ipt.safety_net import (
    FALLBACKS,
    AlertFacts,
    CareTeam,
    CourseFacts,
    Need,
    NeedKind,
    Owner,
    ReferralFacts,
    SafetyNetSettings,
    Score,
    Session,
    alert_needs,
    assign_owners,
    course_needs,
    duty_gap_needs,
    look_ahead_days,
    reminder_due,
    waiting_needs,
)
from iptclinic.ipt.variants import Variant
from iptclinic.ipt.working_days import WorkingWeek

LONDON = ZoneInfo("Europe/London")
WEEK = WorkingWeek()
RULES = SafetyNetSettings()
A, D, C, S, P = (
    Attendance.ATTENDED,
    Attendance.DID_NOT_ATTEND,
    Attendance.CANCELLED_BY_CLIENT,
    Attendance.CANCELLED_BY_SERVICE,
    Attendance.PLANNED,
)
FIRST_MONDAY = date(2026, 9, 7)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def weekly(
    statuses: list[Attendance], *, complete: bool = True, start: date = FIRST_MONDAY
) -> tuple[Session, ...]:
    """Weekly Monday sessions at 10:00; attended ones fully recorded unless ``complete`` is off."""
    return tuple(
        Session(
            appointment_id=100 + n,
            starts_at=at(start + timedelta(weeks=n)),
            status=status,
            record_written=complete and status is A,
            record_signed=complete and status is A,
            questionnaires=frozenset({"phq9", "gad7", "wsas"}) if complete else frozenset(),
            risk_asked=complete,
        )
        for n, status in enumerate(statuses)
    )


def course(
    sessions: tuple[Session, ...],
    *,
    contracted: int = 16,
    scores: tuple[Score, ...] = (),
    ending_raised: bool = False,
    schedule: dict[str, Frequency] | None = None,
) -> CourseFacts:
    return CourseFacts(
        course_id=7,
        client_id=3,
        contracted=contracted,
        variant=Variant.LEAFLET,
        ending_raised=ending_raised,
        sessions=sessions,
        scores=scores,
        schedule=DEFAULT_SCHEDULE if schedule is None else schedule,
    )


def kinds(needs: list[Need]) -> list[NeedKind]:
    return [need.kind for need in needs]


def needs_at(facts: CourseFacts, moment: datetime) -> list[Need]:
    return course_needs(facts, moment, RULES, WEEK)


def of_kind(needs: list[Need], kind: NeedKind) -> list[Need]:
    return [need for need in needs if need.kind is kind]


# --- Missed sessions -----------------------------------------------------------------------------


def test_a_did_not_attend_asks_the_therapist_to_make_contact_within_two_working_days() -> None:
    facts = course(weekly([A, A, D, P, P]))
    missed = of_kind(needs_at(facts, at(date(2026, 9, 21), 11)), NeedKind.MISSED_SESSION)
    assert len(missed) == 1
    need = missed[0]
    assert need.owner is Owner.THERAPIST and not need.recurs
    assert need.due == at(date(2026, 9, 23), 17)  # Monday's miss: Wednesday 17:00
    assert "rebook within the contract or renegotiate" in need.title
    assert need.subject == ("appointment", 102)


@pytest.mark.parametrize(
    ("statuses", "supervisor_at"),
    [
        ([A, D, A, D, A], []),  # two in the course, never in a row
        ([A, D, D, P], [102]),  # two in a row
        ([A, D, C, P], [102]),  # a client cancellation counts as missed
        ([A, D, S, D, P], [103]),  # a service cancellation breaks nothing and counts nothing
        ([D, A, D, A, D, P], [104]),  # three in the course
        ([A, D, D, D, P], [102, 103]),  # and at each further miss
        ([A, C, A, C, P], []),  # cancellations alone, not in a row: none
    ],
)
def test_repeated_non_attendance_tells_the_supervisor(
    statuses: list[Attendance], supervisor_at: list[int]
) -> None:
    facts = course(weekly(statuses))
    the_day_after = at(FIRST_MONDAY + timedelta(weeks=len(statuses) - 1, days=1))
    found = of_kind(needs_at(facts, the_day_after), NeedKind.REPEATED_NON_ATTENDANCE)
    assert [need.key for need in found] == [f"non_attendance:{i}" for i in supervisor_at]
    assert all(need.owner is Owner.SUPERVISOR for need in found)


def test_only_did_not_attend_asks_for_contact_and_old_misses_are_not_dug_up() -> None:
    facts = course(weekly([D, C, A, P]))
    now = at(date(2026, 9, 30))
    assert [n.key for n in of_kind(needs_at(facts, now), NeedKind.MISSED_SESSION)] == ["missed:100"]
    months_later = at(date(2026, 12, 1))
    assert of_kind(needs_at(facts, months_later), NeedKind.MISSED_SESSION) == []


# --- Scores --------------------------------------------------------------------------------------


def scores(code: str, *totals: int) -> tuple[Score, ...]:
    return tuple(
        Score(
            response_id=500 + n,
            instrument=code,
            completed_on=FIRST_MONDAY + timedelta(weeks=n),
            total=total,
        )
        for n, total in enumerate(totals)
    )


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (scores("phq9", 12, 19), ["deterioration:7:501"]),  # the case: +7
        (scores("phq9", 12, 18), ["deterioration:7:501"]),  # +6 is reliable
        (scores("phq9", 12, 17), []),  # +5 is not
        (scores("phq9", 12, 20, 13), []),  # judged on the latest score
        (scores("gad7", 8, 12), ["deterioration:7:501"]),  # GAD-7 +4
        (scores("gad7", 8, 11), []),
        (scores("phq9", 12), []),  # one score: nothing to compare
    ],
)
def test_a_reliable_rise_over_the_first_score_is_a_therapist_item(
    series: tuple[Score, ...], expected: list[str]
) -> None:
    facts = course(weekly([A, A, A, P]), scores=series)
    found = of_kind(needs_at(facts, at(date(2026, 9, 22))), NeedKind.DETERIORATION)
    assert [need.key for need in found] == expected
    for need in found:
        assert need.owner is Owner.THERAPIST
        # Within two working days of now (Tuesday), as the next session is later.
        assert need.due == at(date(2026, 9, 24), 17)
    soon = course(weekly([A, A, A, P]), scores=series)
    for need in of_kind(
        needs_at(
            soon,
            at(
                date(
                    2026,
                    9,
                    25,
                ),
                12,
            ),
        ),
        NeedKind.DETERIORATION,
    ):
        assert need.due == at(date(2026, 9, 28))  # the next session comes first


def test_the_deterioration_threshold_is_the_teams_to_set() -> None:
    stricter = SafetyNetSettings(reliable_rise={"phq9": 4})
    facts = course(weekly([A, A, P]), scores=scores("phq9", 10, 14))
    found = course_needs(facts, at(date(2026, 9, 16)), stricter, WEEK)
    assert kinds(of_kind(found, NeedKind.DETERIORATION)) == [NeedKind.DETERIORATION]


@pytest.mark.parametrize(
    ("attended", "series", "prompted"),
    [
        (8, scores("phq9", 15, 14) + scores("gad7", 12, 11), True),  # middle of 16, no change
        (7, scores("phq9", 15, 14) + scores("gad7", 12, 11), False),  # not yet the middle
        (8, scores("phq9", 15, 9) + scores("gad7", 12, 11), False),  # PHQ-9 improved by 6
        (8, scores("phq9", 15, 14) + scores("gad7", 12, 8), False),  # GAD-7 improved by 4
        (8, scores("phq9", 7, 7), False),  # never at caseness: nothing expected to improve
        (8, (), False),  # no scores
    ],
)
def test_no_reliable_improvement_by_the_middle_prompts_a_review(
    attended: int, series: tuple[Score, ...], prompted: bool
) -> None:
    facts = course(weekly([A] * attended + [P] * 3), scores=series)
    found = of_kind(needs_at(facts, at(date(2026, 12, 1))), NeedKind.NO_IMPROVEMENT)
    assert bool(found) is prompted
    if found:
        assert "session 8 of 16" in found[0].title


# --- Records and questionnaires ------------------------------------------------------------------


def test_a_record_is_an_item_once_two_working_days_pass_and_a_draft_once_five() -> None:
    unwritten = course(weekly([A, P], complete=False))
    monday = FIRST_MONDAY
    assert (
        of_kind(
            needs_at(unwritten, at(monday + timedelta(days=2), 16)), NeedKind.RECORD_NOT_WRITTEN
        )
        == []
    )
    due = of_kind(
        needs_at(unwritten, at(monday + timedelta(days=2), 17)), NeedKind.RECORD_NOT_WRITTEN
    )
    assert [(n.key, n.due) for n in due] == [
        ("record_unwritten:100", at(monday + timedelta(days=2), 17))
    ]

    draft = course(
        (replace_session(weekly([A, P], complete=False)[0], record_written=True),)
        + weekly([A, P], complete=False)[1:]
    )
    # Five working days after Monday 7 Sept is Monday 14 Sept at 17:00.
    before = needs_at(draft, at(date(2026, 9, 14), 16))
    after = needs_at(draft, at(date(2026, 9, 14), 17))
    assert of_kind(before, NeedKind.RECORD_NOT_SIGNED) == []
    assert [n.key for n in of_kind(after, NeedKind.RECORD_NOT_SIGNED)] == ["record_unsigned:100"]
    assert of_kind(after, NeedKind.RECORD_NOT_WRITTEN) == []


def replace_session(session: Session, **changes: object) -> Session:
    from dataclasses import replace

    return replace(session, **changes)  # type: ignore[arg-type]


def test_missing_questionnaires_and_an_unasked_risk_question_wait_for_the_days_end() -> None:
    session = replace_session(weekly([A], complete=False)[0], questionnaires=frozenset({"gad7"}))
    facts = course((session, *weekly([P], start=FIRST_MONDAY + timedelta(weeks=1))))
    assert of_kind(needs_at(facts, at(FIRST_MONDAY, 16, 59)), NeedKind.QUESTIONNAIRE_MISSING) == []
    found = needs_at(facts, at(FIRST_MONDAY, 17))
    missing = of_kind(found, NeedKind.QUESTIONNAIRE_MISSING)
    # Session 1 is assessment: PHQ-9 and WSAS are due; the GAD-7 was recorded.
    assert [n.title for n in missing] == ["Record the PHQ-9 and WSAS of session 1 (Mon 7 Sep)"]
    assert missing[0].due == at(FIRST_MONDAY + timedelta(days=1), 17)
    assert kinds(of_kind(found, NeedKind.RISK_NOT_ASKED)) == [NeedKind.RISK_NOT_ASKED]


def test_the_risk_question_is_asked_whatever_the_questionnaire_schedule() -> None:
    no_routine = {code: Frequency.NOT_ROUTINE for code in DEFAULT_SCHEDULE}
    session = replace_session(weekly([A], complete=False)[0], record_written=True)
    facts = course((session,), schedule=no_routine)
    found = needs_at(facts, at(FIRST_MONDAY, 18))
    assert of_kind(found, NeedKind.QUESTIONNAIRE_MISSING) == []
    assert [n.key for n in of_kind(found, NeedKind.RISK_NOT_ASKED)] == ["risk_unasked:100"]
    asked = course((replace_session(session, risk_asked=True),), schedule=no_routine)
    assert of_kind(needs_at(asked, at(FIRST_MONDAY, 18)), NeedKind.RISK_NOT_ASKED) == []


# --- Ending and booking --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attended", "raised", "expected"),
    [(13, False, False), (14, False, True), (14, True, False), (15, False, True)],
)
def test_the_ending_not_raised_by_session_n_minus_2_is_an_item(
    attended: int, raised: bool, expected: bool
) -> None:
    facts = course(weekly([A] * attended + [P] * (16 - attended)), ending_raised=raised)
    found = of_kind(needs_at(facts, at(date(2027, 1, 1))), NeedKind.ENDING_NOT_RAISED)
    assert bool(found) is expected


def test_an_open_course_with_sessions_to_go_and_none_booked_is_an_item() -> None:
    facts = course(weekly([A, A, D]))
    found = of_kind(needs_at(facts, at(date(2026, 9, 22))), NeedKind.NO_PLANNED_APPOINTMENT)
    assert [n.key for n in found] == ["no_appointment:7"]
    assert "14 contracted sessions to go" in found[0].title
    booked = course(weekly([A, A, D, P]))
    assert of_kind(needs_at(booked, at(date(2026, 9, 22))), NeedKind.NO_PLANNED_APPOINTMENT) == []
    finished = course(weekly([A] * 12), contracted=12)
    assert of_kind(needs_at(finished, at(date(2026, 12, 1))), NeedKind.NO_PLANNED_APPOINTMENT) == []


# --- Alerts --------------------------------------------------------------------------------------


def test_an_alert_climbs_the_ladder_therapist_then_supervisor_and_duty_then_lead() -> None:
    tuesday = date(2026, 12, 1)
    alert = AlertFacts(
        alert_id=9, client_id=3, raised_at=at(tuesday, 16, 30), escalate_at=at(tuesday, 17)
    )

    def owners(moment: datetime) -> list[Owner]:
        return [n.owner for n in alert_needs(alert, moment, WEEK)]

    assert owners(at(tuesday, 16, 45)) == [Owner.THERAPIST]
    assert owners(at(tuesday, 17)) == [Owner.THERAPIST, Owner.SUPERVISOR, Owner.DUTY]
    assert owners(at(tuesday + timedelta(days=1), 8, 59)) == owners(at(tuesday, 17))
    assert owners(at(tuesday + timedelta(days=1), 9)) == [*Owner]
    needs = alert_needs(alert, at(tuesday + timedelta(days=1), 9), WEEK)
    assert all(n.urgent and n.recurs and n.key == "alert:9" for n in needs)
    assert [n.due for n in needs] == [
        at(tuesday, 17),
        at(tuesday + timedelta(days=1), 9),
        at(tuesday + timedelta(days=1), 9),
        at(tuesday + timedelta(days=1), 17),
    ]


def test_an_alert_on_friday_evening_reaches_the_lead_on_monday_morning() -> None:
    friday = date(2026, 12, 4)
    alert = AlertFacts(9, 3, raised_at=at(friday, 18), escalate_at=at(friday, 18))
    assert Owner.LEAD not in {n.owner for n in alert_needs(alert, at(friday, 23), WEEK)}
    monday = at(date(2026, 12, 7), 9)
    assert Owner.LEAD in {n.owner for n in alert_needs(alert, monday, WEEK)}


def test_reminders_come_each_working_morning() -> None:
    told = at(date(2026, 12, 4), 17)  # a Friday
    assert not reminder_due(told, at(date(2026, 12, 6), 12), WEEK)  # Sunday
    assert reminder_due(told, at(date(2026, 12, 7), 9), WEEK)
    assert reminder_due(None, told, WEEK)


# --- Waiting list and duty rota ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allocated", "held", "days", "owner"),
    [
        (True, False, 41, None),
        (True, False, 42, Owner.THERAPIST),
        (False, False, 43, Owner.LEAD),
        (True, True, 80, None),
    ],
)
def test_a_referral_waiting_six_weeks_is_an_item(
    allocated: bool, held: bool, days: int, owner: Owner | None
) -> None:
    received = date(2026, 9, 1)
    referral = ReferralFacts(4, 3, received, allocated=allocated, first_session_held=held)
    found = waiting_needs(referral, at(received + timedelta(days=days)), RULES, WEEK)
    assert [n.owner for n in found] == ([owner] if owner else [])


def test_a_working_day_with_nobody_on_duty_is_the_leads_item() -> None:
    now = at(date(2026, 12, 1), 11)
    days = look_ahead_days(now, RULES, WEEK)
    assert days[0] == date(2026, 12, 1) and all(WEEK.is_working_day(d) for d in days)
    on_duty = {day: day != date(2026, 12, 3) for day in days}
    needs = duty_gap_needs(1, on_duty, now, RULES, WEEK)
    assert [(n.key, n.owner, n.urgent) for n in needs] == [
        ("duty_gap:1:2026-12-03", Owner.LEAD, False)
    ]
    assert needs[0].due == at(date(2026, 12, 2), 17)
    today_gap = duty_gap_needs(1, {date(2026, 12, 1): False}, now, RULES, WEEK)
    assert today_gap[0].urgent


# --- Owners --------------------------------------------------------------------------------------


def test_escalations_of_one_alert_go_to_different_people() -> None:
    alert = AlertFacts(
        9, 3, raised_at=at(date(2026, 12, 1), 16), escalate_at=at(date(2026, 12, 1), 17)
    )
    needs = alert_needs(alert, at(date(2026, 12, 2), 10), WEEK)
    # The therapist is also on duty: the duty copy goes to the lead, who then holds it once.
    care = CareTeam(therapist=1, supervisor=2, duty=1, lead=4)
    assert [(n.owner, who) for n, who in assign_owners(needs, care)] == [
        (Owner.THERAPIST, 1),
        (Owner.SUPERVISOR, 2),
        (Owner.DUTY, 4),
    ]
    # No supervisor and nobody on duty: the lead holds it.
    alone = assign_owners(needs, CareTeam(therapist=1, lead=4))
    assert {who for _, who in alone} == {1, 4}


def test_a_need_with_nobody_at_all_is_reported_unowned_not_dropped() -> None:
    need = waiting_needs(
        ReferralFacts(4, 3, date(2026, 1, 1), allocated=False, first_session_held=False),
        at(date(2026, 12, 1)),
        RULES,
        WEEK,
    )[0]
    assert assign_owners([need], CareTeam()) == [(need, None)]


people = st.none() | st.integers(1, 4)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(list(Owner)), min_size=1, max_size=6),
    st.builds(CareTeam, people, people, people, people),
)
def test_every_need_gets_someone_whenever_anyone_is_there(
    roles: list[Owner], care: CareTeam
) -> None:
    moment = at(date(2026, 12, 1))
    needs = [Need(NeedKind.RISK_ALERT, "alert:1", role, "t", moment, moment) for role in roles]
    assigned = assign_owners(needs, care)
    anyone = any(care.person(role) is not None for role in Owner)
    owners = [who for _, who in assigned]
    held = [who for who in owners if who is not None]
    assert len(set(held)) == len(held)  # one cause never twice for one person
    if anyone:
        assert owners and None not in owners  # everything assigned is held by someone
    else:
        assert owners == [None] * len(roles)  # unowned, never silently dropped
    for role in Owner:
        assert FALLBACKS[role][0] is role


statuses = st.sampled_from([A, D, C, S, P])


@example(pattern=[A] * 10, contracted=12, days_on=0, complete=False)  # attended ahead of time
@settings(max_examples=200, deadline=None)
@given(
    st.lists(statuses, min_size=1, max_size=20),
    st.integers(12, 16),
    st.integers(0, 200),
    st.booleans(),
)
def test_rules_are_deterministic_keys_unique_and_nothing_is_due_before_it_began(
    pattern: list[Attendance], contracted: int, days_on: int, complete: bool
) -> None:
    facts = course(weekly(pattern, complete=complete), contracted=contracted)
    now = at(FIRST_MONDAY + timedelta(days=days_on), 12)
    first = course_needs(facts, now, RULES, WEEK)
    assert first == course_needs(facts, now, RULES, WEEK)
    keys = [(n.key, n.owner) for n in first]
    assert len(keys) == len(set(keys))
    for need in first:
        assert need.since <= now
        assert need.client_id == 3
        assert need.title and need.title[0].isupper()


def test_settings_round_trip_and_refuse_nonsense() -> None:
    custom = SafetyNetSettings(waiting_weeks_for_first_session=4, reliable_rise={"phq9": 5})
    assert SafetyNetSettings.from_json(custom.to_json()) == custom
    assert SafetyNetSettings.from_json({"unknown": 1}) == SafetyNetSettings()
    with pytest.raises(ValueError):
        SafetyNetSettings(record_signed_within_days=0)
    with pytest.raises(ValueError):
        SafetyNetSettings(reliable_rise={"phq9": 40})
    with pytest.raises(ValueError):
        SafetyNetSettings(missed_in_a_row_for_supervisor=4, missed_in_course_for_supervisor=3)
