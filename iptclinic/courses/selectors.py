"""Read-side queries for pages that list many clients: a fixed number of queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Generic, TypeVar

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from iptclinic.clients.models import Client, Referral
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.phases import ENDING_PROMPT_LABELS, EndingPrompt, Phase, ending_prompt
from iptclinic.ipt.variants import Variant, variant_config

from .models import HELD_CONTRACT_SESSION, Appointment, Course, CourseTimeline

OPEN_STATES = [CourseState.REFERRED, CourseState.ACTIVE]
ENDED_STATES = [CourseState.COMPLETED, CourseState.ENDED_EARLY]


@dataclass(frozen=True)
class CaseloadRow:
    client: Client
    course: Course | None
    timeline: CourseTimeline | None

    @cached_property
    def ending_prompt(self) -> EndingPrompt:
        """Raise the ending from session N−4, a warning from N−2 until it is discussed; the rule
        is ``ipt.phases.ending_prompt``. Ending-phase work counts: a ticked ending task sets
        ``ending_raised_on`` (``save_session_record``), and so does starting the ending record."""
        if not self.course or not self.timeline:
            return EndingPrompt.NONE
        raised = (
            self.course.ending_raised_on is not None
            or getattr(self.course, "ending_record", None) is not None
        )
        return ending_prompt(
            self.timeline.attended,
            self.course.contracted_sessions,
            self.course.variant_enum,
            ending_raised=raised,
        )

    @property
    def ending_prompt_label(self) -> str:
        return ENDING_PROMPT_LABELS[self.ending_prompt]

    @property
    def ending_record_prompt(self) -> str:
        """'write' from the ending phase until the ending record is complete; 'close' once it is
        complete and every contracted session has taken place (issue 5; ipt-method.md R19)."""
        if not self.course or not self.timeline:
            return ""
        record = getattr(self.course, "ending_record", None)
        complete = record is not None and record.is_complete
        if complete and self.timeline.attended >= self.course.contracted_sessions:
            return "close"
        if not complete and self.timeline.current_phase is Phase.ENDING:
            return "write"
        return ""


def open_courses(clients: QuerySet[Client]) -> QuerySet[Course]:
    # Only what the caseload shows: parsing every datetime of thousands of rows is the main cost.
    appointments = Appointment.objects.select_related("record").only(
        "id", "course_id", "starts_at", "status", "attendee", "record__id", "record__signed_at"
    )
    return (
        # The clients stay a subquery and the state leads an index: open courses are found
        # without reading every referral the team ever had.
        Course.objects.filter(state__in=OPEN_STATES, referral__client__in=clients.values("pk"))
        # endings (issue 5): the ending record rides along for the caseload's ending prompts.
        .select_related("referral__client__therapist", "ending_record")
        .prefetch_related(Prefetch("appointments", queryset=appointments))
        .order_by("referral__client__family_name", "referral__client__given_name", "id")
    )


T = TypeVar("T")
ENDED_RECENTLY_DAYS = 90
# Longer sections are found through the client list's search instead. A therapist's open
# courses (25-40) fit; each carries its whole timeline, so a supervisor's or a lead's longer list
# is cut here rather than built and rendered whole (docs/lists.md).
OPEN_COURSES_SHOWN = 50
OTHERS_SHOWN = 50


@dataclass(frozen=True)
class Section(Generic[T]):
    """The first rows of one part of the caseload, and how many there are in all."""

    rows: list[T]
    total: int

    @property
    def is_cut(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class Caseload:
    """The work, not every client ever allocated: open courses, people waiting for a course,
    and courses ended in the last 90 days. Everyone else is found by the client list's search."""

    open: Section[CaseloadRow]
    waiting: Section[Client]
    ended: Section[Course]


def _section(queryset: QuerySet[T], shown: int) -> Section[T]:
    # The total rides on each row (a window over every match, counted before the LIMIT): one
    # query, where a second one to count repeated the whole search.
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:shown])
    return Section(rows=rows, total=rows[0].section_total if rows else 0)


