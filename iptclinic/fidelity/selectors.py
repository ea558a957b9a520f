"""What the adherence pages show: each session's ratings, the chart, and where ratings differ."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from iptclinic.accounts.models import User
from iptclinic.courses.models import Appointment, Course, SessionRecord, TimelineRow
from iptclinic.inventory.models import FocusDecision
from iptclinic.ipt.fidelity import (
    Comparison,
    FocusSpell,
    Item,
    checklist_for,
    compare,
    focus_in_force,
)
from iptclinic.ipt.phases import PHASE_LABELS, Phase

from .access import sources_for
from .chart import AdherencePoint, adherence_chart_svg
from .models import AdherenceChecklist, AdherenceRating


@dataclass(frozen=True)
class SessionAdherence:
    """One attended session with a record: its ratings, the latest of each kind."""

    row: TimelineRow
    checklist: AdherenceChecklist | None
    own: AdherenceRating | None
    supervisor: AdherenceRating | None
    mine: AdherenceRating | None

    @property
    def appointment(self) -> Appointment:
        return self.row.appointment

    @property
    def phase_label(self) -> str:
        if self.checklist is not None:
            return PHASE_LABELS[Phase(self.checklist.phase)]
        return self.row.phase_label

    @property
    def comparison(self) -> Comparison | None:
        if self.checklist is None or self.own is None or self.supervisor is None:
            return None
        return compare(self.checklist.item_list, self.own.scores, self.supervisor.scores)


@dataclass(frozen=True)
class CourseAdherence:
    course: Course
    sessions: list[SessionAdherence]

    @property
    def rated(self) -> list[SessionAdherence]:
        return [s for s in self.sessions if s.own or s.supervisor]

    @property
    def differences(self) -> list[tuple[SessionAdherence, Comparison]]:
        return [(s, c) for s in self.sessions if (c := s.comparison) is not None and c.differs]

    @property
    def chart(self) -> SafeString:
        svg = adherence_chart_svg(
            points=[
                AdherencePoint(
                    f"Session {s.row.number}",
                    s.own.score.percent if s.own else None,
                    s.supervisor.score.percent if s.supervisor else None,
                )
                for s in self.rated
            ],
            svg_id=f"adherence-{self.course.pk}",
        )
        # The builder escapes every text it is given (lib/svg.py), so the markup is safe.
        return mark_safe(svg)  # noqa: S308


def _latest(ratings: list[AdherenceRating]) -> AdherenceRating | None:
    return max(ratings, key=lambda r: (r.updated_at, r.pk), default=None)


def course_adherence(course: Course, viewer: User) -> CourseAdherence:
    """Every attended session with a record, in order, with its ratings: four queries."""
    timeline = Course.objects.prefetch_related("appointments").get(pk=course.pk).timeline()
    ids = [r.appointment.pk for r in timeline.attended_rows]
    written = set(
        SessionRecord.objects.filter(appointment_id__in=ids).values_list(
            "appointment_id", flat=True
        )
    )
    checklists = {
        c.appointment_id: c
        for c in AdherenceChecklist.objects.filter(appointment_id__in=ids).prefetch_related(
            "ratings"
        )
    }
    sessions = []
    for row in timeline.attended_rows:
        if row.appointment.pk not in written:
            continue
        checklist = checklists.get(row.appointment.pk)
        ratings = list(checklist.ratings.all()) if checklist else []
        sessions.append(
            SessionAdherence(
                row=row,
                checklist=checklist,
                own=_latest([r for r in ratings if not r.by_supervisor]),
                supervisor=_latest([r for r in ratings if r.by_supervisor]),
                mine=next((r for r in ratings if r.rater_id == viewer.pk), None),
            )
        )
    return CourseAdherence(course=course, sessions=sessions)


@dataclass(frozen=True)
class AdherenceSummary:
    """A course's adherence at a glance, for the supervisor's overview."""

    sessions_rated: int
    therapist_latest: AdherenceRating | None
    supervisor_latest: AdherenceRating | None
    sessions_differing: int


def adherence_summaries(course_ids: list[int]) -> dict[int, AdherenceSummary]:
    """For each course with a rated session: its latest rating of each kind (by session, then by
    when it was made) and how many sessions the therapist and the supervisor rated differently.
    One query, whatever the number of courses."""
    by_checklist: dict[int, list[AdherenceRating]] = {}
    for rating in AdherenceRating.objects.filter(
        checklist__appointment__course_id__in=course_ids
    ).select_related("checklist__appointment"):
        by_checklist.setdefault(rating.checklist_id, []).append(rating)
    by_course: dict[int, list[tuple[AdherenceChecklist, list[AdherenceRating]]]] = {}
    for ratings in by_checklist.values():
        checklist = ratings[0].checklist
        by_course.setdefault(checklist.appointment.course_id, []).append((checklist, ratings))
    summaries = {}
    for course_id, sessions in by_course.items():
        sessions.sort(key=lambda pair: pair[0].appointment.starts_at)
        therapist_latest = supervisor_latest = None
        differing = 0
        for checklist, ratings in sessions:
            own = _latest([r for r in ratings if not r.by_supervisor])
            supervisor = _latest([r for r in ratings if r.by_supervisor])
            therapist_latest = own or therapist_latest
            supervisor_latest = supervisor or supervisor_latest
            if (
                own
                and supervisor
                and compare(checklist.item_list, own.scores, supervisor.scores).differs
            ):
                differing += 1
        summaries[course_id] = AdherenceSummary(
            sessions_rated=len(sessions),
            therapist_latest=therapist_latest,
            supervisor_latest=supervisor_latest,
            sessions_differing=differing,
        )
    return summaries


def own_rating(appointment: Appointment, rater: User) -> AdherenceRating | None:
    return (
        AdherenceRating.objects.filter(checklist__appointment=appointment, rater=rater)
        .select_related("checklist")
        .first()
    )


class NotASession(Exception):
    """The appointment was not an attended session, so it has no number and no checklist."""


def new_checklist(appointment: Appointment) -> tuple[int, Phase, tuple[Item, ...]]:
    """The session's number, phase and checklist as they would be fixed now (three queries).

    From the session's phase and the focus in force at the session
    (:func:`iptclinic.ipt.fidelity.checklist_for`).
    """
    course = Course.objects.prefetch_related("appointments").get(pk=appointment.course_id)
    row = next((r for r in course.timeline().rows if r.appointment.pk == appointment.pk), None)
    if row is None or row.number is None:
        raise NotASession
    spells = [
        FocusSpell(
            decided_at=d.decided_at,
            superseded_at=d.superseded_at,
            areas=tuple(d.areas),
            dispute_stage=d.dispute_stage or None,
        )
        for d in FocusDecision.objects.filter(course=course)
    ]
    made = checklist_for(
        row.number,
        course.contracted_sessions,
        course.variant_enum,
        focus_agreed=course.focus_agreed_for(appointment),
        focus=focus_in_force(spells, appointment.starts_at),
    )
    return row.number, made.phase, made.items


def record_link(user: User, appointment: Appointment) -> dict[str, object] | None:
    """What the session record shows about rating adherence, for whoever may rate it (else None).

    ``appointment`` comes with its client and therapist loaded (``courses.access``).
    """
    if not sources_for(user, appointment.course.referral.client):
        return None
    return {"appointment": appointment, "rating": own_rating(appointment, user)}
