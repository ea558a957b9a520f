"""Writes of the service app: the lead's capacity settings and the derived referral times."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.service import Delivered, attribute, wait_days

from .models import ReferralTimes, TherapistCapacity

TIMES_FIELDS = [
    "team",
    "received_on",
    "first_contact_on",
    "first_treatment_on",
    "days_to_first_contact",
    "days_to_first_treatment",
    "attended",
    "delivered_by",
]


class CapacityError(ValueError):
    """A capacity the service cannot keep, with a message for the lead."""


@transaction.atomic
def set_capacity(therapist: User, *, actor: User, open_courses: int) -> TherapistCapacity:
    """Set how many open courses ``therapist`` can hold; audited with the old and new value."""
    if not actor.is_service_lead or actor.team_id != therapist.team_id:
        raise CapacityError("Only the team's service lead sets a therapist's capacity.")
    if not therapist.is_therapist:
        raise CapacityError(f"{therapist.display_name} is not an IPT therapist.")
    if open_courses < 0:
        raise CapacityError("A capacity is a number of courses, 0 or more.")
    capacity = TherapistCapacity.objects.select_for_update().filter(therapist=therapist).first()
    previous = capacity.open_courses if capacity else None
    if capacity is None:
        capacity = TherapistCapacity(therapist=therapist, team_id=therapist.team_id)
    capacity.open_courses = open_courses
    capacity.set_by = actor
    capacity.set_at = timezone.now()
    capacity.save()
    audit.record(
        actor=actor,
        action="service.capacity",
        obj=capacity,
        detail={"therapist": therapist.pk, "from": previous, "to": open_courses},
    )
    return capacity


def times_rows(
    referral_ids: Iterable[int],
    *,
    referral_model: Any,
    appointment_model: Any,
    response_model: Any,
    times_model: Any = ReferralTimes,
) -> Iterator[Any]:
    """The ``ReferralTimes`` of these referrals, unsaved, from their records (three queries).

    Takes the models so that the migration that fills the table runs the same code on its
    historical models. A session was delivered by whoever recorded the attendance
    (``ipt.service.DELIVERY_RULE``); an attended session with no one recorded counts as attended
    but is delivered by no one.
    """
    ids = sorted(set(referral_ids))
    sessions: dict[int, list[Delivered]] = {}
    first_attended: dict[int, date] = {}
    counted: dict[int, int] = {}
    attended = (
        appointment_model.objects.filter(
            course__referral_id__in=ids, status=Attendance.ATTENDED.value
        )
        .values_list("course__referral_id", "status_changed_by_id", "starts_at", "pk")
        .order_by()
    )
    for referral_id, clinician, starts_at, pk in attended:
        counted[referral_id] = counted.get(referral_id, 0) + 1
        day = timezone.localdate(starts_at)
        if referral_id not in first_attended or day < first_attended[referral_id]:
            first_attended[referral_id] = day
        if clinician is not None:
            sessions.setdefault(referral_id, []).append(Delivered(clinician, starts_at, pk))
    assessed = dict(
        response_model.objects.filter(referral_id__in=ids, source="clinic")
        .values("referral_id")
        .annotate(first=Min("completed_on"))
        .values_list("referral_id", "first")
        .order_by()
    )
    referrals = referral_model.objects.filter(pk__in=ids).values_list(
        "pk", "client__team_id", "received_on"
    )
    for pk, team_id, received_on in referrals:
        treated = first_attended.get(pk)
        contacts = [day for day in (treated, assessed.get(pk)) if day is not None]
        contact = min(contacts) if contacts else None
        yield times_model(
            referral_id=pk,
            team_id=team_id,
            received_on=received_on,
            first_contact_on=contact,
            first_treatment_on=treated,
            days_to_first_contact=_days(received_on, contact),
            days_to_first_treatment=_days(received_on, treated),
            attended=counted.get(pk, 0),
            delivered_by_id=attribute(sessions.get(pk, [])),
        )


def _days(received_on: date, seen_on: date | None) -> int | None:
    """Days waited; a contact dated before the referral (entered in error) counts as 0 days."""
    if seen_on is None:
        return None
    return wait_days(received_on, max(seen_on, received_on))


def refresh_referral_times(referral_ids: Iterable[int]) -> None:
    """Recompute and store these referrals' times, in the caller's transaction.

    Called by ``reports.services.refresh_outcomes``, which every service that changes a
    referral, its attendance or its questionnaires already calls (hazard log H-127).
    """
    from iptclinic.clients.models import Referral
    from iptclinic.courses.models import Appointment
    from iptclinic.measures.models import QuestionnaireResponse

    ids = sorted(set(referral_ids))
    if not ids:
        return
    rows = list(
        times_rows(
            ids,
            referral_model=Referral,
            appointment_model=Appointment,
            response_model=QuestionnaireResponse,
        )
    )
    ReferralTimes.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["referral"],
        update_fields=TIMES_FIELDS,
    )
