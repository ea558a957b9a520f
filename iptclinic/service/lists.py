"""The list behind each figure of the dashboard: the people counted, a page at a time.

A list is named by ``figure`` and narrowed by the filters its figure's link carries. Each is a
queryset scoped to the lead's team with its joins selected, so a page costs the same queries
however long the list (a count and a page; the band filter adds one query for the ids).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from iptclinic.accounts.models import Team
from iptclinic.clients.models import Client
from iptclinic.courses.models import Course
from iptclinic.ipt.attendance import ATTENDANCE_LABELS, Attendance
from iptclinic.ipt.lifecycle import (
    EARLY_END_REASON_LABELS,
    STATE_LABELS,
    CourseState,
    EarlyEndReason,
)
from iptclinic.ipt.outcomes import Status
from iptclinic.ipt.service import (
    EIGHTEEN_WEEKS_DAYS,
    LAST_SESSION_BAND,
    SIX_WEEKS_DAYS,
    band_label,
)
from iptclinic.reports.models import StoredOutcome

from .models import CourseFacts, ReferralTimes
from .selectors import ENDED_STATES, OPEN_STATES, counted_contacts, waiting_referrals

NOT_ALLOCATED = "Not allocated"


@dataclass(frozen=True)
class Row:
    client: Client
    cells: list[str]


@dataclass(frozen=True)
class FigureList:
    title: str
    columns: list[str]
    rows: QuerySet[Any]
    to_row: Callable[[Any], Row]


def _day(value: date | None) -> str:
    return f"{value:%-d %b %Y}" if value else ""


def _therapist(client: Client) -> str:
    return client.therapist.display_name if client.therapist else NOT_ALLOCATED


def _choice(filters: dict[str, str], name: str, allowed: set[str]) -> str | None:
    value = filters.get(name)
    if value is None or value == "":
        return None
    if value not in allowed:
        raise Http404(f"There is no list with {name} {value!r}.")
    return value


def _therapist_filter(filters: dict[str, str]) -> int | None | str:
    value = filters.get("therapist")
    if not value:
        return ""
    if value == "none":
        return None
    if not value.isdigit():
        raise Http404("There is no such therapist.")
    return int(value)


def _waits(team: Team, start: date, end: date, filters: dict[str, str], kind: str) -> FigureList:
    day, days = (
        ("first_treatment_on", "days_to_first_treatment")
        if kind == "treated"
        else ("first_contact_on", "days_to_first_contact")
    )
    what = "first treatment session" if kind == "treated" else "first contact"
    rows = ReferralTimes.objects.filter(team=team, **{f"{day}__range": (start, end)})
    within = _choice(filters, "within", {"6", "18"})
    title = f"People whose {what} was in the period"
    if within:
        limit = SIX_WEEKS_DAYS if within == "6" else EIGHTEEN_WEEKS_DAYS
        rows = rows.filter(**{f"{days}__lte": limit})
        title += f", after {within} weeks or less"
    rows = rows.select_related("referral__client__therapist").order_by(f"-{days}", "pk")
    return FigureList(
        title,
        ["Person", "Referred", what.capitalize(), "Days waited", "Therapist now"],
        rows,
        lambda t: Row(
            t.referral.client,
            [
                "",
                _day(t.received_on),
                _day(getattr(t, day)),
                str(getattr(t, days)),
                _therapist(t.referral.client),
            ],
        ),
    )


def _waiting(team: Team, start: date, end: date, filters: dict[str, str]) -> FigureList:
    today = timezone.localdate()
    return FigureList(
        "Waiting for a first treatment session today, longest wait first",
        ["Person", "Referred", "Days waiting", "First contact", "Therapist"],
        waiting_referrals(team),
        lambda r: Row(
            r.client,
            [
                "",
                _day(r.received_on),
                str((today - r.received_on).days),
                _day(r.times.first_contact_on) or "None yet",
                _therapist(r.client),
            ],
        ),
    )


def _appointments(team: Team, start: date, end: date, filters: dict[str, str]) -> FigureList:
    status = _choice(filters, "status", {s.value for s in Attendance if s != Attendance.PLANNED})
    band = _choice(filters, "band", {str(n) for n in range(1, LAST_SESSION_BAND + 1)})
    therapist = _therapist_filter(filters)
    rows = counted_contacts(team, start, end)
    title = "Appointments in the period with an attendance recorded"
    if status:
        rows = rows.filter(status=status)
        title = f"{ATTENDANCE_LABELS[Attendance(status)]}: appointments in the period"
    if therapist != "":
        rows = rows.filter(clinician_id=therapist)
        title += ", recorded by one clinician"
    if band:
        number = int(band)
        rows = (
            rows.filter(session__gte=number)
            if number == LAST_SESSION_BAND
            else rows.filter(session=number)
        )
        title += f", for session {band_label(number)}"
    rows = rows.select_related(
        "appointment__course__referral__client__therapist", "clinician"
    ).order_by("day", "pk")
    return FigureList(
        title,
        ["Person", "Appointment", "Session", "Attendance", "Recorded by"],
        rows,
        lambda fact: Row(
            fact.appointment.course.referral.client,
            [
                "",
                f"{timezone.localtime(fact.appointment.starts_at):%-d %b %Y %H:%M}",
                str(fact.session),
                fact.appointment.status_label,
                fact.clinician.display_name if fact.clinician else "",
            ],
        ),
    )


def _course_row(course: Course) -> Row:
    reason = (
        EARLY_END_REASON_LABELS[EarlyEndReason(course.early_end_reason)]
        if course.early_end_reason
        else ""
    )
    return Row(
        course.referral.client,
        [
            "",
            _day(course.start_date),
            STATE_LABELS[CourseState(course.state)],
            _day(course.ended_on),
            reason,
            _therapist(course.referral.client),
        ],
    )


COURSE_COLUMNS = ["Person", "Started", "State", "Ended", "Why it ended early", "Therapist now"]


def _courses(team: Team, start: date, end: date, filters: dict[str, str]) -> FigureList:
    which = _choice(filters, "which", {"started", "active", "ended", "open"}) or "ended"
    rows = CourseFacts.objects.filter(team=team)
    titles = {
        "started": "Courses started (first attended session) in the period",
        "active": "Courses active today",
        "ended": "Courses ended in the period",
        "open": "Open courses (referred or active) today",
    }
    title = titles[which]
    if which == "started":
        rows = rows.filter(started_on__range=(start, end))
    elif which == "active":
        rows = rows.filter(state=CourseState.ACTIVE)
    elif which == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    else:
        rows = rows.filter(ended_on__range=(start, end), state__in=ENDED_STATES)
        if _choice(filters, "early", {"1"}):
            rows = rows.filter(state=CourseState.ENDED_EARLY)
            title = "Courses ended early in the period"
        reason = _choice(filters, "reason", {r.value for r in EarlyEndReason})
        if reason:
            rows = rows.filter(state=CourseState.ENDED_EARLY, early_end_reason=reason)
            title = f"Courses ended early in the period: {EARLY_END_REASON_LABELS[EarlyEndReason(reason)].lower()}"
    therapist = _therapist_filter(filters)
    if therapist != "":
        rows = rows.filter(therapist_id=therapist)
        title += ", of one therapist's clients"
    rows = rows.select_related("course__referral__client__therapist").order_by(
        "-course__start_date", "pk"
    )
    return FigureList(title, COURSE_COLUMNS, rows, lambda fact: _course_row(fact.course))


def _outcome_text(outcome: StoredOutcome) -> str:
    if outcome.status != Status.FINISHED.value:
        return "Not finished" if outcome.status == Status.NOT_FINISHED.value else "No paired scores"
    parts = (
        ["recovered" if outcome.recovered else "not recovered"]
        if outcome.at_caseness_at_start
        else ["not at caseness at start"]
    )
    if outcome.change:
        parts.append(outcome.get_change_display())
    return ", ".join(parts).capitalize()


def _outcomes(team: Team, start: date, end: date, filters: dict[str, str]) -> FigureList:
    rows = StoredOutcome.objects.filter(team=team, ended_on__range=(start, end))
    therapist = _therapist_filter(filters)
    if therapist != "":
        rows = rows.filter(referral__times__delivered_by_id=therapist)
    cohort = _choice(filters, "cohort", {"ed", "other"})
    if cohort:
        rows = rows.filter(eating_disorder=cohort == "ed")
    rows = rows.select_related("client__therapist", "referral__times__delivered_by").order_by(
        "-ended_on", "pk"
    )
    return FigureList(
        "Referrals ended in the period, by the clinician who delivered their sessions",
        ["Person", "Referral ended", "Attended sessions", "Delivered by", "Outcome"],
        rows,
        lambda o: Row(
            o.client,
            [
                "",
                _day(o.ended_on),
                str(o.attended),
                o.referral.times.delivered_by.display_name
                if getattr(o.referral, "times", None) and o.referral.times.delivered_by
                else "",
                _outcome_text(o),
            ],
        ),
    )


LISTS: dict[str, Callable[[Team, date, date, dict[str, str]], FigureList]] = {
    "treated": lambda team, start, end, f: _waits(team, start, end, f, "treated"),
    "contacted": lambda team, start, end, f: _waits(team, start, end, f, "contacted"),
    "waiting": _waiting,
    "appointments": _appointments,
    "courses": _courses,
    "ended": _courses,
    "outcomes": _outcomes,
}


def figure_list(
    team: Team, figure: str, start: date, end: date, filters: dict[str, str]
) -> FigureList:
    if figure not in LISTS:
        raise Http404("There is no such list.")
    return LISTS[figure](team, start, end, filters)


def clients_of(rows: list[Row]) -> list[Client]:
    return [row.client for row in rows]
