"""IPT for adolescents (issue 14): the variant row, parent or carer sessions outside the contract,
the ages it is meant for, and the weekly mood measure and risk check (H-138 to H-142)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.attendance import (
    Attendance,
    Attendee,
    counts_toward_contract,
    needs_carer,
    session_numbers,
)
from iptclinic.ipt.measure_schedule import DEFAULT_SCHEDULE, Frequency
from iptclinic.ipt.phases import Phase, phase_for_session, phase_plan
from iptclinic.ipt.safety_net import CourseFacts, NeedKind, Session
from iptclinic.ipt.tests.test_safety_net import (
    FIRST_MONDAY,
    A,
    P,
    at,
    needs_at,
    of_kind,
    weekly,
)
from iptclinic.ipt.variants import (
    VARIANTS,
    Variant,
    age_in_years,
    age_outside_range,
    variant_config,
)

# --- The variant row -----------------------------------------------------------------------------


def test_ipt_a_is_twelve_weekly_sessions_of_45_minutes_with_three_parent_sessions() -> None:
    config = variant_config("ipt_a")
    assert (config.min_sessions, config.default_sessions, config.max_sessions) == (12, 12, 16)
    assert config.session_minutes == 45
    assert config.carer_sessions_expected == 3
    assert config.weekly_risk_check_required is True
    assert config.weekly_measures == ("phq9",)
    assert config.age_range == (12, 18)


@pytest.mark.parametrize(
    ("contracted", "initial", "middle", "ending"),
    [
        (12, range(1, 5), range(5, 9), range(9, 13)),
        (14, range(1, 5), range(5, 11), range(11, 15)),
        (16, range(1, 5), range(5, 13), range(13, 17)),
    ],
)
def test_ipt_a_phases_are_the_first_four_and_the_last_four(
    contracted: int, initial: range, middle: range, ending: range
) -> None:
    plan = phase_plan(contracted, Variant.IPT_A)
    assert (plan.initial, plan.middle, plan.ending) == (initial, middle, ending)
    assert phase_for_session(5, contracted, Variant.IPT_A) is Phase.MIDDLE
    assert phase_for_session(5, contracted, Variant.IPT_A, focus_agreed=False) is Phase.INITIAL


def test_the_other_variants_ask_for_nothing_new() -> None:
    for variant, config in VARIANTS.items():
        if variant is Variant.IPT_A:
            continue
        assert config.carer_sessions_expected == 0
        assert config.weekly_risk_check_required is False
        assert config.weekly_measures == ()
        assert config.age_range is None


# --- Who attends, and what counts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attendee", "counts", "carer"),
    [
        (Attendee.CLIENT, True, False),
        (Attendee.CLIENT_AND_CARER, True, True),
        (Attendee.CARER, False, True),
        ("carer", False, True),
    ],
)
def test_only_sessions_with_the_young_person_count_toward_the_contract(
    attendee: Attendee | str, counts: bool, carer: bool
) -> None:
    assert counts_toward_contract(attendee) is counts
    assert needs_carer(attendee) is carer


def test_an_unknown_attendee_is_refused() -> None:
    with pytest.raises(ValueError):
        counts_toward_contract("neighbour")


def test_a_carer_session_has_no_number_and_the_next_session_follows_on() -> None:
    statuses = [Attendance.ATTENDED] * 4
    attendees = [Attendee.CLIENT, Attendee.CARER, Attendee.CLIENT_AND_CARER, Attendee.CLIENT]
    assert session_numbers(statuses, attendees) == [1, None, 2, 3]
    assert session_numbers(statuses) == [1, 2, 3, 4]


def test_attendees_must_match_the_appointments() -> None:
    with pytest.raises(ValueError, match="one attendee"):
        session_numbers([Attendance.ATTENDED], [])


@given(
    st.lists(
        st.tuples(st.sampled_from(list(Attendance)), st.sampled_from(list(Attendee))),
        max_size=30,
    )
)
def test_the_sessions_numbered_are_exactly_those_attended_with_the_young_person(
    appointments: list[tuple[Attendance, Attendee]],
) -> None:
    statuses = [status for status, _ in appointments]
    attendees = [attendee for _, attendee in appointments]
    numbers = session_numbers(statuses, attendees)
    held = [
        status is Attendance.ATTENDED and attendee is not Attendee.CARER
        for status, attendee in appointments
    ]
    assert [n is not None for n in numbers] == held
    assert [n for n in numbers if n] == list(range(1, sum(held) + 1))


# --- Ages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age", "outside"),
    [
        (date(2012, 3, 1), date(2026, 2, 28), 13, None),
        (date(2014, 3, 1), date(2026, 2, 28), 11, 11),
        (date(2014, 3, 1), date(2026, 3, 1), 12, None),
        (date(2008, 3, 1), date(2026, 2, 28), 17, None),
        (date(2007, 3, 1), date(2026, 3, 1), 19, 19),
    ],
)
def test_ipt_a_warns_outside_ages_12_to_18(
    born: date, on: date, age: int, outside: int | None
) -> None:
    assert age_in_years(born, on) == age
    assert age_outside_range(Variant.IPT_A, born, on) == outside
    assert age_outside_range(Variant.LEAFLET, born, on) is None


# --- The weekly mood measure and risk check ------------------------------------------------------


def ipt_a(sessions: tuple[Session, ...], variant: Variant = Variant.IPT_A) -> CourseFacts:
    return CourseFacts(
        course_id=7,
        client_id=3,
        contracted=12,
        variant=variant,
        ending_raised=False,
        sessions=sessions,
        schedule={code: Frequency.NOT_ROUTINE for code in DEFAULT_SCHEDULE},
    )


def attended_with(**changes: object) -> Session:
    session = weekly([A])[0]
    return replace(session, **changes)  # type: ignore[arg-type]


LATER = (*weekly([P], start=FIRST_MONDAY + timedelta(weeks=1)),)
EVENING = at(FIRST_MONDAY, 18)


def test_a_week_without_a_mood_measure_or_a_completed_risk_check_reaches_the_therapist() -> None:
    session = attended_with(questionnaires=frozenset(), risk_asked=True, risk_check_complete=False)
    found = needs_at(ipt_a((session, *LATER)), EVENING)
    assert [n.title for n in of_kind(found, NeedKind.QUESTIONNAIRE_MISSING)] == [
        "Record the PHQ-9 of session 1 (Mon 7 Sep)"
    ]
    risk = of_kind(found, NeedKind.RISK_NOT_ASKED)
    assert [n.title for n in risk] == [
        "Complete the risk check of session 1 (Mon 7 Sep): it is needed every week in this course"
    ]
    assert risk[0].owner.value == "therapist"
    assert risk[0].due == at(FIRST_MONDAY + timedelta(days=1), 17)


def test_nothing_is_asked_before_the_sessions_working_day_is_over() -> None:
    session = attended_with(questionnaires=frozenset(), risk_check_complete=False)
    found = needs_at(ipt_a((session, *LATER)), at(FIRST_MONDAY, 16, 59))
    assert of_kind(found, NeedKind.RISK_NOT_ASKED) == []
    assert of_kind(found, NeedKind.QUESTIONNAIRE_MISSING) == []


def test_a_week_with_both_needs_nothing() -> None:
    session = attended_with(questionnaires=frozenset({"phq9"}), risk_check_complete=True)
    found = needs_at(ipt_a((session, *LATER)), EVENING)
    assert of_kind(found, NeedKind.RISK_NOT_ASKED) == []
    assert of_kind(found, NeedKind.QUESTIONNAIRE_MISSING) == []


def test_a_parent_session_alone_needs_neither() -> None:
    session = attended_with(
        attendee=Attendee.CARER, questionnaires=frozenset(), risk_check_complete=False
    )
    found = needs_at(ipt_a((session, *LATER)), EVENING)
    assert of_kind(found, NeedKind.RISK_NOT_ASKED) == []
    assert of_kind(found, NeedKind.QUESTIONNAIRE_MISSING) == []
    assert of_kind(found, NeedKind.RECORD_NOT_WRITTEN) == []


def test_a_session_with_the_parent_and_the_young_person_needs_both() -> None:
    session = attended_with(
        attendee=Attendee.CLIENT_AND_CARER, questionnaires=frozenset(), risk_check_complete=False
    )
    found = needs_at(ipt_a((session, *LATER)), EVENING)
    assert len(of_kind(found, NeedKind.RISK_NOT_ASKED)) == 1
    assert len(of_kind(found, NeedKind.QUESTIONNAIRE_MISSING)) == 1


def test_other_variants_still_ask_only_the_risk_question() -> None:
    session = attended_with(questionnaires=frozenset(), risk_asked=True, risk_check_complete=False)
    found = needs_at(ipt_a((session, *LATER), Variant.LEAFLET), EVENING)
    assert of_kind(found, NeedKind.RISK_NOT_ASKED) == []
    assert of_kind(found, NeedKind.QUESTIONNAIRE_MISSING) == []


def test_a_carer_session_does_not_use_up_the_contract_for_the_booking_rule() -> None:
    carer_only = tuple(
        replace(s, attendee=Attendee.CARER) for s in weekly([A] * 12, start=FIRST_MONDAY)
    )
    found = needs_at(ipt_a(carer_only), at(FIRST_MONDAY + timedelta(weeks=13), 9))
    booking = of_kind(found, NeedKind.NO_PLANNED_APPOINTMENT)
    assert [n.title for n in booking] == [
        "No appointment booked and 12 contracted sessions to go: book one, or end the course"
    ]
