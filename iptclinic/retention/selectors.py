"""Which records are due for a retention review, found by the database (no loop over clients).

**Last contact** is the latest of: an attended appointment (its local date), a letter issued, a
referral received or closed. A client with an open referral is in care and never due. A client
with no referral at all counts from the day they were entered. Not counted: appointments that did
not happen (missed or cancelled), questionnaires (each belongs to an appointment or a referral
already counted), and reading the record (an audit event is not a contact).

The rule (``ipt.retention``) becomes two cutoff dates, so "due on or before D" is a handful of
``NOT EXISTS`` conditions over indexed columns; the dates shown on a page are worked out for that
page's rows only, by the same pure function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Appointment
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.retention import RecordFacts, add_years, cutoffs, retention_due
from iptclinic.letters.models import IssuedLetter

from .models import Decision, DisposalDecision

LOOK_AHEAD_YEARS = 1


def retention_years() -> int:
    return int(settings.IPTCLINIC_RETENTION_YEARS)


def _start_of_day_after(day: date) -> datetime:
    return datetime.combine(
        day + timedelta(days=1), time(0), tzinfo=timezone.get_current_timezone()
    )


def _last_contact_on_or_before(day: date) -> Q:
    """Clients whose last contact (as defined above) is on or before ``day``.

    Written as "not among the clients with a contact after ``day``": each of those sets is one
    pass over an indexed column that the database hashes once, where a correlated ``NOT EXISTS``
    per client cost seconds at 100,000 clients on PostgreSQL.
    """
    after = _start_of_day_after(day)
    in_care_or_later = Referral.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day) | Q(received_on__gt=day)
    ).values("client_id")
    attended_later = Appointment.objects.filter(
        status=Attendance.ATTENDED, starts_at__gte=after
    ).values("course__referral__client_id")
    letter_later = IssuedLetter.objects.filter(issued_at__gte=after).values("client_id")
    return (
        ~Q(pk__in=in_care_or_later)
        & ~Q(pk__in=attended_later)
        & ~Q(pk__in=letter_later)
        & (Q(pk__in=Referral.objects.values("client_id")) | Q(created_at__lt=after))
    )


def due_by(on: date, years: int | None = None) -> Q:
    """Clients whose retention date is on or before ``on`` (no recorded death: we hold none)."""
    cut = cutoffs(on, years or retention_years())
    return _last_contact_on_or_before(cut.last_contact_by) & Q(date_of_birth__lte=cut.born_by)


def _settled(on: date) -> Q:
    """Destroyed, or held by a decision to keep until after ``on``."""
    decisions = DisposalDecision.objects.filter(client=OuterRef("pk"))
    return Exists(decisions.filter(decision=Decision.DESTROY)) | Exists(
        decisions.filter(decision=Decision.KEEP, keep_until__gt=on)
    )


def awaiting_review(clients: QuerySet[Client], on: date) -> QuerySet[Client]:
    """Records past their retention date on ``on`` with no decision in force."""
    return clients.filter(due_by(on)).exclude(_settled(on))


def coming_due(clients: QuerySet[Client], on: date) -> QuerySet[Client]:
    """Records that fall due within the next year, not yet due, not held past then."""
    horizon = add_years(on, LOOK_AHEAD_YEARS)
    return clients.filter(due_by(horizon)).exclude(due_by(on)).exclude(_settled(horizon))


def with_contact_dates(clients: QuerySet[Client]) -> QuerySet[Client]:
    """The latest date of each kind of contact, as annotations (one query for a page)."""
    client = OuterRef("pk")
    attended = Appointment.objects.filter(
        course__referral__client=client, status=Attendance.ATTENDED
    )
    letters = IssuedLetter.objects.filter(client=client)
    referrals = Referral.objects.filter(client=client)
    return clients.annotate(
        last_attended=_latest(attended, "course__referral__client", "starts_at"),
        last_letter=_latest(letters, "client", "issued_at"),
        last_received=_latest(referrals, "client", "received_on"),
        last_closed=_latest(referrals, "client", "closed_on"),
    )


def _latest(rows: QuerySet, per: str, field: str) -> Subquery:
    """The latest ``field`` of ``rows`` (one correlated aggregate subquery)."""
    return Subquery(rows.order_by().values(per).annotate(latest=Max(field)).values("latest"))


@dataclass(frozen=True)
class RecordDates:
    client: Client
    last_contact: date
    due_on: date


def last_contact_of(client: Client) -> date:
    """From the annotations of :func:`with_contact_dates`."""
    days = [
        timezone.localdate(moment)
        for moment in (client.last_attended, client.last_letter)  # type: ignore[attr-defined]
        if moment is not None
    ]
    days += [
        day
        for day in (client.last_received, client.last_closed)  # type: ignore[attr-defined]
        if day is not None
    ]
    if client.last_received is None:  # type: ignore[attr-defined]
        days.append(timezone.localdate(client.created_at))
    return max(days)


def dates_of(client: Client) -> RecordDates:
    last = last_contact_of(client)
    return RecordDates(
        client, last, retention_due(RecordFacts(client.date_of_birth, last), retention_years())
    )


def record_dates(client: Client) -> RecordDates:
    """One client's dates, for the review page."""
    return dates_of(with_contact_dates(Client.objects.filter(pk=client.pk)).get())
