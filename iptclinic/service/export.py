"""The dataset export for the service's own analysts: referrals and care contacts as two CSVs.

Shaped like the core fields of the NHS Talking Therapies dataset (one row per referral, one per
care contact), but NOT the official submission format: the column names, codes and coverage are
this product's (docs/dataset-export.md). Every column is declared once below, with the words the
column dictionary prints; ``tests`` hold docs/dataset-export.md to these declarations.

People are named by pseudonymous codes (a keyed hash of the record's id), never by NHS number or
name; the same person has the same code in both files and in every export made with the same
``SECRET_KEY``. Rows are read with ``.iterator(chunk_size=...)`` and written as they are read, so
memory stays flat however many rows a trust has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac

from iptclinic.accounts.models import Team
from iptclinic.clients.models import Referral
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.outcomes import Status
from iptclinic.ipt.service import EIGHTEEN_WEEKS_DAYS, SIX_WEEKS_DAYS, is_left_when_ended
from iptclinic.measures.models import QuestionnaireResponse

from .selectors import period_bounds

CHUNK = 2000
NOT_OFFICIAL = (
    "This export is for the service's own analysis. It is shaped like the NHS Talking Therapies "
    "dataset but it is not the official submission format and must not be submitted as one."
)

ATTENDANCE_CODES = {
    Attendance.ATTENDED: "5",
    Attendance.CANCELLED_BY_CLIENT: "2",
    Attendance.DID_NOT_ATTEND: "3",
    Attendance.CANCELLED_BY_SERVICE: "4",
    Attendance.PLANNED: "0",
}
"""NHS Data Dictionary "attended or did not attend" codes (checked against the Data Dictionary;
the domain notes do not list them). 5 attended on time, 2 cancelled by or on behalf of the
patient, 3 did not attend without warning, 4 cancelled or postponed by the provider, 0 not
applicable: the appointment is in the future. Whether the Talking Therapies dataset accepts 0 was
not verified. Codes 6 and 7 (arrived late) are never written: the product does not record lateness.
"""


def code(kind: str, pk: int | None) -> str:
    """A pseudonymous code for a record: stable, not reversible without the secret key."""
    if pk is None:
        return ""
    digest = salted_hmac("iptclinic.service.export", f"{kind}:{pk}", algorithm="sha256")
    return f"{kind[0].upper()}{digest.hexdigest()[:12]}"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    value: Callable[[Any], str]


def _outcome(referral: Referral) -> Any:
    return getattr(referral, "stored_outcome", None)


def _times(referral: Referral) -> Any:
    return getattr(referral, "times", None)


def _from_outcome(field: str, convert: Callable[[Any], str] = _number) -> Callable[[Any], str]:
    def value(referral: Referral) -> str:
        outcome = _outcome(referral)
        return convert(getattr(outcome, field)) if outcome else ""

    return value


def _when_ended(field: str, convert: Callable[[Any], str]) -> Callable[[Any], str]:
    """An outcome, only once the referral has ended: before that the stored row holds the
    figures so far, which an analyst would read as a result."""

    def value(referral: Referral) -> str:
        outcome = _outcome(referral)
        return convert(getattr(outcome, field)) if outcome and outcome.ended_on else ""

    return value


def _token(value: str | None) -> str:
    """A class as one word for analysts' tools: "finished, no paired scores" → finished_no_paired_scores."""
    return "" if not value else value.replace(", ", "_").replace(" ", "_")


def _from_times(field: str, convert: Callable[[Any], str] = _number) -> Callable[[Any], str]:
    def value(referral: Referral) -> str:
        times = _times(referral)
        return convert(getattr(times, field)) if times else ""

    return value


def _within(limit: int) -> Callable[[Any], str]:
    def value(referral: Referral) -> str:
        times = _times(referral)
        days = times.days_to_first_treatment if times else None
        return "" if days is None else _yes_no(days <= limit)

    return value


def _age(referral: Referral) -> str:
    born, on = referral.client.date_of_birth, referral.received_on
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _finished(referral: Referral) -> str:
    outcome = _outcome(referral)
    if not outcome or outcome.ended_on is None:
        return ""
    return _yes_no(outcome.status != Status.NOT_FINISHED.value)


