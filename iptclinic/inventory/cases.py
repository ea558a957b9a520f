"""A course's inventory as the pure core's :class:`~iptclinic.ipt.case.Case`, and its drawings' input.

The suggester, the case-file export, the circle and the timeline all read the same conversion,
so what the therapist sees, what is exported and what is suggested cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from iptclinic.inventory.circle import CirclePerson
from iptclinic.inventory.timeline_drawing import Episode, MoodPoint, SymptomNote, TimelineMark
from iptclinic.ipt.case import (
    ApproxDate,
    AreaTag,
    Case,
    Conflict,
    ContactFrequency,
    DatePrecision,
    EarlierEpisode,
    EventKind,
    LifeEvent,
    LifeStatus,
    Relationship,
    RelationshipType,
)
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea, area_label
from iptclinic.ipt.variants import Variant

from . import models


def lines(text: str) -> tuple[str, ...]:
    """A multi-line text field as the case's list of short items, one a line, blanks dropped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def approx(on: date | None, precision: str) -> ApproxDate | None:
    return ApproxDate(on, DatePrecision(precision)) if on else None


@dataclass(frozen=True)
class InventoryRows:
    """Everything recorded about one course's inventory, loaded once per request."""

    course_id: int
    variant: Variant
    inventory: models.Inventory | None
    relationships: Sequence[models.Relationship]
    events: Sequence[models.LifeEvent]
    episodes: Sequence[models.EarlierEpisode]

    @property
    def onset(self) -> ApproxDate | None:
        if self.inventory is None:
            return None
        return approx(self.inventory.onset_on, self.inventory.onset_precision)

    @property
    def onset_until(self) -> ApproxDate | None:
        """The end of the onset period; ``None`` without a start, or (for rows written around
        the service) one that ends before the start, so that a case can always be built."""
        onset = self.onset
        if self.inventory is None or onset is None:
            return None
        until = approx(self.inventory.onset_until_on, self.inventory.onset_until_precision)
        return until if until is not None and until.last_day >= onset.first_day else None


def load_rows(course_id: int, variant: Variant) -> InventoryRows:
    """Four queries whatever the size of the inventory (people prefetched onto events)."""
    return InventoryRows(
        course_id=course_id,
        variant=variant,
        inventory=models.Inventory.objects.filter(course_id=course_id).first(),
        relationships=list(models.Relationship.objects.filter(course_id=course_id)),
        events=list(
            models.LifeEvent.objects.filter(course_id=course_id).prefetch_related("people")
        ),
        episodes=list(models.EarlierEpisode.objects.filter(course_id=course_id)),
    )


def relationship_case(row: models.Relationship) -> Relationship:
    return Relationship(
        person_id=row.person_id,
        label=row.label,
        relationship_type=RelationshipType(row.relationship_type),
        second_type=RelationshipType(row.second_type) if row.second_type else None,
        status=LifeStatus(row.status),
        date_of_death=approx(row.died_on, row.died_precision),
        closeness_now=row.closeness_now,
        closeness_before=row.closeness_before,
        contact_frequency=ContactFrequency(row.contact_frequency)
        if row.contact_frequency
        else None,
        importance=row.importance,
        can_confide=row.can_confide,
        knows_how_patient_feels=row.knows_how_patient_feels,
        satisfying=lines(row.satisfying),
        unsatisfying=lines(row.unsatisfying),
        patient_expectations=lines(row.patient_expectations),
        other_expectations=lines(row.other_expectations),
        expectations_met=row.expectations_met,
        conflict=Conflict(row.conflict) if row.conflict else None,
        trying_to_resolve=row.trying_to_resolve,
        talking_stopped=row.talking_stopped,
        judged_beyond_repair=row.judged_beyond_repair,
        topics_avoided=lines(row.topics_avoided),
        symptoms_follow_contact=row.symptoms_follow_contact,
        support_received=row.support_received,
        support_given=row.support_given,
        changes_wanted=lines(row.changes_wanted),
        recent_change=row.recent_change,
        avoids_talking_about_death=row.avoids_talking_about_death,
        mourning_avoided=row.mourning_avoided,
        symptoms_tied_to_death=row.symptoms_tied_to_death,
        dispute_stage=DisputeStage(row.dispute_stage) if row.dispute_stage else None,
        areas=tuple(AreaTag(ProblemArea(tag["area"]), tag["reason"]) for tag in row.areas),
        notes=row.notes,
    )


