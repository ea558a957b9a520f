"""Read-side queries for pages that list many clients: a fixed number of queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from iptclinic.clients.models import Client
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.phases import ENDING_PROMPT_LABELS, EndingPrompt, Phase, ending_prompt

from .models import Appointment, Course, CourseTimeline

OPEN_STATES = [CourseState.REFERRED, CourseState.ACTIVE]


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
        "id", "course_id", "starts_at", "status", "record__id", "record__signed_at"
    )
    return (
        Course.objects.filter(referral__client__in=clients, state__in=OPEN_STATES)
        # endings (issue 5): the ending record rides along for the caseload's ending prompts.
        .select_related("referral__client", "ending_record")
        .prefetch_related(Prefetch("appointments", queryset=appointments))
    )


def caseload(clients: QuerySet[Client]) -> list[CaseloadRow]:
    courses = {course.referral.client_id: course for course in open_courses(clients)}
    rows = []
    for client in clients.select_related("therapist"):
        course = courses.get(client.pk)
        rows.append(
            CaseloadRow(
                client=client, course=course, timeline=course.timeline() if course else None
            )
        )
    return rows


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