REFERRAL_COLUMNS = [
    Column(
        "person_code",
        "Pseudonymous code of the person (same in both files).",
        lambda r: code("person", r.client_id),
    ),
    Column(
        "referral_code",
        "Pseudonymous code of the referral (same in both files).",
        lambda r: code("referral", r.pk),
    ),
    Column("age_at_referral", "Age in whole years on the referral date.", _age),
    Column(
        "referral_received_date",
        "Date the referral was received (YYYY-MM-DD).",
        lambda r: _day(r.received_on),
    ),
    Column(
        "presenting_problem",
        "Presenting problem code: depression, bulimia_nervosa, binge_eating_disorder or other.",
        lambda r: r.presenting_problem,
    ),
    Column(
        "eating_disorder",
        "Y for an eating-disorder referral (reported apart), else N.",
        _from_outcome("eating_disorder", _yes_no),
    ),
    Column(
        "first_contact_date",
        "The earlier of the first attended session and the first "
        "questionnaire entered in clinic for the referral.",
        _from_times("first_contact_on", _day),
    ),
    Column(
        "first_treatment_date",
        "Date of the first attended session.",
        _from_times("first_treatment_on", _day),
    ),
    Column(
        "days_to_first_contact",
        "Days from referral to first contact.",
        _from_times("days_to_first_contact"),
    ),
    Column(
        "days_to_first_treatment",
        "Days from referral to the first attended session.",
        _from_times("days_to_first_treatment"),
    ),
    Column(
        "first_treatment_within_6_weeks",
        f"Y if the first attended session was at most "
        f"{SIX_WEEKS_DAYS} days after referral; blank if none yet.",
        _within(SIX_WEEKS_DAYS),
    ),
    Column(
        "first_treatment_within_18_weeks",
        f"Y if the first attended session was at most "
        f"{EIGHTEEN_WEEKS_DAYS} days after referral; blank if none yet.",
        _within(EIGHTEEN_WEEKS_DAYS),
    ),
    Column("courses", "Courses of IPT opened under the referral.", lambda r: str(r.course_count)),
    Column(
        "latest_course_state",
        "State of the latest course: referred, active, completed or ended_early.",
        lambda r: r.latest_state or "",
    ),
    Column(
        "end_reason",
        "Why the latest course ended early: dropped_out, discharged_early, "
        "not_suitable, moved_away or other; blank if it did not.",
        lambda r: r.latest_reason or "",
    ),
    Column(
        "referral_end_date",
        "Date the referral ended for outcome reporting (its last course ended); blank while open.",
        _from_outcome("ended_on", _day),
    ),
    Column(
        "referral_closed_date",
        "Date the referral was closed on the record, if it was.",
        lambda r: _day(r.closed_on),
    ),
    Column(
        "care_contacts",
        "Appointments with an attendance recorded (any code but 0).",
        lambda r: str(r.contact_count),
    ),
    Column(
        "attended_treatment_sessions",
        "Attended sessions of every course of the referral.",
        _from_times("attended"),
    ),
    Column(
        "finished_course_of_treatment",
        "Y if the referral ended with at least 2 attended "
        "sessions; N if it ended with fewer; blank while open.",
        _finished,
    ),
    Column("phq9_first", "First valid PHQ-9 total of the referral.", _from_outcome("phq9_first")),
    Column(
        "phq9_last",
        "Last valid PHQ-9 total on or before the referral ended.",
        _from_outcome("phq9_last"),
    ),
    Column("gad7_first", "First valid GAD-7 total of the referral.", _from_outcome("gad7_first")),
    Column(
        "gad7_last",
        "Last valid GAD-7 total on or before the referral ended.",
        _from_outcome("gad7_last"),
    ),
    Column(
        "at_caseness_at_start",
        "Y if the first scores were at caseness (PHQ-9 10 or more, or GAD-7 8 or more).",
        _from_outcome("at_caseness_at_start", _yes_no),
    ),
    Column(
        "recovered",
        "Y if at caseness at start and below it at the end; blank while open.",
        _when_ended("recovered", _yes_no),
    ),
    Column(
        "reliable_change",
        "reliable_improvement, reliable_deterioration or "
        "no_reliable_change; blank without paired scores or while open.",
        _when_ended("change", _token),
    ),
    Column(
        "reliable_recovery",
        "Y if recovered and reliably improved; blank while open.",
        _when_ended("reliable_recovery", _yes_no),
    ),
    Column(
        "outcome_status",
        "not_finished, finished_no_paired_scores or finished, as the outcomes report counts it; "
        "blank while open.",
        _when_ended("status", _token),
    ),
    Column(
        "delivered_by_code",
        "Pseudonymous code of the clinician the results are attributed "
        "to (most attended sessions delivered; a tie goes to the latest).",
        lambda r: code("clinician", _times(r).delivered_by_id if _times(r) else None),
    ),
]

SCORED = {"phq9": "phq9_total", "gad7": "gad7_total", "wsas": "wsas_total"}


def _score(instrument: str) -> Callable[[Any], str]:
    return lambda a: _number(getattr(a, SCORED[instrument]))


