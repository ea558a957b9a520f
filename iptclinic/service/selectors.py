"""The service lead's dashboard: every figure as a numerator of a denominator, in a fixed number of
queries whatever the size of the team (docs/service-dashboard.md defines each one).

Reads three kinds of rows: the clinical records (appointments and courses, counted by SQL
aggregates, with one window function for the session an appointment was for), the derived
``ReferralTimes`` (waits and attribution, kept current by the services) and the reports app's
``StoredOutcome`` (the outcome rules and rows, reused, never worked out again here).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Least
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.clients.models import Referral
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.lifecycle import EARLY_END_REASON_LABELS, CourseState
from iptclinic.ipt.outcomes import OutcomeCounts, OutcomeRates, rates_of
from iptclinic.ipt.service import (
    EIGHTEEN_WEEKS_DAYS,
    LAST_SESSION_BAND,
    SIX_WEEKS_DAYS,
    Share,
    band_label,
)
from iptclinic.reports.models import StoredOutcome
from iptclinic.reports.selectors import COUNTED

from .models import ContactFacts, CourseFacts, ReferralTimes, TherapistCapacity

OPEN_STATES = (CourseState.REFERRED.value, CourseState.ACTIVE.value)
NOT_RECORDED = "No one recorded"
OUTCOMES_NOT_ATTRIBUTED = "No attended session recorded"


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware instants: from the start of ``start`` to the start of the day after
    ``end``, in the service's time zone (a period that crosses a clock change stays whole)."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def counted_contacts(team: Team, start: date, end: date) -> QuerySet[ContactFacts]:
    """Appointments in the period with an attendance that counts: attended, did not attend, or
    cancelled, without the service's cancellations of sessions left when a course ended (those
    have no row: ``services.derived_rows``)."""
    return ContactFacts.objects.filter(team=team, day__range=(start, end))


@dataclass(frozen=True)
class Figure:
    """One figure of the dashboard and where its list is (``figure`` and its filters)."""

    label: str
    share: Share
    figure: str
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return urlencode({"figure": self.figure, **self.filters})


@dataclass(frozen=True)
class AttendanceRow:
    group: str
    did_not_attend: Share
    cancelled_by_client: Share
    cancelled_by_service: Share
    filters: dict[str, str]

    @property
    def query(self) -> str:
        return urlencode({"figure": "appointments", **self.filters})

    @property
    def shares(self) -> list[tuple[Share, str]]:
        """Each rate with its status, for a row of the attendance tables."""
        return [
            (self.did_not_attend, Attendance.DID_NOT_ATTEND.value),
            (self.cancelled_by_client, Attendance.CANCELLED_BY_CLIENT.value),
            (self.cancelled_by_service, Attendance.CANCELLED_BY_SERVICE.value),
        ]


@dataclass(frozen=True)
class CaseloadRow:
    therapist: User
    open_courses: int
    capacity: int | None

    @property
    def share(self) -> Share | None:
        if self.capacity is None or self.open_courses > self.capacity:
            return None
        return Share(self.open_courses, self.capacity)

    @property
    def over(self) -> int:
        return max(0, self.open_courses - (self.capacity or 0)) if self.capacity is not None else 0


@dataclass(frozen=True)
class OutcomeRow:
    group: str
    therapist_id: int | None
    eating_disorder: bool
    rates: OutcomeRates


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date
    today: date
    waits: list[Figure]
    waiting_list: int
    waiting_longest_days: int | None
    attendance: AttendanceRow
    by_therapist: list[AttendanceRow]
    by_session: list[AttendanceRow]
    drop_out: Figure
    drop_out_reasons: list[Figure]
    caseload: list[CaseloadRow]
    courses_started: int
    courses_active: int
    courses_ended: int
    outcomes: list[OutcomeRow]

    @property
    def attendance_rows(self) -> list[AttendanceRow]:
        return [self.attendance]

    @property
    def period(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _waits(team: Team, start: date, end: date) -> list[Figure]:
    """Waits of the referrals first treated (first contacted) in the period: one query each."""
    times = ReferralTimes.objects.filter(team=team)
    figures = []
    for kind, day, days, what in (
        ("treated", "first_treatment_on", "days_to_first_treatment", "a first treatment session"),
        ("contacted", "first_contact_on", "days_to_first_contact", "a first contact"),
    ):
        counts = times.filter(**{f"{day}__range": (start, end)}).aggregate(
            seen=Count("pk"),
            six=Count("pk", filter=Q(**{f"{days}__lte": SIX_WEEKS_DAYS})),
            eighteen=Count("pk", filter=Q(**{f"{days}__lte": EIGHTEEN_WEEKS_DAYS})),
        )
        figures += [
            Figure(
                f"Waited 6 weeks or less for {what}",
                Share(counts["six"], counts["seen"]),
                kind,
                {"within": "6"},
            ),
            Figure(
                f"Waited 18 weeks or less for {what}",
                Share(counts["eighteen"], counts["seen"]),
                kind,
                {"within": "18"},
            ),
        ]
    return figures


def waiting_referrals(team: Team) -> QuerySet[Referral]:
    """Open referrals with no attended session yet: the waiting list today, longest wait first."""
    return (
        Referral.objects.filter(times__team=team, times__waiting=True)
        .select_related("client", "client__therapist", "times")
        .order_by("received_on", "pk")
    )


def _attendance_row(group: str, counts: dict[str, int], filters: dict[str, str]) -> AttendanceRow:
    total = sum(counts.values())
    return AttendanceRow(
        group,
        Share(counts.get(Attendance.DID_NOT_ATTEND.value, 0), total),
        Share(counts.get(Attendance.CANCELLED_BY_CLIENT.value, 0), total),
        Share(counts.get(Attendance.CANCELLED_BY_SERVICE.value, 0), total),
        filters,
    )


def _attendance(
    team: Team, start: date, end: date, names: dict[int | None, str]
) -> tuple[AttendanceRow, list[AttendanceRow], list[AttendanceRow]]:
    """Counts by clinician, session band and status: one GROUP BY over the period's contacts."""
    groups = (
        counted_contacts(team, start, end)
        .annotate(band=Least(F("session"), Value(LAST_SESSION_BAND)))
        .values_list("clinician_id", "band", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total: dict[str, int] = {}
    by_clinician: dict[int | None, dict[str, int]] = {}
    by_band: dict[int, dict[str, int]] = {}
    for clinician, band, status, count in groups:
        for counts in (
            total,
            by_clinician.setdefault(clinician, {}),
            by_band.setdefault(int(band), {}),
        ):
            counts[status] = counts.get(status, 0) + count
    names.update(_names(set(by_clinician) - set(names)))
    return (
        _attendance_row("All", total, {}),
        sorted(
            (
                _attendance_row(
                    names.get(pk, NOT_RECORDED), counts, {"therapist": str(pk or "none")}
                )
                for pk, counts in by_clinician.items()
            ),
            key=lambda row: row.group,
        ),
        [
            _attendance_row(f"Session {band_label(band)}", by_band[band], {"band": str(band)})
            for band in sorted(by_band)
        ],
    )


def _names(ids: set[int | None]) -> dict[int | None, str]:
    found: dict[int | None, str] = {None: NOT_RECORDED}
    for user in User.objects.filter(pk__in=[pk for pk in ids if pk is not None]):
        found[user.pk] = user.display_name
    return found


ENDED_STATES = (CourseState.COMPLETED.value, CourseState.ENDED_EARLY.value)


def _drop_out(team: Team, start: date, end: date) -> tuple[Figure, list[Figure]]:
    """Courses ended in the period; those ended early, by reason (one query)."""
    counts = dict(
        CourseFacts.objects.filter(team=team, ended_on__range=(start, end), state__in=ENDED_STATES)
        .values_list("early_end_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ended = sum(counts.values())
    early = ended - counts.get("", 0)
    reasons = [
        Figure(label, Share(counts.get(reason.value, 0), early), "ended", {"reason": reason.value})
        for reason, label in EARLY_END_REASON_LABELS.items()
    ]
    return Figure("Courses ended early", Share(early, ended), "ended", {"early": "1"}), reasons


def _caseload(team: Team) -> list[CaseloadRow]:
    """Open courses held by each therapist now, against the capacity the lead set (3 queries)."""
    held = dict(
        CourseFacts.objects.filter(team=team, state__in=OPEN_STATES)
        .values_list("therapist_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    capacity = dict(
        TherapistCapacity.objects.filter(team=team).values_list("therapist_id", "open_courses")
    )
    therapists = User.objects.filter(team=team, is_therapist=True, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
    return [CaseloadRow(t, held.get(t.pk, 0), capacity.get(t.pk)) for t in therapists]


def _courses(team: Team, start: date, end: date) -> tuple[int, int, int]:
    """Courses started (first attended session) and ended in the period, and active today."""
    started = Q(started_on__range=(start, end))
    active = Q(state=CourseState.ACTIVE.value)
    ended = Q(ended_on__range=(start, end), state__in=ENDED_STATES)
    counts = CourseFacts.objects.filter(Q(team=team) & (started | active | ended)).aggregate(
        started=Count("pk", filter=started),
        active=Count("pk", filter=active),
        ended=Count("pk", filter=ended),
    )
    return counts["started"], counts["active"], counts["ended"]


def _outcomes(team: Team, start: date, end: date, names: dict[int | None, str]) -> list[OutcomeRow]:
    """The stored outcomes of referrals ended in the period, grouped by the clinician they are
    attributed to (``ReferralTimes.delivered_by``): one GROUP BY, the reports app's counts."""
    delivered = ReferralTimes.objects.filter(referral_id=OuterRef("referral_id")).values(
        "delivered_by_id"
    )[:1]
    rows = (
        StoredOutcome.objects.filter(team=team, ended_on__range=(start, end))
        .annotate(delivered=Subquery(delivered))
        .values_list("eating_disorder", "delivered")
        .annotate(**COUNTED)
        .order_by()
    )
    grouped = []
    names.update(_names({row[1] for row in rows} - set(names)))
    for row in rows:
        eating_disorder, therapist_id, counts = row[0], row[1], row[2:]
        rates = rates_of(OutcomeCounts(**dict(zip(COUNTED, counts, strict=True))))
        label = names.get(therapist_id, "") if therapist_id else OUTCOMES_NOT_ATTRIBUTED
        grouped.append(OutcomeRow(label, therapist_id, eating_disorder, rates))
    return sorted(grouped, key=lambda r: (r.eating_disorder, r.therapist_id is None, r.group))


def dashboard(team: Team, start: date, end: date) -> Dashboard:
    """Every figure for ``team`` over ``start``..``end`` (inclusive) and the waiting list today."""
    today = timezone.localdate()
    names: dict[int | None, str] = {}
    waiting = ReferralTimes.objects.filter(team=team, waiting=True).aggregate(
        people=Count("pk"), oldest=Min("received_on")
    )
    oldest = waiting["oldest"]
    total, by_therapist, by_session = _attendance(team, start, end, names)
    drop_out, reasons = _drop_out(team, start, end)
    started, active, ended = _courses(team, start, end)
    return Dashboard(
        start=start,
        end=end,
        today=today,
        waits=_waits(team, start, end),
        waiting_list=waiting["people"],
        waiting_longest_days=(today - oldest).days if oldest else None,
        attendance=total,
        by_therapist=by_therapist,
        by_session=by_session,
        drop_out=drop_out,
        drop_out_reasons=reasons,
        caseload=_caseload(team),
        courses_started=started,
        courses_active=active,
        courses_ended=ended,
        outcomes=_outcomes(team, start, end, names),
    )


CSV_HEADER = [
    "period_start",
    "period_end",
    "section",
    "figure",
    "group",
    "numerator",
    "denominator",
    "percent",
]


def csv_rows(board: Dashboard) -> Iterator[list[str]]:
    """Every figure of the dashboard as one line with its numerator and denominator."""
    yield CSV_HEADER
    period = [board.start.isoformat(), board.end.isoformat()]

    def line(
        section: str, figure: str, group: str, share: Share | None, count: int | None = None
    ) -> list[str]:
        if share is None:
            return [*period, section, figure, group, str(count or 0), "", ""]
        percent = "" if share.percent is None else str(share.percent)
        return [
            *period,
            section,
            figure,
            group,
            str(share.numerator),
            str(share.denominator),
            percent,
        ]

    for figure in board.waits:
        yield line("Waiting times", figure.label, "All", figure.share)
    yield line(
        "Waiting times",
        "Waiting for a first treatment session today",
        "All",
        None,
        board.waiting_list,
    )
    for row in [board.attendance, *board.by_therapist, *board.by_session]:
        section = "Attendance"
        for label, share in (
            ("Did not attend", row.did_not_attend),
            ("Cancelled by the client", row.cancelled_by_client),
            ("Cancelled by the service", row.cancelled_by_service),
        ):
            yield line(section, label, row.group, share)
    yield line("Drop-out", board.drop_out.label, "All", board.drop_out.share)
    for figure in board.drop_out_reasons:
        yield line("Drop-out", "Ended early: reason", figure.label, figure.share)
    for row in board.caseload:
        yield line(
            "Caseload",
            "Open courses of capacity",
            row.therapist.display_name,
            row.share,
            row.open_courses,
        )
    yield line("Courses", "Started in the period", "All", None, board.courses_started)
    yield line("Courses", "Active today", "All", None, board.courses_active)
    yield line("Courses", "Ended in the period", "All", None, board.courses_ended)
    for row in board.outcomes:
        cohort = "eating-disorder referrals" if row.eating_disorder else "other referrals"
        for rate in row.rates.rates:
            share = Share(rate.numerator, rate.denominator)
            yield line(
                "Outcomes by the clinician who delivered",
                f"{rate.label} ({cohort})",
                row.group,
                share,
            )
