"""The supervision rules: when a recording may be heard, what is still to discuss, off track."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.safety_net import NeedKind
from iptclinic.ipt.supervision import (
    OFF_TRACK_KINDS,
    ConsentPeriod,
    consent_stood_on,
    covering_period,
    off_track,
    recording_may_be_reviewed,
    sessions_since_discussed,
)

D = date(2026, 3, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


@pytest.mark.parametrize(
    ("periods", "session", "today", "expected", "why"),
    [
        ([], day(5), day(10), False, "no consent ever"),
        ([ConsentPeriod(day(0))], day(5), day(10), True, "consent stands throughout"),
        ([ConsentPeriod(day(5))], day(5), day(5), True, "given on the day of the session"),
        ([ConsentPeriod(day(6))], day(5), day(10), False, "given after the session"),
        ([ConsentPeriod(day(0), day(8))], day(5), day(10), False, "withdrawn before the review"),
        ([ConsentPeriod(day(0), day(10))], day(5), day(10), False, "withdrawn on the review day"),
        ([ConsentPeriod(day(0), day(11))], day(5), day(10), True, "withdrawn after the review"),
        ([ConsentPeriod(day(0), day(5))], day(5), day(10), False, "withdrawn on the session day"),
        (
            [ConsentPeriod(day(0), day(6)), ConsentPeriod(day(8))],
            day(5),
            day(10),
            False,
            "given again after a withdrawal does not cover the earlier session",
        ),
        (
            [ConsentPeriod(day(0), day(6)), ConsentPeriod(day(8))],
            day(9),
            day(10),
            True,
            "given again covers the sessions after it",
        ),
        ([(day(0), None)], day(5), day(10), True, "plain pairs of dates work too"),
        ([ConsentPeriod(day(0))], day(11), day(10), False, "a session not yet held"),
    ],
)
def test_a_recording_may_be_heard_only_under_consent_that_covers_both_days(
    periods: list[tuple[date, date | None]], session: date, today: date, expected: bool, why: str
) -> None:
    assert recording_may_be_reviewed(periods, session, today) is expected, why


def test_consent_stands_from_the_day_given_until_the_day_withdrawn() -> None:
    periods = [ConsentPeriod(day(2), day(4))]
    assert [consent_stood_on(periods, day(n)) for n in range(6)] == [
        False,
        False,
        True,
        True,
        False,
        False,
    ]


periods_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 30))).map(
        lambda p: ConsentPeriod(day(p[0]), None if p[1] is None else day(p[0] + p[1]))
    ),
    max_size=4,
)


@given(periods_strategy, st.integers(0, 90), st.integers(0, 90))
def test_a_recording_heard_had_consent_on_both_days_and_no_withdrawal_between(
    periods: list[ConsentPeriod], session_n: int, today_n: int
) -> None:
    session, today = day(session_n), day(today_n)
    if recording_may_be_reviewed(periods, session, today):
        assert consent_stood_on(periods, session)
        assert consent_stood_on(periods, today)
        period = covering_period(periods, session, today)
        assert period is not None
        assert period[1] is None or period[1] > today
    if not consent_stood_on(periods, today):
        assert not recording_may_be_reviewed(periods, session, today)


@given(periods_strategy, st.integers(0, 90), st.integers(0, 90), st.integers(0, 90))
def test_withdrawing_consent_stops_every_later_review(
    periods: list[ConsentPeriod], session_n: int, withdraw_n: int, today_n: int
) -> None:
    withdrawn = [ConsentPeriod(p.given_on, p.withdrawn_on or day(withdraw_n)) for p in periods]
    if today_n >= withdraw_n:
        assert not any(
            recording_may_be_reviewed([p], day(session_n), day(today_n))
            for p in withdrawn
            if p.withdrawn_on == day(withdraw_n)
        )


@pytest.mark.parametrize(
    ("attended", "last", "expected"),
    [
        ([], None, 0),
        ([day(1), day(8)], None, 2),
        ([day(1), day(8), day(15)], day(8), 1),
        ([day(1), day(8)], day(8), 0),
        ([day(1), day(8)], day(20), 0),
    ],
)
def test_sessions_since_the_client_was_last_discussed(
    attended: list[date], last: date | None, expected: int
) -> None:
    assert sessions_since_discussed(attended, last) == expected


@given(st.lists(st.integers(0, 60)), st.one_of(st.none(), st.integers(0, 60)))
def test_sessions_since_discussed_never_exceeds_the_sessions_attended(
    days: list[int], last_n: int | None
) -> None:
    attended = [day(n) for n in days]
    since = sessions_since_discussed(attended, None if last_n is None else day(last_n))
    assert 0 <= since <= len(attended)


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ([], ()),
        (["record_not_written", "questionnaire_missing"], ()),
        (["missed_session", "deterioration"], (NeedKind.DETERIORATION, NeedKind.MISSED_SESSION)),
        (["risk_alert", "risk_alert"], (NeedKind.RISK_ALERT,)),
        (["no_improvement", "not_a_kind"], (NeedKind.NO_IMPROVEMENT,)),
        (["repeated_non_attendance"], (NeedKind.REPEATED_NON_ATTENDANCE,)),
    ],
)
def test_what_counts_as_off_track(kinds: list[str], expected: tuple[NeedKind, ...]) -> None:
    assert off_track(kinds) == expected


@given(st.lists(st.sampled_from([k.value for k in NeedKind])))
def test_off_track_lists_each_kind_once_in_order_of_pressure(kinds: list[str]) -> None:
    found = off_track(kinds)
    assert len(set(found)) == len(found)
    assert list(found) == [k for k in OFF_TRACK_KINDS if k in found]
    assert set(found) == set(OFF_TRACK_KINDS) & {NeedKind(k) for k in kinds}
