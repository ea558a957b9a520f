"""Reading a course's eating log, with the questionnaire totals of the same sessions beside it."""

from __future__ import annotations

from dataclasses import dataclass

from iptclinic.accounts.models import Team
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.measures.models import QuestionnaireResponse

from .chart import EatingPoint
from .models import ConfiguredMeasure, EatingLogEntry, MeasureResponse


@dataclass(frozen=True)
class LogRow:
    """One attended session: its number, its entry (or None) and its questionnaire totals."""

    number: int
    appointment: Appointment
    entry: EatingLogEntry | None
    scores: tuple[tuple[str, int | None], ...]


def log_rows(course: Course) -> list[LogRow]:
    """Every attended session of the course in order: three queries whatever the course length."""
    timeline = course.timeline()
    ids = [row.appointment.pk for row in timeline.attended_rows]
    entries = {e.appointment_id: e for e in EatingLogEntry.objects.filter(appointment_id__in=ids)}
    scores: dict[int, list[tuple[str, int | None]]] = {}
    for response in QuestionnaireResponse.objects.filter(appointment_id__in=ids).order_by(
        "instrument"
    ):
        name = INSTRUMENTS[response.instrument].short_name
        scores.setdefault(response.appointment_id, []).append((name, response.total))
    # The team's configured eating-disorder questionnaire(s), beside the others.
    for answered in MeasureResponse.objects.filter(appointment_id__in=ids).select_related(
        "measure"
    ):
        short_name = str(answered.measure.definition.get("short_name", answered.measure.code))
        scores.setdefault(answered.appointment_id, []).append((short_name, answered.total))
    return [
        LogRow(
            number=row.number or 0,
            appointment=row.appointment,
            entry=entries.get(row.appointment.pk),
            scores=tuple(scores.get(row.appointment.pk, ())),
        )
        for row in timeline.attended_rows
    ]


def chart_points(rows: list[LogRow]) -> list[EatingPoint]:
    return [
        EatingPoint(row.number, row.entry.binges, row.entry.purging)
        for row in rows
        if row.entry is not None
    ]


def team_measures(team: Team) -> list[tuple[int, str]]:
    """(id, short name) of the team's configured eating-disorder questionnaires."""
    return [
        (m.pk, str(m.definition.get("short_name", m.code)))
        for m in ConfiguredMeasure.objects.filter(team=team)
    ]
