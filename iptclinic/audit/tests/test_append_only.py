"""The audit log is append-only: no code path changes or deletes an event (style.md §6)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from iptclinic.accounts.models import User
from iptclinic.audit import services
from iptclinic.audit.models import AuditEvent, AuditLogIsAppendOnly
from iptclinic.clients.models import Client


@pytest.fixture
def event(tess: User, cara: Client) -> AuditEvent:
    return services.record(actor=tess, action="client.view", client=cara, detail={"page": "test"})


def test_recording_an_event_keeps_who_what_which_client_and_when(
    event: AuditEvent, tess: User, cara: Client
) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)

    assert (stored.actor, stored.team, stored.action, stored.client) == (
        tess,
        tess.team,
        "client.view",
        cara,
    )
    assert stored.detail == {"page": "test"}
    assert stored.occurred_at is not None


def test_an_event_names_the_object_it_is_about(tess: User, cara: Client) -> None:
    event = services.record(actor=tess, action="client.update", client=cara, obj=cara)

    assert (event.object_type, event.object_id) == ("clients.client", str(cara.pk))


def test_a_list_view_names_every_client_shown_once(tess: User, cara: Client) -> None:
    event = services.record_list_view(actor=tess, action="caseload.view", clients=[cara, cara])

    assert event.detail == {"client_ids": [cara.pk]}
    assert event.client is None


def test_an_event_cannot_be_changed_and_saved_again(event: AuditEvent) -> None:
    event.action = "client.nothing_to_see"

    with pytest.raises(AuditLogIsAppendOnly, match="cannot be changed"):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "client.view"


def test_an_event_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(AuditLogIsAppendOnly, match="cannot be deleted"):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event: AuditEvent) -> None:
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="client.nothing_to_see")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.update(detail={})
    # bulk_update opens its own atomic block; the savepoint keeps the test's transaction usable.
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.get(pk=event.pk).action == "client.view"


def test_events_cannot_be_deleted_in_bulk(event: AuditEvent) -> None:
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() >= 1


def test_a_client_with_audit_events_cannot_be_deleted_from_under_them(
    event: AuditEvent, cara: Client
) -> None:
    with pytest.raises(ProtectedError):
        cara.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()
