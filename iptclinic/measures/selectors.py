"""Read-side queries for questionnaires, charts, outcomes and alerts: a fixed number of queries.

Outcomes follow ``ipt.outcomes`` (measures-and-standards.md §2; decisions.md §7, §15, §16): the
referral is the unit; its attended treatment sessions are the attended appointments of all its
courses; first and last scores come from ``first_and_last``.

When a referral has ended (PRODUCT, the foundation has no separate referral discharge yet): on
its ``closed_on`` date if set, otherwise when it has at least one course and none is still open,
on the latest course end date. Until then its outcome is shown "so far", classified as if it
ended today, and it is left out of service reports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from iptclinic.accounts.models import Team, User
from iptclinic.clients.access import visible_clients
from iptclinic.clients.models import EATING_DISORDERS, Client, Referral
from iptclinic.courses.models import CONTRACT_ATTENDEES, HELD_CONTRACT_SESSION, Appointment, Course
from iptclinic.courses.selectors import OPEN_STATES
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.instruments import GAD7, INSTRUMENTS, PHQ9, Instrument
from iptclinic.ipt.measure_schedule import due_at_session
from iptclinic.ipt.outcomes import ReferralOutcome, ScorePair, classify, first_and_last
from iptclinic.ipt.portal_questionnaires import (
    PLAIN_WORDS,
    PlainWords,
    due_in_portal,
    is_open,
    plain_band,
    plain_band_rows,
)

from .access import is_duty_clinician
from .chart import ChartBand, ChartPoint, score_chart_svg
from .models import PortalScores, QuestionnaireDraft, QuestionnaireResponse, RiskAlert

OUTCOME_MEASURES = (PHQ9.code, GAD7.code)


# --- Alerts -------------------------------------------------------------------------------------


def caseload_alerts(clients: QuerySet[Client]) -> list[RiskAlert]:
    """Open alerts of the given clients, overdue first, then oldest.

    The clients stay a subquery: one indexed query on open alerts, however many clients the
    person can see (a list of 85,000 ids was a 586 KB statement at trust scale).
    """
    alerts = (
        RiskAlert.objects.open()
        .filter(client__in=clients.values("pk"))
        .select_related("client__therapist")
        .order_by("raised_at", "id")
    )
    return sorted(alerts, key=lambda a: (not a.is_escalated, a.raised_at, a.pk))


def duty_alerts(user: User) -> list[RiskAlert]:
    """For the team's duty clinician: escalated open alerts of clients not on their own list."""
    if not is_duty_clinician(user):
        return []
    return list(
        RiskAlert.objects.escalated()
        .filter(client__team_id=user.team_id)
        .exclude(client__in=visible_clients(user))
        .select_related("client__therapist")
        .order_by("escalate_at", "id")
    )


def client_alerts(client: Client) -> tuple[list[RiskAlert], list[RiskAlert]]:
    """(open, reviewed) alerts of one client, oldest open first, latest review first."""
    alerts = list(
        RiskAlert.objects.filter(client=client).select_related(
            "raised_by", "reviewed_by", "questionnaire", "session_record__appointment"
        )
    )
    open_ = sorted((a for a in alerts if a.is_open), key=lambda a: (a.raised_at, a.pk))
    reviewed = [a for a in alerts if not a.is_open]
    return open_, reviewed


# --- Outcomes per referral ----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFacts:
    state: str
    ended_on: date | None
    attended: int


@dataclass(frozen=True)
class ReferralResult:
    """A referral's NHS Talking Therapies outcome, final once it has ended, else "so far"."""

    referral: Referral
    ended_on: date | None
    attended: int
    phq9: ScorePair
    gad7: ScorePair
    outcome: ReferralOutcome

    @property
    def final(self) -> bool:
        return self.ended_on is not None

    @property
    def eating_disorder(self) -> bool:
        return self.referral.presenting_problem in EATING_DISORDERS


def referral_ended_on(referral: Referral, courses: Sequence[CourseFacts]) -> date | None:
    if referral.closed_on:
        return referral.closed_on
    if not courses or any(c.state in OPEN_STATES for c in courses):
        return None
    ends = [c.ended_on for c in courses if c.ended_on]
    return max(ends) if ends else None


def referral_result(
    referral: Referral,
    courses: Sequence[CourseFacts],
    scores: Sequence[tuple[str, date, int | None]],
) -> ReferralResult:
    """Classify one referral from its courses and its (instrument, date, total) scores.

    ``scores`` must be in completion order (date, then when recorded).
    """
    ended_on = referral_ended_on(referral, courses)
    attended = sum(c.attended for c in courses)
    pairs = {
        code: first_and_last(
            [(when, total) for kind, when, total in scores if kind == code], ended_on
        )
        for code in OUTCOME_MEASURES
    }
    outcome = classify(
        phq9=pairs[PHQ9.code],
        gad7=pairs[GAD7.code],
        attended_treatment_sessions=attended,
        # An open referral is classified as if it ended today: its outcome "so far".
        ended=True,
    )
    return ReferralResult(
        referral=referral,
        ended_on=ended_on,
        attended=attended,
        phq9=pairs[PHQ9.code],
        gad7=pairs[GAD7.code],
        outcome=outcome,
    )


