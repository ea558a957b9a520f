"""Consent to recording sessions for supervision: given and withdrawn in the clinic (issue 13).

The therapist records it from the client's page. Each change is audited in the same transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.ipt.supervision import ConsentPeriod

from .access import can_edit_clinical_record
from .models import Client, RecordingConsent


class ConsentError(ValueError):
    """A change to consent the rules do not allow; the message says why."""


def consent_periods(client: Client) -> list[ConsentPeriod]:
    """The client's periods of consent, as the core's rule reads them."""
    return [
        ConsentPeriod(given, withdrawn)
        for given, withdrawn in client.recording_consents.values_list("given_on", "withdrawn_on")
    ]


def _check_actor(client: Client, actor: User) -> None:
    if not can_edit_clinical_record(actor, client):
        raise ConsentError("Only the client's therapist records their consent to recording.")


@transaction.atomic
def give_recording_consent(client: Client, *, actor: User, given_on: date) -> RecordingConsent:
    """The client agreed, in the clinic, that their sessions may be recorded for supervision."""
    _check_actor(client, actor)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if given_on > timezone.localdate():
        raise ConsentError("The day consent was given cannot be in the future.")
    if client.recording_consents.filter(withdrawn_on__isnull=True).exists():
        raise ConsentError("Consent to recording already stands. Withdraw it first to change it.")
    last = client.recording_consents.order_by("-withdrawn_on").first()
    if last is not None and last.withdrawn_on is not None and given_on < last.withdrawn_on:
        raise ConsentError(
            f"Consent was withdrawn on {last.withdrawn_on:%-d %B %Y}: it can be given again on "
            "that day or later."
        )
    consent = RecordingConsent.objects.create(
        client=client,
        given_on=given_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="recording_consent.give",
        client=client,
        obj=consent,
        detail={"given_on": given_on.isoformat()},
    )
    return consent


@transaction.atomic
def withdraw_recording_consent(
    client: Client, *, actor: User, withdrawn_on: date
) -> RecordingConsent:
    """The client withdrew their consent: no recording may be reviewed from then on."""
    _check_actor(client, actor)
    consent = (
        RecordingConsent.objects.select_for_update()
        .filter(client=client, withdrawn_on__isnull=True)
        .first()
    )
    if consent is None:
        raise ConsentError("There is no consent to recording to withdraw.")
    if withdrawn_on > timezone.localdate():
        raise ConsentError("The day consent was withdrawn cannot be in the future.")
    if withdrawn_on < consent.given_on:
        raise ConsentError(
            f"Consent was given on {consent.given_on:%-d %B %Y}: it cannot be withdrawn before."
        )
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_recorded_by = actor
    consent.withdrawal_recorded_at = timezone.now()
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by", "withdrawal_recorded_at"])
    audit.record(
        actor=actor,
        action="recording_consent.withdraw",
        client=client,
        obj=consent,
        detail={"withdrawn_on": withdrawn_on.isoformat()},
    )
    return consent
