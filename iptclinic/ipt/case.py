"""A case as the focus suggester sees it: the interpersonal inventory, the timeline and the onset.

Source: ``domain/ipt-method.md`` §2.1 (what the inventory asks), §2.2 (closeness circle), §2.3
(timeline) and §2.4 (data model, PRODUCT); ``decisions.md`` §11 (windows are configuration).
The fields are those the rules in :mod:`iptclinic.ipt.focus` read, plus the rest of what the
inventory records, so that a client's inventory can be exported and reviewed as one file.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property

from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.variants import Variant


class RelationshipType(StrEnum):
    """Who the person is to the service user (ipt-method.md §2.1, §2.4)."""

    PARTNER = "partner"
    EX_PARTNER = "ex_partner"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    OTHER_FAMILY = "other_family"
    FRIEND = "friend"
    COLLEAGUE = "colleague"
    MANAGER = "manager"
    CARER = "carer"
    PEER = "peer"
    GROUP_OR_COMMUNITY = "group_or_community"
    OTHER = "other"


class LifeStatus(StrEnum):
    """Alive, deceased or estranged (ipt-method.md §2.4; deceased people stay on the map, §2.2)."""

    ALIVE = "alive"
    DECEASED = "deceased"
    ESTRANGED = "estranged"


class ContactFrequency(StrEnum):
    """How often they are in touch (ipt-method.md §2.1, §2.4)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    """Less often than weekly but more than monthly: every two or three weeks."""
    MONTHLY = "monthly"
    RARELY = "rarely"
    NONE = "none"


class Conflict(StrEnum):
    """How a disagreement shows itself (ipt-method.md §3.2: disputes may be open or covert).

    ``OPEN``: they argue or clearly disagree. ``COVERT``: the disagreement is hidden — silences,
    resentment, things left unsaid. ``NONE``: no disagreement reported.
    """

    NONE = "none"
    OPEN = "open"
    COVERT = "covert"


