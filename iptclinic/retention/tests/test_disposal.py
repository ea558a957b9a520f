"""Retention report, disposal decisions and the erasure that keeps a tombstone (H-077..H-079)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client, Referral
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.retention import services
from iptclinic.retention.models import Decision, DisposalDecision
from iptclinic.retention.selectors import awaiting_review, coming_due, record_dates
from iptclinic.retention.tasks import check_team
from iptclinic.test import make_client
from tests.clinical_objects import clinical_objects

LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
LATER = datetime(2047, 3, 2, 10, 0, tzinfo=LONDON)


def close_care(client: Client, on: date) -> None:
    Referral.objects.filter(client=client).update(closed_on=on)


@pytest.fixture
def old_record(lee, tess):
    """Ann, last seen in 2003: 20 years passed in 2023."""
    ann = make_client(lee, None, "Ann", "Old", date_of_birth=date(1960, 1, 1))
    Referral.objects.filter(client=ann).update(
        received_on=date(2002, 5, 1), closed_on=date(2003, 6, 1)
    )
    return ann


@pytest.mark.time_machine(TODAY)
def test_the_report_lists_records_past_their_date_with_the_last_contact(
    client, lee, cara, old_record
):
    client.force_login(lee)
    page = client.get(reverse("retention:report")).content.decode()
    assert "Ann Old" in page and "Cara" not in page
    assert "1 Jun 2003" in page and "1 Jun 2023" in page
    event = AuditEvent.objects.filter(action="retention.report").get()
    assert event.detail["client_ids"] == [old_record.pk]


@pytest.mark.time_machine(TODAY)
def test_the_report_shows_what_falls_due_within_a_year(client, lee, tess):
    soon = make_client(lee, None, "Sue", "Soon", date_of_birth=date(1970, 1, 1))
    Referral.objects.filter(client=soon).update(
        received_on=date(2006, 1, 1), closed_on=date(2007, 3, 1)
    )
    clients = Client.objects.all()
    assert list(coming_due(clients, timezone.localdate())) == [soon]
    assert list(awaiting_review(clients, timezone.localdate())) == []
    client.force_login(lee)
    assert "1 Mar 2027" in client.get(reverse("retention:report") + "?show=coming").content.decode()


@pytest.mark.time_machine(TODAY)
def test_an_open_referral_is_never_due_and_a_child_waits_for_the_25th_birthday(lee, tess):
    open_one = make_client(lee, None, "Oona", "Open", date_of_birth=date(1950, 1, 1))
    Referral.objects.filter(client=open_one).update(received_on=date(1990, 1, 1))
    child = make_client(lee, None, "Kit", "Young", date_of_birth=date(2003, 6, 1))
    close_care(child, date(2005, 1, 1))
    Referral.objects.filter(client=child).update(received_on=date(2004, 1, 1))
    clients = Client.objects.all()
    assert not awaiting_review(clients, timezone.localdate()).exists()
    assert record_dates(child).due_on == date(2028, 6, 1)


@pytest.mark.time_machine(TODAY)
def test_a_therapist_cannot_open_the_report(client, tess, otto, old_record):
    for person in (tess, otto):
        client.force_login(person)
        assert client.get(reverse("retention:report")).status_code == 404
        assert client.get(reverse("retention:review", args=[old_record.pk])).status_code == 404


@pytest.mark.time_machine(TODAY)
def test_the_report_runs_a_constant_number_of_queries(client, lee, django_assert_max_num_queries):
    client.force_login(lee)
    for n in range(30):
        person = make_client(lee, None, f"P{n}", "Past", date_of_birth=date(1950, 1, 1))
        close_care(person, date(2001, 1, 1))
    # 15: the page's own reads plus the audit event (its chain head is locked and moved on).
    with django_assert_max_num_queries(15) as few:
        assert client.get(reverse("retention:report")).status_code == 200
    for n in range(30, 80):
        person = make_client(lee, None, f"P{n}", "Past", date_of_birth=date(1950, 1, 1))
        close_care(person, date(2001, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("retention:report") + "?page=2").status_code == 200


@pytest.mark.time_machine(TODAY)
def test_a_lead_keeps_a_record_under_a_legal_hold(client, lee, old_record):
    client.force_login(lee)
    response = client.post(
        reverse("retention:review", args=[old_record.pk]),
        {"keep-keep_until": "2030-01-01", "keep-reason": "Legal hold: claim in progress."},
    )
    assert response.status_code == 302
    decision = DisposalDecision.objects.get()
    assert (decision.decision, decision.keep_until, decision.due_on) == (
        Decision.KEEP,
        date(2030, 1, 1),
        date(2023, 6, 1),
    )
    assert not awaiting_review(Client.objects.all(), timezone.localdate()).exists()
    with pytest.raises(services.RetentionError, match="holds this record until 1 January 2030"):
        services.destroy_record(old_record, actor=lee, reason="Reviewed.")


def test_every_model_linked_to_a_client_is_either_erased_or_kept():
    """A new model linked to clients fails here until it is added to ERASED or KEPT."""
    linked = set(services.linked_models())
    assert linked - services.ERASED - services.KEPT == set(), (
        "Add the new model to ERASED (clinical: erased with the record) or KEPT in "
        "iptclinic/retention/services.py"
    )
    assert linked >= services.ERASED
    for label in services.ERASED | services.KEPT:
        apps.get_model(label)


def test_every_identifying_field_of_a_client_is_blanked_by_destruction():
    kept = {f.name for f in Client._meta.concrete_fields} & services.CLIENT_KEPT_FIELDS
    assert kept == {"id", "team", "created_at", "version"}


@pytest.mark.time_machine(TODAY)
def test_destroying_a_record_erases_it_and_keeps_the_tombstone_and_the_audit(
    client, time_machine, tess, lee, cara, cara_user
):
    clinical_objects(cara, tess)
    close_care(cara, timezone.localdate())
    time_machine.move_to(LATER)
    events_before = AuditEvent.objects.filter(client=cara).count()
    assert events_before > 5
    client.force_login(lee)
    client.post(
        reverse("retention:destroy", args=[cara.pk]),
        {"destroy-reason": "Reviewed: past its retention date.", "destroy-confirm": "on"},
    )
    decision = DisposalDecision.objects.get(client=cara)
    assert decision.decision == Decision.DESTROY and decision.decided_by == lee
    assert decision.erased["courses.SessionRecord"] == 1
    for label in services.ERASED:
        model = apps.get_model(label)
        field = {"clients.Referral": "client", "attention.Item": "client"}.get(label)
        if field:
            assert not model.objects.filter(**{field: cara}).exists(), label
    assert not Referral.objects.filter(client=cara).exists()
    assert not Item.objects.filter(client=cara).exists()
    tombstone = Client.objects.get(pk=cara.pk)
    assert (tombstone.given_name, tombstone.family_name, tombstone.nhs_number) == ("", "", "")
    assert tombstone.portal_user is None
    cara_user.refresh_from_db()
    assert not cara_user.is_active and cara_user.email == ""
    assert AuditEvent.objects.filter(client=cara).count() == events_before + 1
    assert AuditEvent.objects.filter(client=cara, action="retention.destroy").exists()
    # The tombstone is nobody's record any more.
    assert client.get(reverse("clients:detail", args=[cara.pk])).status_code == 404


@pytest.mark.time_machine(TODAY)
def test_a_record_is_never_destroyed_before_its_date(client, lee, tess, cara):
    close_care(cara, timezone.localdate())
    with pytest.raises(services.RetentionError, match="cannot be destroyed before"):
        services.destroy_record(cara, actor=lee, reason="By mistake.")
    assert Referral.objects.filter(client=cara).exists()


@pytest.mark.time_machine(TODAY)
def test_destroying_asks_the_lead_to_confirm_who_they_are_again(
    client, time_machine, lee, old_record
):
    client.force_login(lee)
    time_machine.move_to(TODAY + timedelta(minutes=20))
    response = client.post(
        reverse("retention:destroy", args=[old_record.pk]),
        {"destroy-reason": "Reviewed.", "destroy-confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert not DisposalDecision.objects.exists()


@pytest.mark.time_machine(TODAY)
def test_destroying_needs_a_reason_and_the_confirmation(client, lee, old_record):
    client.force_login(lee)
    response = client.post(
        reverse("retention:destroy", args=[old_record.pk]), {"destroy-reason": ""}
    )
    assert response.status_code == 400
    assert not DisposalDecision.objects.exists()
    assert Client.objects.get(pk=old_record.pk).given_name == "Ann"


@pytest.mark.time_machine(TODAY)
def test_the_daily_check_tells_the_lead_once_when_records_newly_fall_due(lee, old_record, team):
    assert check_team(team, timezone.now()) == 1
    assert check_team(team, timezone.now()) == 0
    item = Item.objects.get(kind=NeedKind.RETENTION_DUE)
    assert item.owner == lee and item.client is None and "Ann" not in item.title
    # The next day, nothing new: no new item.
    assert check_team(team, timezone.now() + timedelta(days=1)) == 0
    # A record that falls due later is told on the day it does.
    sue = make_client(lee, None, "Sue", "Soon", date_of_birth=date(1970, 1, 1))
    Referral.objects.filter(client=sue).update(
        received_on=date(2006, 1, 1), closed_on=date(2007, 3, 1)
    )
    assert check_team(team, datetime(2027, 3, 2, 7, 0, tzinfo=LONDON)) == 1
    assert Item.objects.filter(kind=NeedKind.RETENTION_DUE).count() == 2
