"""Consent to recording: given and withdrawn by the therapist in the clinic, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import RecordingConsent
from iptclinic.clients.recording import (
    ConsentError,
    give_recording_consent,
    withdraw_recording_consent,
)

pytestmark = pytest.mark.django_db


def test_tess_records_consent_and_then_its_withdrawal(client, tess, cara):
    client.force_login(tess)
    url = reverse("clients:recording_consent", args=[cara.pk])
    today = timezone.localdate()
    given = client.post(url, {"on": (today - timedelta(days=3)).isoformat()})
    assert given.status_code == 302
    consent = RecordingConsent.objects.get()
    assert (consent.given_on, consent.withdrawn_on, consent.recorded_by) == (
        today - timedelta(days=3),
        None,
        tess,
    )
    assert "Consent stands" in client.get(url).text
    client.post(url, {"on": today.isoformat()})
    consent.refresh_from_db()
    assert consent.withdrawn_on == today and consent.withdrawal_recorded_by == tess
    actions = list(
        AuditEvent.objects.filter(client=cara, action__startswith="recording_consent")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["recording_consent.give", "recording_consent.withdraw"]


def test_consent_in_the_future_is_refused_with_a_message_and_nothing_saved(client, tess, cara):
    client.force_login(tess)
    response = client.post(
        reverse("clients:recording_consent", args=[cara.pk]),
        {"on": (timezone.localdate() + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.text
    assert not RecordingConsent.objects.exists()


def test_a_date_that_is_not_a_date_gets_a_clear_message(client, tess, cara):
    client.force_login(tess)
    response = client.post(reverse("clients:recording_consent", args=[cara.pk]), {"on": "soon"})
    assert "Enter a real date" in response.text


def test_the_supervisor_sees_the_consent_but_cannot_change_it(client, sam, tess, cara):
    give_recording_consent(cara, actor=tess, given_on=timezone.localdate())
    client.force_login(sam)
    url = reverse("clients:recording_consent", args=[cara.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Record the withdrawal" not in page.text
    assert client.post(url, {"on": timezone.localdate().isoformat()}).status_code == 404
    assert RecordingConsent.objects.get().withdrawn_on is None


def test_otto_gets_404_on_cara_s_consent(client, otto, cara):
    client.force_login(otto)
    assert client.get(reverse("clients:recording_consent", args=[cara.pk])).status_code == 404


def test_the_rules_of_giving_and_withdrawing(tess, otto, cara):
    today = timezone.localdate()
    with pytest.raises(ConsentError, match="no consent to recording to withdraw"):
        withdraw_recording_consent(cara, actor=tess, withdrawn_on=today)
    with pytest.raises(ConsentError, match="Only the client's therapist"):
        give_recording_consent(cara, actor=otto, given_on=today)
    give_recording_consent(cara, actor=tess, given_on=today - timedelta(days=10))
    with pytest.raises(ConsentError, match="already stands"):
        give_recording_consent(cara, actor=tess, given_on=today)
    with pytest.raises(ConsentError, match="cannot be withdrawn before"):
        withdraw_recording_consent(cara, actor=tess, withdrawn_on=today - timedelta(days=11))
    withdraw_recording_consent(cara, actor=tess, withdrawn_on=today - timedelta(days=2))
    with pytest.raises(ConsentError, match="given again on that day or later"):
        give_recording_consent(cara, actor=tess, given_on=today - timedelta(days=3))
    give_recording_consent(cara, actor=tess, given_on=today)
    assert RecordingConsent.objects.filter(client=cara).count() == 2
