"""A young person's parents or carers, recorded by their therapist (IPT for adolescents, issue 14).

Each change is audited in the same transaction, with the names of the fields changed and never
their values (no personal data in the audit's detail).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.history.services import save_with_reason

from .access import can_edit_clinical_record
from .models import Carer, Client

CARER_FIELDS = (
    "name",
    "relationship",
    "parental_responsibility",
    "phone",
    "email",
    "address",
    "preferred_contact",
    "involve_consent_on",
    "contact_consent_on",
)
"""What the therapist records about a carer: the form and the service read this one list."""


class CarerError(ValueError):
    """A change the rules do not allow; the message says why."""


def _check(client: Client, actor: User, values: Mapping[str, Any]) -> None:
    if not can_edit_clinical_record(actor, client):
        raise CarerError("Only the young person's therapist records their parents or carers.")
    today = timezone.localdate()
    for name in ("involve_consent_on", "contact_consent_on"):
        given: date | None = values.get(name)
        if given is not None and given > today:
            raise CarerError("The day consent was given cannot be in the future.")


@transaction.atomic
def save_carer(
    client: Client, *, actor: User, values: Mapping[str, Any], carer: Carer | None = None
) -> Carer:
    """Add a parent or carer of ``client``, or change one, with the young person's consents."""
    _check(client, actor, values)
    unknown = set(values) - set(CARER_FIELDS)
    if unknown:
        raise CarerError(f"Unknown carer details: {', '.join(sorted(unknown))}.")
    if carer is None:
        carer = Carer(client=client, recorded_by=actor, recorded_at=timezone.now())
        changed = sorted(values)
        action = "carer.add"
    else:
        carer = Carer.objects.select_for_update().get(pk=carer.pk, client=client)
        changed = sorted(name for name, value in values.items() if getattr(carer, name) != value)
        if not changed:
            return carer
        carer.version += 1
        action = "carer.change"
    for name, value in values.items():
        setattr(carer, name, value)
    save_with_reason(carer, actor=actor)
    audit.record(
        actor=actor,
        action=action,
        client=client,
        obj=carer,
        detail={
            "fields": changed,
            "may_involve": carer.may_involve,
            "may_contact": carer.may_contact,
        },
    )
    return carer