def event_case(row: models.LifeEvent) -> LifeEvent:
    return LifeEvent(
        event_id=row.event_id,
        when=ApproxDate(row.happened_on, DatePrecision(row.precision)),
        kind=EventKind(row.kind),
        description=row.description,
        people=tuple(person.person_id for person in row.people.all()),
        mood_rating=row.mood_rating,
        ed_symptom_note=row.ed_symptom_note,
        symptoms_worsened=row.symptoms_worsened,
    )


def build_case(rows: InventoryRows, assessed_on: date) -> Case:
    """The case as of ``assessed_on``: the date every recency rule of the suggester counts from."""
    inventory = rows.inventory
    return Case(
        assessed_on=assessed_on,
        variant=rows.variant,
        onset=rows.onset,
        onset_until=rows.onset_until,
        chronic_course=bool(inventory and inventory.chronic_course),
        relationships=tuple(relationship_case(r) for r in rows.relationships),
        events=tuple(event_case(e) for e in rows.events),
        earlier_episodes=tuple(
            EarlierEpisode(ApproxDate(e.began_on, DatePrecision(e.precision)), e.note)
            for e in rows.episodes
        ),
        patterns=lines(inventory.patterns) if inventory else (),
    )


def area_name(area: str, variant: Variant) -> str:
    try:
        return area_label(area, variant)
    except ValueError:
        return ProblemArea(area).value.replace("_", " ").capitalize()


def circle_people(rows: InventoryRows) -> list[CirclePerson]:
    return [
        CirclePerson(
            label=r.label,
            ring_now=r.closeness_now,
            ring_before=r.closeness_before,
            area_labels=tuple(area_name(tag["area"], rows.variant) for tag in r.areas),
            deceased=r.is_deceased,
            is_group=r.relationship_type == RelationshipType.GROUP_OR_COMMUNITY,
        )
        for r in rows.relationships
    ]


@dataclass(frozen=True)
class TimelineInput:
    marks: list[TimelineMark]
    moods: list[MoodPoint]
    episodes: list[Episode]
    symptom_notes: list[SymptomNote]
    onset: date | None

    def as_kwargs(self) -> dict[str, object]:
        return {
            "marks": self.marks,
            "moods": self.moods,
            "episodes": self.episodes,
            "symptom_notes": self.symptom_notes,
            "onset": self.onset,
        }


def timeline_input(rows: InventoryRows, *, eating_disorder: bool) -> TimelineInput:
    """What the timeline drawing needs; symptom notes only on eating-disorder courses (§3.5)."""
    onset = rows.onset
    return TimelineInput(
        marks=[
            TimelineMark(
                when=e.happened_on,
                precision=e.precision,
                label=e.description,
                kind=e.get_kind_display(),
                people=tuple(p.label for p in e.people.all()),
            )
            for e in rows.events
        ],
        moods=[
            MoodPoint(when=_middle(e.happened_on, e.precision), rating=e.mood_rating)
            for e in rows.events
            if e.mood_rating is not None
        ],
        # Only the start of an earlier episode is recorded: draw the period it began in, so the
        # band never runs on into the current episode.
        episodes=[
            Episode(start=span.first_day, end=span.last_day, label=e.note)
            for e in rows.episodes
            if (span := ApproxDate(e.began_on, DatePrecision(e.precision)))
        ],
        symptom_notes=[
            SymptomNote(when=e.happened_on, text=e.ed_symptom_note)
            for e in rows.events
            if eating_disorder and e.ed_symptom_note
        ],
        onset=onset.first_day if onset else None,
    )


def _middle(on: date, precision: str) -> date:
    span = ApproxDate(on, DatePrecision(precision))
    return date.fromordinal((span.first_day.toordinal() + span.last_day.toordinal()) // 2)
