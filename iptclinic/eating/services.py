"""Writing the eating log. One function, audited in the same transaction (style.md §3).

A rise in purging at least the team's threshold puts an item in the therapist's "Needs
attention" (H-147): the log is entered in session, but the physical risk of more vomiting or
laxative and diuretic misuse needs a decision on the same working day.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.attention.models import Item
from iptclinic.attention.services import raise_event_item
from iptclinic.audit import services as audit
from iptclinic.courses.models import Appointment
from iptclinic.ipt.configured_measures import instrument_from_definition
from iptclinic.ipt.eating import (
    Compensatory,
    EatingLogError,
    EatingWeek,
    PurgingRise,
    purging_rise,
)
from iptclinic.ipt.safety_net import NeedKind, Owner
from iptclinic.ipt.scoring import score
from iptclinic.lib.concurrency import EditConflict, save_if_unchanged

from .models import ConfiguredMeasure, EatingLogEntry, EatingSettings, MeasureResponse

_FIELDS = ["binges", *(kind.value for kind in Compensatory), "weight_kg"]


def settings_for(team: Team) -> EatingSettings:
    """The team's settings, or the defaults (not saved) if the team has not chosen."""
    found = EatingSettings.objects.filter(team=team).first()
    return found if found is not None else EatingSettings(team=team)


@transaction.atomic
def save_settings(team: Team, *, actor: User, records_weight: bool, purging_rise: int) -> None:
    row = settings_for(team)
    row.records_weight = records_weight
    row.purging_rise = purging_rise
    row.save()
    audit.record(
        actor=actor,
        action="eating_settings.change",
        obj=row,
        detail={"records_weight": records_weight, "purging_rise": purging_rise},
    )


def week_of(entry: EatingLogEntry, label: str) -> EatingWeek:
    return EatingWeek(label, entry.binges, entry.compensatory(), entry.weight_kg)


@transaction.atomic
def record_eating_week(
    appointment: Appointment,
    *,
    actor: User,
    binges: int,
    compensatory: Mapping[Compensatory, int],
    weight_kg: Decimal | None,
    expected_version: int | None,
) -> EatingLogEntry:
    """Record (or correct) the episodes since the session before, at an attended session.

    Refuses a session not attended, and a weight where the team does not record weight (H-149).
    """
    if not appointment.is_attended:
        raise EatingLogError("The eating log is kept for attended sessions only.")
    course = appointment.course
    client = course.referral.client
    team = client.team
    if weight_kg is not None and not settings_for(team).records_weight:
        raise EatingLogError("Weight: this team does not record weight in the eating log.")
    EatingWeek("", binges, dict(compensatory), weight_kg)  # checks every range
    values: dict[str, object] = {"binges": binges, "weight_kg": weight_kg}
    values.update({kind.value: compensatory.get(kind, 0) for kind in Compensatory})
    entry = EatingLogEntry.objects.filter(appointment=appointment).first()
    if entry is None:
        if expected_version not in (None, 0):
            raise EditConflict("eating log entry")
        entry = EatingLogEntry.objects.create(
            course=course, appointment=appointment, recorded_by=actor, **values
        )
        action = "eating_log.record"
    else:
        for name, value in values.items():
            setattr(entry, name, value)
        save_if_unchanged(entry, expected_version, _FIELDS, "eating log entry", actor=actor)
        action = "eating_log.update"
    audit.record(actor=actor, action=action, client=client, obj=entry)
    _check_purging(entry, team)
    return entry


def _check_purging(entry: EatingLogEntry, team: Team) -> Item | None:
    """Compare the entry with the one of the session before; a rise at the threshold or above
    goes to the therapist's "Needs attention", due by the end of the working day."""
    course = entry.course
    entries = [
        e
        for e in EatingLogEntry.objects.filter(course=course).select_related("appointment")
        if e.appointment.starts_at <= entry.appointment.starts_at
    ]
    entries.sort(key=lambda e: (e.appointment.starts_at, e.pk))
    weeks = [week_of(e, timezone.localdate(e.appointment.starts_at).isoformat()) for e in entries]
    rise = purging_rise(weeks, threshold=settings_for(team).purging_rise)
    therapist = course.referral.client.therapist
    if rise is None or therapist is None:
        return None
    return raise_event_item(
        team,
        owner=therapist,
        owner_role=Owner.THERAPIST,
        kind=NeedKind.DETERIORATION,
        key=f"eating_purging_rise:{entry.pk}",
        title=_title(rise),
        due=team.working_week().within_working_days(timezone.now(), 0),
        subject=("eating_log", course.pk),
        client=course.referral.client,
        urgent=True,
    )


def _title(rise: PurgingRise) -> str:
    return (
        f"Vomiting, laxatives or water tablets rose from {rise.before} to {rise.now} a week: "
        "check physical health and risk"
    )


class MeasureLoadError(Exception):
    """A definition that cannot be stored, with words for the person loading it."""


@transaction.atomic
def load_measure(team: Team, definition: Mapping[str, object]) -> ConfiguredMeasure:
    """Check a definition and store it for the team (``manage.py load_eating_measure``).

    A code not seen before is added; a code already answered is refused, so that the meaning of
    stored answers never changes (load the new version under a new code).
    """
    instrument = instrument_from_definition(definition)  # DefinitionError names the field
    existing = ConfiguredMeasure.objects.filter(team=team, code=instrument.code).first()
    if existing is not None:
        if MeasureResponse.objects.filter(measure=existing).exists():
            raise MeasureLoadError(
                f"{instrument.code} has been answered already, so its definition cannot change. "
                "Load the new version under a new code."
            )
        existing.definition = dict(definition)
        existing.save(update_fields=["definition", "loaded_at"])
        measure, action = existing, "eating_measure.replace"
    else:
        measure = ConfiguredMeasure.objects.create(
            team=team, code=instrument.code, definition=dict(definition)
        )
        action = "eating_measure.load"
    audit.record(
        actor=None, action=action, obj=measure, detail={"code": measure.code}, team_id=team.pk
    )
    return measure


@transaction.atomic
def record_measure(
    appointment: Appointment,
    measure: ConfiguredMeasure,
    *,
    actor: User,
    answers: Mapping[int, int | None],
) -> MeasureResponse:
    """Score and store one answered configured measure at an attended session (once each)."""
    if not appointment.is_attended:
        raise EatingLogError("A questionnaire is recorded at an attended session only.")
    client = appointment.course.referral.client
    if measure.team_id != client.team_id:
        raise EatingLogError("This questionnaire is not one of the team's.")
    if MeasureResponse.objects.filter(appointment=appointment, measure=measure).exists():
        raise EatingLogError("This questionnaire is already recorded for that session.")
    result = score(measure.instrument, answers)
    response = MeasureResponse.objects.create(
        course=appointment.course,
        appointment=appointment,
        measure=measure,
        answers={str(n): v for n, v in answers.items() if v is not None},
        total=result.total,
        band=result.band.label if result.band else "",
        no_total_reason=result.no_total_reason or "",
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="eating_measure.record",
        client=client,
        obj=response,
        detail={"code": measure.code},
    )
    return response
