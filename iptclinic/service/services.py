"""Writes of the service app: the lead's capacity settings and the derived referral times."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.service import (
    Delivered,
    attribute,
    is_left_when_ended,
    sessions_for,
    wait_days,
)

from .models import ContactFacts, CourseFacts, ReferralTimes, TherapistCapacity

TIMES_FIELDS = [
    "team",
    "received_on",
    "first_contact_on",
    "first_treatment_on",
    "days_to_first_contact",
    "days_to_first_treatment",
    "attended",
    "delivered_by",
    "waiting",
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


@dataclass
class Derived:
    """The derived rows of some referrals, unsaved: times, course facts and contact facts."""

    times: list[Any] = field(default_factory=list)
    courses: list[Any] = field(default_factory=list)
    contacts: list[Any] = field(default_factory=list)


def derived_rows(referral_ids: Iterable[int], *, models: Mapping[str, Any]) -> Derived:
    """Every derived row of these referrals, from their records, in four queries.

    ``models`` maps "referral", "course", "appointment", "response", "times", "course_facts" and
    "contact_facts" to model classes, so that the migration that fills the tables runs this same
    code on its historical models. A session was delivered by whoever recorded the attendance
    (``ipt.service.DELIVERY_RULE``); an attended session with no one recorded counts as attended
    but is delivered by no one.
    """
    ids = sorted(set(referral_ids))
    found = Derived()
    referrals = {
        pk: (team_id, received_on, closed_on, therapist_id)
        for pk, team_id, received_on, closed_on, therapist_id in models["referral"]
        .objects.filter(pk__in=ids)
        .values_list("pk", "client__team_id", "received_on", "closed_on", "client__therapist_id")
    }
    courses = list(
        models["course"]
        .objects.filter(referral_id__in=ids)
        .values_list("pk", "referral_id", "state", "ended_on", "early_end_reason")
        .order_by("pk")
    )
    ended_on = {pk: ended for pk, _, _, ended, _ in courses}
    appointments = (
        models["appointment"]
        .objects.filter(course__referral_id__in=ids)
        .exclude(status=Attendance.PLANNED.value)
        .values_list(
            "pk", "course_id", "course__referral_id", "status", "status_changed_by_id", "starts_at"
        )
        .order_by("course_id", "starts_at", "pk")
    )
    by_course: dict[int, list[tuple[int, int, str, int | None, Any, date]]] = {}
    for pk, course_id, referral_id, status, clinician, starts_at in appointments:
        day = timezone.localdate(starts_at)
        if not is_left_when_ended(status, day, ended_on.get(course_id)):
            by_course.setdefault(course_id, []).append(
                (pk, referral_id, status, clinician, starts_at, day)
            )
    sessions: dict[int, list[Delivered]] = {}
    first_attended: dict[int, date] = {}
    course_started: dict[int, date] = {}
    attended: dict[int, int] = {}
    for course_id, rows in by_course.items():
        numbers = sessions_for([status for _, _, status, _, _, _ in rows])
        for (pk, referral_id, status, clinician, starts_at, day), number in zip(
            rows, numbers, strict=True
        ):
            found.contacts.append(
                models["contact_facts"](
                    appointment_id=pk,
                    referral_id=referral_id,
                    team_id=referrals[referral_id][0],
                    day=day,
                    status=status,
                    clinician_id=clinician,
                    session=number,
                )
            )
            if status != Attendance.ATTENDED.value:
                continue
            attended[referral_id] = attended.get(referral_id, 0) + 1
            course_started.setdefault(course_id, day)
            if referral_id not in first_attended or day < first_attended[referral_id]:
                first_attended[referral_id] = day
            if clinician is not None:
                sessions.setdefault(referral_id, []).append(Delivered(clinician, starts_at, pk))
    for pk, referral_id, state, ended, reason in courses:
        team_id, _, _, therapist_id = referrals[referral_id]
        found.courses.append(
            models["course_facts"](
                course_id=pk,
                referral_id=referral_id,
                team_id=team_id,
                therapist_id=therapist_id,
                state=state,
                started_on=course_started.get(pk),
                ended_on=ended,
                early_end_reason=reason,
            )
        )
    assessed = dict(
        models["response"]
        .objects.filter(referral_id__in=ids, source="clinic")
        .values("referral_id")
        .annotate(first=Min("completed_on"))
        .values_list("referral_id", "first")
        .order_by()
    )
    for pk, (team_id, received_on, closed_on, _) in referrals.items():
        treated = first_attended.get(pk)
        contacts = [day for day in (treated, assessed.get(pk)) if day is not None]
        contact = min(contacts) if contacts else None
        found.times.append(
            models["times"](
                referral_id=pk,
                team_id=team_id,
                received_on=received_on,
                first_contact_on=contact,
                first_treatment_on=treated,
                days_to_first_contact=_days(received_on, contact),
                days_to_first_treatment=_days(received_on, treated),
                attended=attended.get(pk, 0),
                delivered_by_id=attribute(sessions.get(pk, [])),
                waiting=closed_on is None and treated is None,
            )
        )
    return found


def _days(received_on: date, seen_on: date | None) -> int | None:
    """Days waited; a contact dated before the referral (entered in error) counts as 0 days."""
    if seen_on is None:
        return None
    return wait_days(received_on, max(seen_on, received_on))


def save_derived(referral_ids: Iterable[int], *, models: Mapping[str, Any]) -> None:
    """Work out and store the derived rows of these referrals (replacing any they had)."""
    ids = sorted(set(referral_ids))
    if not ids:
        return
    found = derived_rows(ids, models=models)
    models["contact_facts"].objects.filter(referral_id__in=ids).delete()
    models["course_facts"].objects.filter(referral_id__in=ids).delete()
    models["times"].objects.bulk_create(
        found.times, update_conflicts=True, unique_fields=["referral"], update_fields=TIMES_FIELDS
    )
    models["course_facts"].objects.bulk_create(found.courses, batch_size=2000)
    models["contact_facts"].objects.bulk_create(found.contacts, batch_size=2000)


def current_models() -> dict[str, Any]:
    from iptclinic.clients.models import Referral
    from iptclinic.courses.models import Appointment, Course
    from iptclinic.measures.models import QuestionnaireResponse

    return {
        "referral": Referral,
        "course": Course,
        "appointment": Appointment,
        "response": QuestionnaireResponse,
        "times": ReferralTimes,
        "course_facts": CourseFacts,
        "contact_facts": ContactFacts,
    }


def refresh_referral_times(referral_ids: Iterable[int]) -> None:
    """Recompute and store these referrals' derived rows, in the caller's transaction.

    Called by ``reports.services.refresh_outcomes``, which every service that changes a
    referral, its courses, its attendance, its questionnaires or the client's therapist already
    calls (hazard log H-127).
    """
    save_derived(referral_ids, models=current_models())
