"""Reads for supervision pages, each a fixed number of queries however many clients there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.models import Item
from iptclinic.clients.access import visible_clients
from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment, Course
from iptclinic.courses.selectors import OPEN_STATES
from iptclinic.fidelity.selectors import AdherenceSummary, adherence_summaries
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.safety_net import KIND_LABELS, NeedKind
from iptclinic.ipt.supervision import (
    OFF_TRACK_KINDS,
    off_track,
    recording_may_be_reviewed,
    sessions_since_discussed,
)

from .access import can_see_supervision, supervisees
from .models import Action, CaseDiscussed, Meeting, RecordingReviewed


@dataclass
class ClientRow:
    client: Client
    course: Course
    off_track: tuple[NeedKind, ...]
    records_outstanding: int
    since_discussed: int
    last_discussed: date | None
    adherence: AdherenceSummary | None

    @property
    def off_track_labels(self) -> list[str]:
        return [KIND_LABELS[kind] for kind in self.off_track]


@dataclass
class SuperviseeSection:
    therapist: User
    rows: list[ClientRow] = field(default_factory=list)

    @property
    def off_track_count(self) -> int:
        return sum(1 for row in self.rows if row.off_track)


def _open_courses(clients: QuerySet[Client]) -> QuerySet[Course]:
    return (
        Course.objects.filter(referral__client__in=clients, state__in=OPEN_STATES)
        .select_related("referral__client")
        .order_by("referral__client__family_name", "referral__client__given_name", "pk")
    )


def overview(supervisor: User) -> list[SuperviseeSection]:
    """For each supervisee, each client with an open course: what is off track, the session
    records outstanding, the sessions since the client was last discussed, and when that was."""
    sections = {t.pk: SuperviseeSection(t) for t in supervisees(supervisor)}
    courses = list(
        _open_courses(visible_clients(supervisor).filter(therapist_id__in=list(sections)))
    )
    course_ids = [course.pk for course in courses]
    client_ids = [course.referral.client_id for course in courses]
    open_kinds: dict[int, set[str]] = defaultdict(set)
    for client_id, kind in Item.objects.filter(
        client_id__in=client_ids, resolved_at__isnull=True, kind__in=OFF_TRACK_KINDS
    ).values_list("client_id", "kind"):
        open_kinds[client_id].add(kind)
    attended: dict[int, list[date]] = defaultdict(list)
    unsigned: dict[int, int] = defaultdict(int)
    for course_id, starts_at, signed_at in Appointment.objects.filter(
        course_id__in=course_ids, status=Attendance.ATTENDED
    ).values_list("course_id", "starts_at", "record__signed_at"):
        attended[course_id].append(timezone.localdate(starts_at))
        if signed_at is None:
            unsigned[course_id] += 1
    last = dict(
        CaseDiscussed.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(last=Max("meeting__met_on"))
        .values_list("course_id", "last")
    )
    adherence = adherence_summaries(course_ids)
    for course in courses:
        client = course.referral.client
        sections[client.therapist_id].rows.append(
            ClientRow(
                client=client,
                course=course,
                off_track=off_track(open_kinds[client.pk]),
                records_outstanding=unsigned[course.pk],
                since_discussed=sessions_since_discussed(attended[course.pk], last.get(course.pk)),
                last_discussed=last.get(course.pk),
                adherence=adherence.get(course.pk),
            )
        )
    return list(sections.values())


@dataclass
class CourseChoice:
    """One client the supervisor may discuss, with the sessions and recordings to choose from."""

    course: Course
    sessions: list[tuple[int, str]]
    recordings: list[tuple[int, str]]

    @property
    def client(self) -> Client:
        return self.course.referral.client


def course_choices(therapist: User, today: date) -> list[CourseChoice]:
    """The therapist's clients with an open course, their sessions that took place, and the
    recordings that may be heard today (consent stood on the day and still stands)."""
    attended = Appointment.objects.filter(status=Attendance.ATTENDED).order_by("starts_at", "pk")
    courses = _open_courses(
        visible_clients(therapist).filter(therapist=therapist)
    ).prefetch_related(
        Prefetch("appointments", queryset=attended, to_attr="attended"),
        "referral__client__recording_consents",
    )
    choices = []
    for course in courses:
        periods = [c.period for c in course.referral.client.recording_consents.all()]
        sessions = [
            (a.pk, f"Session {n}, {timezone.localdate(a.starts_at):%-d %b %Y}")
            for n, a in enumerate(course.attended, 1)  # type: ignore[attr-defined]
        ]
        recordings = [
            (a.pk, label)
            for a, (_, label) in zip(course.attended, sessions, strict=True)  # type: ignore[attr-defined]
            if recording_may_be_reviewed(periods, timezone.localdate(a.starts_at), today)
        ]
        choices.append(CourseChoice(course, sessions, recordings))
    return choices


def meeting_detail(meeting_id: int, meetings: QuerySet[Meeting]) -> Meeting:
    """One meeting with everything its page shows, in a fixed number of queries."""
    return (
        meetings.select_related("supervisor", "therapist")
        .prefetch_related(
            Prefetch(
                "cases",
                CaseDiscussed.objects.select_related("course__referral__client", "appointment"),
            ),
            Prefetch(
                "recordings",
                RecordingReviewed.objects.select_related(
                    "appointment__course__referral__client", "consent"
                ),
            ),
            Prefetch("actions", Action.objects.select_related("item")),
        )
        .get(pk=meeting_id)
    )


def meeting_list(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("supervisor", "therapist").prefetch_related(
        Prefetch("cases", CaseDiscussed.objects.select_related("course__referral__client"))
    )


def last_discussed_on(client: Client) -> date | None:
    """When the client was last discussed in supervision, if ever."""
    found: date | None = CaseDiscussed.objects.filter(course__referral__client=client).aggregate(
        last=Max("meeting__met_on")
    )["last"]
    return found


@dataclass(frozen=True)
class SupervisionFacts:
    on: date | None
    consent: date | None


def last_discussed_for(user: User, client: Client) -> SupervisionFacts | None:
    """For the client's page: when the client was last discussed in supervision and since when
    their consent to recording stands; only for their therapist and that therapist's supervisor.
    """
    if not can_see_supervision(user, client.therapist_id):
        return None
    standing = (
        client.recording_consents.filter(withdrawn_on__isnull=True)
        .values_list("given_on", flat=True)
        .first()
    )
    return SupervisionFacts(on=last_discussed_on(client), consent=standing)
