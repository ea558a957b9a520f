"""The unusual-access rules: tables for each rule, properties for their invariants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.unusual_access import (
    ITEM_RULES,
    RELATION_LABELS,
    RULE_LABELS,
    Access,
    Allocation,
    Person,
    Relation,
    Rule,
    UnusualAccessSettings,
    daily_items,
    flags,
    many_clients,
    parse_item_key,
    relation_at,
    therapist_at,
)

LONDON = ZoneInfo("Europe/London")
RULES = UnusualAccessSettings()
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
TESS, SAM, LEE, OTTO, CARA_USER = Person(1), Person(2), Person(3, is_lead=True), Person(4), 9
SUPERVISORS = {TESS.id: SAM.id, OTTO.id: None}


def access(
    n: int,
    at: datetime = NOON,
    actor: Person | None = OTTO,
    client: int | None = 100,
    action: str = "client.view",
    relation: Relation = Relation.THERAPIST,
) -> Access:
    return Access(n, at, actor, action, client, relation)


# --- who was the therapist, and how did someone stand to the client ---------------------------


def test_with_no_history_the_current_therapist_holds_the_client() -> None:
    assert therapist_at(NOON, [], current=TESS.id) == TESS.id


def test_before_the_first_move_the_client_was_with_the_previous_therapist() -> None:
    moved = [Allocation(NOON, therapist=OTTO.id, previous=TESS.id)]
    assert therapist_at(NOON - timedelta(seconds=1), moved, current=OTTO.id) == TESS.id
    assert therapist_at(NOON, moved, current=OTTO.id) == OTTO.id


def test_a_history_of_moves_is_followed_whatever_its_order() -> None:
    history = [
        Allocation(NOON + timedelta(days=2), therapist=None, previous=OTTO.id),
        Allocation(NOON, therapist=OTTO.id, previous=TESS.id),
    ]
    assert therapist_at(NOON + timedelta(days=1), history, current=None) == OTTO.id
    assert therapist_at(NOON + timedelta(days=3), history, current=None) is None


@pytest.mark.parametrize(
    ("person", "therapist", "expected"),
    [
        (TESS, TESS.id, Relation.THERAPIST),
        (SAM, TESS.id, Relation.SUPERVISOR),
        (LEE, TESS.id, Relation.LEAD),
        (OTTO, TESS.id, Relation.OUTSIDE),
        (SAM, None, Relation.OUTSIDE),
        (Person(CARA_USER, is_staff=False), TESS.id, Relation.SELF),
        (Person(77, is_staff=False), TESS.id, Relation.UNKNOWN),
        (None, TESS.id, Relation.UNKNOWN),
        (Person(3, is_lead=True), 3, Relation.THERAPIST),  # a lead who also holds the caseload
    ],
)
def test_relation_at_the_time(
    person: Person | None, therapist: int | None, expected: Relation
) -> None:
    assert relation_at(person, CARA_USER, therapist, SUPERVISORS) is expected


def test_every_relation_and_rule_has_words() -> None:
    assert set(RELATION_LABELS) == set(Relation)
    assert set(RULE_LABELS) == set(Rule)
    assert all(RULE_LABELS.values())


# --- each rule --------------------------------------------------------------------------------


def rules_of(accesses: list[Access], rules: UnusualAccessSettings = RULES) -> set[tuple[int, Rule]]:
    return {(f.event_id, f.rule) for f in flags(accesses, rules)}


def test_opening_a_client_outside_the_caseload_is_flagged() -> None:
    assert rules_of([access(1, relation=Relation.OUTSIDE)]) == {(1, Rule.OUTSIDE_CASELOAD)}


def test_a_leads_read_is_flagged_for_review_under_its_own_label() -> None:
    assert rules_of([access(1, actor=LEE, relation=Relation.LEAD)]) == {
        (1, Rule.LEAD_OUTSIDE_CASELOAD)
    }
    assert Rule.LEAD_OUTSIDE_CASELOAD not in ITEM_RULES


@pytest.mark.parametrize("relation", [Relation.THERAPIST, Relation.SUPERVISOR, Relation.SELF])
def test_care_and_the_clients_own_look_are_not_flagged(relation: Relation) -> None:
    assert rules_of([access(1, relation=relation)]) == set()


def test_a_refused_access_is_flagged_even_without_a_client() -> None:
    refused = access(1, client=None, action="access.refused", relation=Relation.UNKNOWN)
    assert rules_of([refused]) == {(1, Rule.REFUSED)}


def test_an_event_with_no_person_is_never_flagged() -> None:
    assert rules_of([access(1, actor=None, action="access.refused")]) == set()


def test_list_pages_and_security_events_are_not_record_openings() -> None:
    assert rules_of([access(1, client=None, relation=Relation.UNKNOWN)]) == set()
    assert rules_of([access(2, action="signin.failed", client=None)]) == set()


@pytest.mark.parametrize(
    ("clock", "night"),
    [
        (time(21, 59), False),
        (time(22, 0), True),
        (time(2, 30), True),
        (time(5, 59), True),
        (time(6, 0), False),
        (time(12, 0), False),
    ],
)
def test_a_record_opened_at_night_is_flagged(clock: time, night: bool) -> None:
    at = datetime.combine(date(2026, 7, 1), clock, tzinfo=LONDON)
    assert ((1, Rule.NIGHT) in rules_of([access(1, at=at)])) is night


def test_night_is_read_in_the_services_zone_not_utc() -> None:
    # 21:30 UTC in summer is 22:30 in London.
    at = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)
    assert (1, Rule.NIGHT) in rules_of([access(1, at=at)])


def test_a_night_window_that_does_not_wrap_midnight() -> None:
    rules = UnusualAccessSettings(night_starts=time(1, 0), night_ends=time(5, 0))
    at = datetime(2026, 7, 1, 0, 30, tzinfo=LONDON)
    assert rules_of([access(1, at=at)], rules) == set()


def test_the_fifteenth_client_in_an_hour_is_flagged_not_the_fourteenth() -> None:
    events = [access(n, at=NOON + timedelta(minutes=n), client=100 + n) for n in range(15)]
    flagged = {event for event, rule in rules_of(events) if rule is Rule.MANY_CLIENTS}
    assert flagged == {14}


def test_the_same_client_again_and_again_is_not_many_clients() -> None:
    events = [access(n, at=NOON + timedelta(minutes=n)) for n in range(40)]
    assert many_clients(events, RULES) == set()


def test_clients_more_than_an_hour_apart_do_not_add_up() -> None:
    events = [access(n, at=NOON + timedelta(minutes=5 * n), client=100 + n) for n in range(15)]
    assert many_clients(events, UnusualAccessSettings(many_clients=15)) == set()
    assert many_clients(events, UnusualAccessSettings(many_clients=12)) == {11, 12, 13, 14}


def test_settings_refuse_thresholds_that_make_no_sense() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        UnusualAccessSettings(many_clients=1)
    with pytest.raises(ValueError, match="longer"):
        UnusualAccessSettings(window=timedelta(0))


# --- daily items --------------------------------------------------------------------------------


def test_one_item_per_person_rule_and_day_counting_the_events() -> None:
    events = [
        access(1, relation=Relation.OUTSIDE),
        access(2, at=NOON + timedelta(hours=1), relation=Relation.OUTSIDE),
        access(3, at=NOON + timedelta(days=1), relation=Relation.OUTSIDE),
        access(4, actor=LEE, relation=Relation.LEAD),
    ]
    items = daily_items(flags(events, RULES), RULES)
    assert [(i.actor_id, i.rule, i.day, i.events) for i in items] == [
        (OTTO.id, Rule.OUTSIDE_CASELOAD, date(2026, 3, 10), 2),
        (OTTO.id, Rule.OUTSIDE_CASELOAD, date(2026, 3, 11), 1),
    ]


def test_an_items_day_is_the_day_in_london() -> None:
    late = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 July in London
    (night,) = [i for i in daily_items(flags([access(1, at=late)], RULES), RULES)]
    assert night.day == date(2026, 7, 2)


def test_item_keys_read_back() -> None:
    items = daily_items(flags([access(1, relation=Relation.OUTSIDE)], RULES), RULES)
    assert parse_item_key(items[0].key) == (OTTO.id, Rule.OUTSIDE_CASELOAD, date(2026, 3, 10))
    assert parse_item_key("safety_net_failing:1:2026-01-01") is None
    assert parse_item_key("unusual_access:x:night:2026-01-01") is None
    assert parse_item_key("unusual_access:1:bogus:2026-01-01") is None


# --- properties ---------------------------------------------------------------------------------

people = st.sampled_from([TESS, SAM, LEE, OTTO, Person(CARA_USER, is_staff=False), None])
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(LONDON)
)
accesses = st.lists(
    st.builds(
        Access,
        event_id=st.integers(0, 10_000),
        at=moments,
        actor=people,
        action=st.sampled_from(["client.view", "client.update", "access.refused", "caseload.view"]),
        client_id=st.one_of(st.none(), st.integers(1, 30)),
        relation=st.sampled_from(list(Relation)),
    ),
    max_size=60,
    unique_by=lambda a: a.event_id,
)
thresholds = st.builds(
    UnusualAccessSettings,
    many_clients=st.integers(2, 20),
    window=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(hours=3)),
)


@settings(deadline=None, max_examples=200)
@given(accesses, thresholds)
def test_every_flag_names_a_real_event_and_its_person(
    events: list[Access], rules: UnusualAccessSettings
) -> None:
    by_id = {a.event_id: a for a in events}
    for f in flags(events, rules):
        event = by_id[f.event_id]
        assert event.actor is not None and event.actor.id == f.actor_id
        assert f.at == event.at


@settings(deadline=None, max_examples=200)
@given(accesses, thresholds)
def test_care_is_never_flagged_as_outside_a_caseload(
    events: list[Access], rules: UnusualAccessSettings
) -> None:
    by_id = {a.event_id: a for a in events}
    for f in flags(events, rules):
        if f.rule in (Rule.OUTSIDE_CASELOAD, Rule.LEAD_OUTSIDE_CASELOAD):
            assert by_id[f.event_id].relation in (Relation.OUTSIDE, Relation.LEAD)


@settings(deadline=None, max_examples=200)
@given(accesses, thresholds)
def test_many_clients_matches_counting_by_hand(
    events: list[Access], rules: UnusualAccessSettings
) -> None:
    expected = set()
    for a in events:
        if not a.opens_a_record or a.actor is None:
            continue
        assert a.actor is not None
        seen = {
            b.client_id
            for b in events
            if b.opens_a_record
            and b.actor is not None
            and b.actor.id == a.actor.id
            and a.at - rules.window < b.at <= a.at
            and (b.at, b.event_id) <= (a.at, a.event_id)
        }
        if len(seen) >= rules.many_clients:
            expected.add(a.event_id)
    assert many_clients(events, rules) == expected


@settings(deadline=None, max_examples=200)
@given(accesses, thresholds)
def test_items_are_unique_cover_every_item_flag_and_never_a_leads_review(
    events: list[Access], rules: UnusualAccessSettings
) -> None:
    found = flags(events, rules)
    items = daily_items(found, rules)
    assert len({i.key for i in items}) == len(items)
    assert sum(i.events for i in items) == sum(1 for f in found if f.rule in ITEM_RULES)
    assert all(i.rule is not Rule.LEAD_OUTSIDE_CASELOAD for i in items)
    # Running twice over the same events asks for the same items (the job is idempotent).
    assert daily_items(flags(list(reversed(events)), rules), rules) == items


@settings(deadline=None, max_examples=200)
@given(
    st.lists(
        st.builds(
            Allocation,
            at=moments,
            therapist=st.one_of(st.none(), st.integers(1, 5)),
            previous=st.one_of(st.none(), st.integers(1, 5)),
        ),
        max_size=8,
    ),
    moments,
    st.one_of(st.none(), st.integers(1, 5)),
)
def test_the_therapist_at_a_time_is_the_latest_move_before_it(
    history: list[Allocation], at: datetime, current: int | None
) -> None:
    before = [a for a in history if a.at <= at]
    holder = therapist_at(at, history, current)
    if not history:
        assert holder == current
    elif before:
        latest = max(before, key=lambda a: a.at)
        assert holder in {a.therapist for a in before if a.at == latest.at}
    else:
        assert holder in {a.previous for a in history if a.at == min(h.at for h in history)}