CONTACT_COLUMNS = [
    Column(
        "person_code",
        "Pseudonymous code of the person (as in the referrals file).",
        lambda a: code("person", a.client_id),
    ),
    Column(
        "referral_code",
        "Pseudonymous code of the referral (as in the referrals file).",
        lambda a: code("referral", a.referral_id),
    ),
    Column(
        "course_code",
        "Pseudonymous code of the course of IPT.",
        lambda a: code("course", a.course_id),
    ),
    Column(
        "care_contact_code",
        "Pseudonymous code of the appointment.",
        lambda a: code("appointment", a.pk),
    ),
    Column(
        "care_contact_date",
        "Date of the appointment (YYYY-MM-DD, UK time).",
        lambda a: timezone.localtime(a.starts_at).date().isoformat(),
    ),
    Column(
        "care_contact_time",
        "Start time of the appointment (HH:MM, UK time).",
        lambda a: f"{timezone.localtime(a.starts_at):%H:%M}",
    ),
    Column(
        "duration_minutes",
        "Length of the booked slot in minutes.",
        lambda a: str(a.duration_minutes),
    ),
    Column(
        "attendance_code",
        "NHS attended or did not attend code: 5 attended, 3 did not "
        "attend, 2 cancelled by the patient, 4 cancelled by the provider, 0 in the future.",
        lambda a: ATTENDANCE_CODES[Attendance(a.status)],
    ),
    Column(
        "attendance",
        "The same in words: attended, did_not_attend, cancelled_by_client, "
        "cancelled_by_service or planned.",
        lambda a: a.status,
    ),
    Column(
        "left_when_course_ended",
        "Y for a cancellation by the service of a session left when "
        "its course ended (left out of attendance rates).",
        lambda a: _yes_no(
            is_left_when_ended(a.status, timezone.localdate(a.starts_at), a.course_ended_on)
        ),
    ),
    Column(
        "clinician_code",
        "Pseudonymous code of the clinician who recorded the attendance "
        "(who delivered an attended session).",
        lambda a: code("clinician", a.status_changed_by_id),
    ),
    Column(
        "replaces_care_contact_code",
        "For a rebooked appointment, the code of the one it replaces.",
        lambda a: code("appointment", a.replaces_id),
    ),
    Column("phq9_total", "PHQ-9 total recorded at this session, if any.", _score("phq9")),
    Column("gad7_total", "GAD-7 total recorded at this session, if any.", _score("gad7")),
    Column("wsas_total", "WSAS total recorded at this session, if any.", _score("wsas")),
    Column(
        "course_end_reason",
        "Why the course ended early, if it did (as end_reason).",
        lambda a: a.course_reason or "",
    ),
]


def export_referrals(team: Team, start: date, end: date) -> QuerySet[Referral]:
    """Referrals of the team open at any time in the period: received by its end and not ended
    (for outcome reporting) before its start."""
    latest = Course.objects.filter(referral=OuterRef("pk")).order_by("-start_date", "-pk")
    courses = (
        Course.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    contacts = (
        Appointment.objects.filter(course__referral=OuterRef("pk"))
        .exclude(status=Attendance.PLANNED.value)
        .order_by()
        .values("course__referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Referral.objects.filter(client__team=team, received_on__lte=end)
        .filter(Q(stored_outcome__ended_on__isnull=True) | Q(stored_outcome__ended_on__gte=start))
        .select_related("client", "stored_outcome", "times")
        .annotate(
            course_count=Coalesce(Subquery(courses[:1]), 0),
            contact_count=Coalesce(Subquery(contacts[:1]), 0),
            latest_state=Subquery(latest.values("state")[:1]),
            latest_reason=Subquery(latest.values("early_end_reason")[:1]),
        )
        .order_by("pk")
    )


def export_contacts(team: Team, start: date, end: date) -> QuerySet[Appointment]:
    """Every appointment of the team in the period, with its session's questionnaire totals."""
    since, until = period_bounds(start, end)

    def total(instrument: str) -> Subquery:
        return Subquery(
            QuestionnaireResponse.objects.filter(appointment=OuterRef("pk"), instrument=instrument)
            .order_by()
            .values("total")[:1]
        )

    return (
        Appointment.objects.filter(
            course__referral__client__team=team, starts_at__gte=since, starts_at__lt=until
        )
        .annotate(
            client_id=F("course__referral__client_id"),
            referral_id=F("course__referral_id"),
            course_ended_on=F("course__ended_on"),
            course_reason=F("course__early_end_reason"),
            phq9_total=total("phq9"),
            gad7_total=total("gad7"),
            wsas_total=total("wsas"),
        )
        .order_by("starts_at", "pk")
    )


def csv_of(columns: list[Column], rows: QuerySet[Any]) -> Iterator[list[str]]:
    """The header, then each row as read, ``CHUNK`` rows from the database at a time."""
    yield [column.name for column in columns]
    for row in rows.iterator(chunk_size=CHUNK):
        yield [column.value(row) for column in columns]