class DatePrecision(StrEnum):
    """How exactly a date is known; the timeline allows approximate dates (ipt-method.md §2.4)."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class EventKind(StrEnum):
    """Kinds of life event on the timeline (ipt-method.md §2.4, §3.3 transition domains)."""

    DEATH = "death"
    CONFLICT = "conflict"
    MOVE = "move"
    MIGRATION = "migration"
    JOB_LOSS = "job_loss"
    NEW_JOB = "new_job"
    PROMOTION = "promotion"
    RETIREMENT = "retirement"
    RELATIONSHIP_START = "relationship_start"
    SEPARATION = "separation"
    DIVORCE = "divorce"
    COMING_OUT = "coming_out"
    PREGNANCY = "pregnancy"
    BIRTH = "birth"
    MISCARRIAGE = "miscarriage"
    INFERTILITY = "infertility"
    DIAGNOSIS = "diagnosis"
    CARING = "caring"
    CARING_ENDED = "caring_ended"
    JOINED_HOUSEHOLD = "joined_household"
    CHILDREN_LEAVING = "children_leaving"
    EDUCATION_START = "education_start"
    EDUCATION_END = "education_end"
    FINANCIAL_CHANGE = "financial_change"
    OTHER = "other"


@dataclass(frozen=True)
class ApproxDate:
    """A date known to the day, the month or the year.

    ``when`` may be any day inside the period; it is stored as the period's first day.
    """

    when: date
    precision: DatePrecision = DatePrecision.DAY

    def __post_init__(self) -> None:
        # Two records of "March 2024" must compare equal whatever day was typed.
        object.__setattr__(self, "when", self.first_day)

    @property
    def first_day(self) -> date:
        if self.precision is DatePrecision.YEAR:
            return date(self.when.year, 1, 1)
        if self.precision is DatePrecision.MONTH:
            return date(self.when.year, self.when.month, 1)
        return self.when

    @property
    def last_day(self) -> date:
        if self.precision is DatePrecision.YEAR:
            return date(self.when.year, 12, 31)
        if self.precision is DatePrecision.MONTH:
            days = calendar.monthrange(self.when.year, self.when.month)[1]
            return date(self.when.year, self.when.month, days)
        return self.when

    def iso(self) -> str:
        """``2024``, ``2024-03`` or ``2024-03-15``, as the case file writes it."""
        if self.precision is DatePrecision.YEAR:
            return f"{self.when.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.when.year:04d}-{self.when.month:02d}"
        return self.when.isoformat()

    def __str__(self) -> str:
        if self.precision is DatePrecision.YEAR:
            return str(self.when.year)
        if self.precision is DatePrecision.MONTH:
            return f"{calendar.month_name[self.when.month]} {self.when.year}"
        return f"{self.when.day} {calendar.month_name[self.when.month]} {self.when.year}"


@dataclass(frozen=True)
class AreaTag:
    """A relationship marked as involved in a problem area, with the therapist's reason.

    The leaflet's "categorised according to the four problem areas" read as tagging, not as a
    per-relationship category (ipt-method.md §2.1, PRODUCT). The suggester does not read tags:
    they record a decision, they are not evidence for it.
    """

    area: ProblemArea
    reason: str


@dataclass(frozen=True)
class Relationship:
    """One person (or group) in the interpersonal inventory (ipt-method.md §2.1, §2.4).

    Rings count from the centre: 1 is the closest. ``None`` always means "not recorded", never
    "no". ``second_type`` is a second role the same person holds (a sister who is also a
    colleague), so that one person is not entered twice. The grief signs and ``dispute_stage`` are the therapist's judgement, recorded because
    the data cannot show them (decisions.md §11).
    """

    person_id: str
    label: str
    relationship_type: RelationshipType
    status: LifeStatus = LifeStatus.ALIVE
    date_of_death: ApproxDate | None = None
    closeness_now: int | None = None
    closeness_before: int | None = None
    contact_frequency: ContactFrequency | None = None
    importance: int | None = None
    can_confide: bool | None = None
    knows_how_patient_feels: bool | None = None
    satisfying: tuple[str, ...] = ()
    unsatisfying: tuple[str, ...] = ()
    patient_expectations: tuple[str, ...] = ()
    other_expectations: tuple[str, ...] = ()
    expectations_met: bool | None = None
    conflict: Conflict | None = None
    trying_to_resolve: bool | None = None
    talking_stopped: bool | None = None
    judged_beyond_repair: bool | None = None
    topics_avoided: tuple[str, ...] = ()
    symptoms_follow_contact: bool = False
    support_received: str = ""
    support_given: str = ""
    changes_wanted: tuple[str, ...] = ()
    recent_change: str = ""
    avoids_talking_about_death: bool = False
    mourning_avoided: bool = False
    symptoms_tied_to_death: bool = False
    dispute_stage: DisputeStage | None = None
    areas: tuple[AreaTag, ...] = ()
    notes: str = ""
    second_type: RelationshipType | None = None


@dataclass(frozen=True)
class LifeEvent:
    """One event on the timeline (ipt-method.md §2.3, §2.4).

    ``people`` holds person ids from the inventory. ``mood_rating`` (0 = worst, 10 = best) is the
    service user's rating of their mood at the time; ``ed_symptom_note`` is for eating-disorder
    courses (§3.5). ``symptoms_worsened`` records that the low mood (or, in eating-disorder work,
    the eating symptoms) got worse after this event: the link of symptoms to events that the
    timeline is drawn to show (§2.3).
    """

    event_id: str
    when: ApproxDate
    kind: EventKind
    description: str
    people: tuple[str, ...] = ()
    mood_rating: int | None = None
    ed_symptom_note: str = ""
    symptoms_worsened: bool = False


@dataclass(frozen=True)
class EarlierEpisode:
    """A previous episode and what was happening then (ipt-method.md §2.3)."""

    began: ApproxDate
    note: str = ""


@dataclass(frozen=True)
class SuggestionWindows:
    """How near to the onset an event must be to count, and how long grief is normal.

    Source: decisions.md §11 (PRODUCT, configurable): "near onset" is 6 months before the onset to
    1 month after; a death less than 6 months before the assessment with no sign of a complicated
    course is normal grief (ipt-method.md §3.1, §11).
    """

    before_onset: timedelta = timedelta(days=183)
    after_onset: timedelta = timedelta(days=31)
    normal_grief: timedelta = timedelta(days=183)

    def __post_init__(self) -> None:
        for name in ("before_onset", "after_onset", "normal_grief"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"the {name.replace('_', ' ')} window cannot be negative")


DEFAULT_WINDOWS = SuggestionWindows()


@dataclass(frozen=True)
class Case:
    """Everything the focus suggester reads about one episode (ipt-method.md §2.4, §3.7).

    ``assessed_on`` is the "today" of every recency rule, so that a suggestion can be reproduced
    later from the same file. ``onset`` is when the current episode began, if known; when it
    began over a period ("over the winter"), ``onset_until`` is the end of that period, and the
    onset is the span from the first day of ``onset`` to the last day of ``onset_until``.
    """

    assessed_on: date
    variant: Variant = Variant.LEAFLET
    onset: ApproxDate | None = None
    onset_until: ApproxDate | None = None
    chronic_course: bool = False
    relationships: tuple[Relationship, ...] = ()
    events: tuple[LifeEvent, ...] = ()
    earlier_episodes: tuple[EarlierEpisode, ...] = ()
    patterns: tuple[str, ...] = ()
    windows: SuggestionWindows = DEFAULT_WINDOWS

    def __post_init__(self) -> None:
        if self.onset_until is not None:
            if self.onset is None:
                raise ValueError("the end of the onset period needs its start")
            if self.onset_until.last_day < self.onset.first_day:
                raise ValueError("the onset period ends before it starts")

    def person(self, person_id: str) -> Relationship | None:
        """The relationship with this id (the first, should two share it), or ``None``."""
        return self._people_by_id.get(person_id)

    @cached_property
    def _people_by_id(self) -> dict[str, Relationship]:
        # Built once per case, so that looking up every event's people stays linear.
        people: dict[str, Relationship] = {}
        for person in self.relationships:
            people.setdefault(person.person_id, person)
        return people