def has_open_course() -> Exists:
    """For a client queryset: the client has a course referred or active."""
    return Exists(Course.objects.filter(referral__client=OuterRef("pk"), state__in=OPEN_STATES))


def is_waiting() -> Q:
    """For a client queryset: no open course, and an open referral with no course yet (every
    client is registered with a referral: ``clients.services.register_client``)."""
    no_course = ~Exists(Course.objects.filter(referral=OuterRef("pk")))
    referrals = Referral.objects.filter(client=OuterRef("pk"), closed_on__isnull=True)
    return ~Q(has_open_course()) & Q(Exists(referrals.filter(no_course)))


def waiting_clients(clients: QuerySet[Client]) -> QuerySet[Client]:
    return (
        clients.filter(is_waiting())
        .select_related("therapist")
        .order_by("family_name", "given_name", "id")
    )


def recently_ended(clients: QuerySet[Client], today: date) -> QuerySet[Course]:
    return (
        Course.objects.filter(
            state__in=ENDED_STATES,
            ended_on__gte=today - timedelta(days=ENDED_RECENTLY_DAYS),
            referral__client__in=clients.values("pk"),
        )
        .select_related("referral__client__therapist")
        .order_by("-ended_on", "-id")
    )


def caseload(clients: QuerySet[Client], today: date) -> Caseload:
    """A fixed number of queries, whatever the number of clients or courses."""
    courses = _section(open_courses(clients), OPEN_COURSES_SHOWN)
    rows = [
        CaseloadRow(client=course.referral.client, course=course, timeline=course.timeline())
        for course in courses.rows
    ]
    return Caseload(
        open=Section(rows=rows, total=courses.total),
        waiting=_section(waiting_clients(clients), OTHERS_SHOWN),
        ended=_section(recently_ended(clients, today), OTHERS_SHOWN),
    )


def with_current_phase(courses: QuerySet[Course]) -> QuerySet[Course]:
    """Courses annotated with ``current_phase``, the phase ``CourseTimeline.current_phase`` gives,
    worked out in the database so a list can filter on it.

    The phase of the last attended session (``ipt.phases.phase_for_session``): the ending from
    the variant's ending range, the middle past the initial range once the focus and agreement
    allow it on the day of that session, otherwise the initial phase (and with none attended).
    The ranges come from each variant's row in ``ipt.variants``; a test holds this equal to the
    timeline for every variant.
    """
    attended = Appointment.objects.filter(HELD_CONTRACT_SESSION, course=OuterRef("pk"))
    count = attended.order_by().values("course").annotate(n=Count("id")).values("n")
    last_day = attended.order_by("-starts_at").annotate(
        day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone())
    )
    whens = []
    for variant in Variant:
        config = variant_config(variant)
        whens += [
            When(
                Q(variant=variant, attended__gt=F("contracted_sessions") - config.ending_sessions),
                then=Value(Phase.ENDING.value),
            ),
            When(
                Q(
                    variant=variant,
                    attended__gt=config.initial_sessions,
                    middle_phase_allowed_on__lte=F("last_attended_on"),
                ),
                then=Value(Phase.MIDDLE.value),
            ),
        ]
    return courses.annotate(
        attended=Coalesce(Subquery(count), 0),
        last_attended_on=Subquery(last_day.values("day")[:1]),
        current_phase=Case(*whens, default=Value(Phase.INITIAL.value)),
    )


def week_bounds(today: date) -> tuple[datetime, datetime]:
    monday = today - timedelta(days=today.weekday())
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    return start, start + timedelta(days=7)


def sessions_between(
    rows: list[CaseloadRow], start: datetime, end: datetime
) -> list[tuple[CaseloadRow, object]]:
    """This week's appointments from the already-loaded timelines: no extra queries."""
    found = []
    for row in rows:
        if not row.timeline:
            continue
        for item in row.timeline.rows:
            if start <= item.appointment.starts_at < end:
                found.append((row, item))
    return sorted(found, key=lambda pair: pair[1].appointment.starts_at)
