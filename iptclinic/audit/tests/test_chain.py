"""Each event is chained to the one before it by a keyed hash; ``verify_audit`` finds a break
made by someone with the database in their hands (H-061)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from iptclinic.accounts.models import User
from iptclinic.audit import chain as hash_chain
from iptclinic.audit import services
from iptclinic.audit.models import AuditChainHead, AuditEvent, AuditLogIsAppendOnly
from iptclinic.clients.models import Client

TRIGGERS = import_module("iptclinic.audit.migrations.0003_refuse_update_and_delete")


@contextmanager
def triggers_out_of_the_way() -> Iterator[None]:
    """As a database superuser outside the application would: PostgreSQL's ALTER TABLE ...
    DISABLE TRIGGER, SQLite's DROP TRIGGER; then put them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            for sql in TRIGGERS.SQLITE_DROP:
                cursor.execute(sql)
        yield
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            for sql in TRIGGERS.SQLITE_CREATE:
                cursor.execute(sql)


def tamper(sql: str, params: list[object]) -> None:
    with triggers_out_of_the_way(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as refused:
        verify()
    assert refused.value.returncode == 1
    return str(refused.value)


@pytest.fixture
def events(tess: User, otto: User, cara: Client, hana: User) -> list[AuditEvent]:
    written = [
        services.record(actor=tess, action="client.view", client=cara),
        services.record(actor=otto, action="caseload.view", detail={"client_ids": [1, 2]}),
        services.record(actor=hana, action="caseload.view", detail={"client_ids": []}),
        services.record(actor=None, action="signin.failed"),
        services.record(actor=tess, action="client.view", client=cara, detail={"n": 1.0}),
    ]
    return written


def test_each_team_has_its_own_chain_and_events_with_no_team_join_the_service_chain(
    events: list[AuditEvent], tess: User, hana: User
) -> None:
    first = events[0].sequence  # the fixtures' own events (a client made) come first
    chains = [(e.chain, e.sequence) for e in events]

    assert chains == [
        (f"team:{tess.team_id}", first),
        (f"team:{tess.team_id}", first + 1),
        (f"team:{hana.team_id}", 1),
        ("service", 1),
        (f"team:{tess.team_id}", first + 2),
    ]
    assert events[2].previous_hash == events[3].previous_hash == hash_chain.GENESIS
    assert events[1].previous_hash == events[0].hash
    assert events[4].previous_hash == events[1].hash
    head = AuditChainHead.objects.get(chain=f"team:{tess.team_id}")
    assert (head.last_sequence, head.last_hash) == (first + 2, events[4].hash)


def test_an_untouched_log_is_intact_and_each_chains_head_is_printed(
    events: list[AuditEvent],
) -> None:
    out = verify()

    assert f"Audit intact: {AuditEvent.objects.count()} events in 3 chains" in out
    for event in (events[2], events[3], events[4]):
        assert f"{event.chain}\t{event.hash}" in out


def test_what_the_database_hands_back_hashes_as_it_was_written(tess: User) -> None:
    """jsonb reorders keys and keeps 2.0 as 2.0; SQLite keeps the text: both verify."""
    services.record(
        actor=tess,
        action="client.view",
        detail={"z": 2.0, "a": [0.1, 3, {"é": "ü", "b": None, "a": True}], "m": 10**15},
    )

    assert f"Audit intact: {AuditEvent.objects.count()} events in 1 chains" in verify()


def test_a_changed_row_is_found_with_its_chain_sequence_and_id(events: list[AuditEvent]) -> None:
    target = events[1]
    tamper("UPDATE audit_auditevent SET action = 'nothing.to.see' WHERE id = %s", [target.pk])

    message = broken()

    assert f"chain {target.chain} at sequence {target.sequence} (event {target.pk})" in message
    assert "the row was changed" in message


def test_a_row_whose_hash_was_rewritten_without_the_key_is_found(
    events: list[AuditEvent],
) -> None:
    """Someone who edits a row and writes a new hash for it cannot make it agree without the key."""
    target = events[0]
    tamper(
        "UPDATE audit_auditevent SET object_id = '1', hash = %s WHERE id = %s",
        ["f" * 64, target.pk],
    )

    message = broken()

    assert f"sequence {target.sequence} (event {target.pk})" in message


def test_a_row_moved_to_another_place_in_its_chain_breaks_the_link(
    events: list[AuditEvent],
) -> None:
    """Rows swapped between chains or places keep their own hash but not their link."""
    target = events[4]
    tamper(
        "UPDATE audit_auditevent SET previous_hash = %s WHERE id = %s",
        [events[0].hash, target.pk],
    )

    message = broken()

    assert f"sequence {target.sequence} (event {target.pk})" in message


def test_a_deleted_row_is_found_as_missing(events: list[AuditEvent]) -> None:
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    message = broken()

    assert f"chain {events[1].chain} at sequence {events[1].sequence} (event {events[4].pk})" in (
        message
    )
    assert "missing" in message


def test_deleting_the_last_rows_leaves_a_head_that_does_not_match(
    events: list[AuditEvent],
) -> None:
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[4].pk])

    message = broken()

    assert f"chain {events[4].chain}" in message
    last = events[4].sequence
    assert f"head says {last} event(s) but the last row is {last - 1}" in message


def test_events_are_written_one_at_a_time(tess: User) -> None:
    with pytest.raises(AuditLogIsAppendOnly, match="one at a time"):
        AuditEvent.objects.bulk_create([AuditEvent(actor=tess, action="x")])


def test_verify_audit_reads_in_chunks_of_the_size_asked(events: list[AuditEvent]) -> None:
    out = StringIO()
    call_command("verify_audit", "--chunk-size", "1", stdout=out)
    assert f"Audit intact: {AuditEvent.objects.count()} events in 3 chains" in out.getvalue()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("verify_audit", "--chunk-size", "0")


@pytest.mark.django_db(transaction=True)
def test_requests_writing_at_the_same_time_never_take_the_same_place(tess: User) -> None:
    """Several threads (each its own database connection, as several app nodes would be) write
    to one team's chain at once: the head's lock gives each event its own sequence number."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def write(n: int) -> None:
        try:
            for _ in range(10):
                services.record(actor=tess, action="client.view", detail={"thread": n})
        finally:
            connections.close_all()

    before = AuditEvent.objects.filter(chain=f"team:{tess.team_id}").count()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))

    sequences = list(
        AuditEvent.objects.filter(chain=f"team:{tess.team_id}")
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, before + 41))
    assert "Audit intact" in verify()