def referral_results(referrals: Iterable[Referral]) -> list[ReferralResult]:
    """Outcomes of many referrals in two queries, however many there are."""
    referrals = list(referrals)
    ids = [r.pk for r in referrals]
    courses: dict[int, list[CourseFacts]] = defaultdict(list)
    for referral_id, state, ended_on, attended in (
        Course.objects.filter(referral_id__in=ids)
        .annotate(
            attended=Count(
                "appointments",
                filter=Q(
                    appointments__status=Attendance.ATTENDED,
                    appointments__attendee__in=CONTRACT_ATTENDEES,
                ),
            )
        )
        .values_list("referral_id", "state", "ended_on", "attended")
    ):
        courses[referral_id].append(CourseFacts(state, ended_on, attended))
    scores: dict[int, list[tuple[str, date, int | None]]] = defaultdict(list)
    for referral_id, code, when, total in (
        QuestionnaireResponse.objects.filter(referral_id__in=ids, instrument__in=OUTCOME_MEASURES)
        .order_by("completed_on", "recorded_at", "id")
        .values_list("referral_id", "instrument", "completed_on", "total")
    ):
        scores[referral_id].append((code, when, total))
    return [referral_result(r, courses[r.pk], scores[r.pk]) for r in referrals]


# --- One client's measures ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    response: QuestionnaireResponse
    session: int | None

    @property
    def label(self) -> str:
        if self.session:
            return f"S{self.session}"
        return f"{self.response.completed_on:%-d %b}"

    @property
    def occasion(self) -> str:
        return f"Session {self.session}" if self.session else "Outside a session"


@dataclass(frozen=True)
class InstrumentSeries:
    instrument: Instrument
    rows: list[ScoreRow]

    @property
    def latest(self) -> ScoreRow:
        return self.rows[-1]

    @property
    def chart(self) -> SafeString:
        form = self.instrument
        svg = score_chart_svg(
            title=f"{form.short_name} scores",
            points=[
                ChartPoint(row.label, row.response.total, row.response.prorated)
                for row in self.rows
            ],
            max_score=form.max_total,
            bands=[ChartBand(b.low, b.high, b.label) for b in form.bands],
            caseness=form.caseness_threshold,
            reliable_change=form.reliable_change,
            svg_id=f"chart-{form.code}",
        )
        # The builder escapes every text it is given (lib/svg.py), so the markup is safe.
        return mark_safe(svg)  # noqa: S308


@dataclass(frozen=True)
class ClientMeasures:
    series: list[InstrumentSeries]
    results: list[ReferralResult]


def _session_numbers(courses: Iterable[Course]) -> dict[int, int]:
    numbers: dict[int, int] = {}
    for course in courses:
        for row in course.timeline().rows:
            if row.number:
                numbers[row.appointment.pk] = row.number
    return numbers


def client_measures(client: Client) -> ClientMeasures:
    """Scores by instrument with session numbers, and the outcome of every referral."""
    responses = list(
        QuestionnaireResponse.objects.filter(client=client).order_by(
            "completed_on", "recorded_at", "id"
        )
    )
    courses = list(Course.objects.filter(referral__client=client).prefetch_related("appointments"))
    numbers = _session_numbers(courses)
    by_code: dict[str, list[ScoreRow]] = defaultdict(list)
    for response in responses:
        session = numbers.get(response.appointment_id) if response.appointment_id else None
        by_code[response.instrument].append(ScoreRow(response, session))
    series = [
        InstrumentSeries(form, by_code[code]) for code, form in INSTRUMENTS.items() if by_code[code]
    ]
    facts: dict[int, list[CourseFacts]] = defaultdict(list)
    for course in courses:
        attended = sum(
            1 for a in course.appointments.all() if a.is_attended and a.counts_toward_contract
        )
        facts[course.referral_id].append(CourseFacts(course.state, course.ended_on, attended))
    results = [
        referral_result(
            referral,
            facts[referral.pk],
            [
                (r.instrument, r.completed_on, r.total)
                for r in responses
                if r.referral_id == referral.pk
            ],
        )
        for referral in Referral.objects.filter(client=client)
    ]
    return ClientMeasures(series=series, results=results)


# --- One session's measures ---------------------------------------------------------------------


@dataclass(frozen=True)
class SessionMeasure:
    instrument: Instrument
    due: bool
    response: QuestionnaireResponse | None


@dataclass(frozen=True)
class SessionMeasures:
    """``checklist``: due at this session or recorded in it; ``others``: neither, but recordable."""

    checklist: list[SessionMeasure]
    others: list[Instrument]


def session_measures(
    appointment_id: int, number: int, contracted: int, team: Team
) -> SessionMeasures:
    """The questionnaires due at this session (decisions §12) and those recorded in it."""
    done = {
        r.instrument: r for r in QuestionnaireResponse.objects.filter(appointment_id=appointment_id)
    }
    due = set(due_at_session(number, max(contracted, number), team.schedule))
    return SessionMeasures(
        checklist=[
            SessionMeasure(form, code in due, done.get(code))
            for code, form in INSTRUMENTS.items()
            if code in due or code in done
        ],
        others=[form for code, form in INSTRUMENTS.items() if code not in due and code not in done],
    )


# --- The portal: questionnaires due before the next session, and the person's own scores -------


@dataclass(frozen=True)
class DueQuestionnaire:
    """A questionnaire open in the portal for the next planned session, with any draft of it."""

    appointment: Appointment
    instrument: Instrument
    draft: QuestionnaireDraft | None

    @property
    def answered(self) -> int:
        if self.draft is None:
            return 0
        return sum(1 for value in self.draft.answers.values() if value is not None)


def next_planned_session(client: Client, now: datetime | None = None) -> Appointment | None:
    """The client's next planned session that has not started yet (a parent or carer session
    without them is not theirs to prepare for)."""
    return (
        Appointment.objects.filter(
            course__referral__client=client,
            status=Attendance.PLANNED,
            starts_at__gt=now or timezone.now(),
            attendee__in=CONTRACT_ATTENDEES,
        )
        .select_related("course")
        .order_by("starts_at", "id")
        .first()
    )


def portal_due(client: Client, now: datetime | None = None) -> list[DueQuestionnaire]:
    """What the person can answer now (``ipt.portal_questionnaires``): a fixed number of queries.

    Only the next planned session counts: its questionnaires open a few days before it and close
    when it starts, and each closes once that session has one of that instrument, from the portal
    or from clinic (H-091: answers always belong to the session they were asked for).
    """
    now = now or timezone.now()
    appointment = next_planned_session(client, now)
    if appointment is None or not is_open(now, appointment.starts_at):
        return []
    course = appointment.course
    attended = course.appointments.filter(HELD_CONTRACT_SESSION).count()
    done = set(
        QuestionnaireResponse.objects.filter(appointment=appointment).values_list(
            "instrument", flat=True
        )
    )
    drafts = {d.instrument: d for d in QuestionnaireDraft.objects.filter(appointment=appointment)}
    codes = due_in_portal(attended, course.contracted_sessions, done, client.team.schedule)
    return [DueQuestionnaire(appointment, INSTRUMENTS[code], drafts.get(code)) for code in codes]


def portal_scores_shown(client: Client) -> bool:
    """Whether the therapist lets the client see their scores (shown unless switched off)."""
    return not PortalScores.objects.filter(client=client, shown=False).exists()


@dataclass(frozen=True)
class OwnScores:
    """One questionnaire's scores for the person: chart, rows and plain words."""

    instrument: Instrument
    responses: list[QuestionnaireResponse]
    plain: PlainWords
    bands: list[tuple[str, str]]

    @property
    def chart(self) -> SafeString:
        form = self.instrument
        svg = score_chart_svg(
            title=f"Your {form.short_name} scores",
            points=[
                ChartPoint(f"{r.completed_on:%-d %b}", r.total, r.prorated) for r in self.responses
            ],
            max_score=form.max_total,
            bands=[
                ChartBand(band.low, band.high, words)
                for band, words in zip(form.bands, self.plain.bands, strict=True)
            ],
            # The clinical caseness line and reliable-change band are left off the person's own
            # chart: they are for the clinician's judgement and are easy to misread (H-093).
            caseness=None,
            reliable_change=None,
            svg_id=f"own-chart-{form.code}",
        )
        # The builder escapes every text it is given (lib/svg.py), so the markup is safe.
        return mark_safe(svg)  # noqa: S308

    @property
    def rows(self) -> list[tuple[QuestionnaireResponse, str]]:
        """Each response with its score in plain words, for the table beside the chart."""
        return [
            (
                r,
                "no score: too many questions were left blank"
                if r.total is None
                else plain_band(self.instrument, r.total),
            )
            for r in self.responses
        ]


def own_scores(client: Client) -> list[OwnScores]:
    """The person's scores by questionnaire, oldest first: one query however many there are."""
    by_code: dict[str, list[QuestionnaireResponse]] = defaultdict(list)
    for response in QuestionnaireResponse.objects.filter(client=client).order_by(
        "completed_on", "recorded_at", "id"
    ):
        by_code[response.instrument].append(response)
    return [
        OwnScores(form, by_code[code], PLAIN_WORDS[code], plain_band_rows(form))
        for code, form in INSTRUMENTS.items()
        if by_code[code]
    ]
