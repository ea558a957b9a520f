"""The retention report and the daily check at 100,000 clients (issue 10 item 6).

Builds a throwaway database (SQLite by default, or BENCH_DATABASE_URL, which must hold nothing
else) with one team of ``BENCH_RETENTION_CLIENTS`` clients (default 100,000): each has a referral
received and closed at a date spread over the last 40 years, and one in three an attended
appointment and a letter. Then it times, median of 5: the report's first page of records past
their date (the count and the page's dates), the next-12-months page, and one team's daily check.

    .venv/bin/python bench/retention.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import throwaway  # noqa: E402, F401 - Django set up on the throwaway database
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from iptclinic.accounts.models import Role, Team  # noqa: E402
from iptclinic.clients.models import Client, Referral  # noqa: E402
from iptclinic.courses.models import Appointment, Course  # noqa: E402
from iptclinic.letters.models import IssuedLetter  # noqa: E402
from iptclinic.retention.tasks import check_team  # noqa: E402
from iptclinic.test import VerifiedClient, make_user  # noqa: E402

COUNT = int(os.environ.get("BENCH_RETENTION_CLIENTS", "100000"))
BATCH = 5000


def build() -> tuple[Team, object]:
    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_REUSE") and Team.objects.filter(name="Bench team").exists():
        team = Team.objects.get(name="Bench team")
        return team, team.members.get(username="lead")
    team = Team.objects.create(name="Bench team")
    lead = make_user(team, "lead", [Role.SERVICE_LEAD, Role.THERAPIST])
    today = timezone.localdate()
    for start in range(0, COUNT, BATCH):
        clients = Client.objects.bulk_create(
            Client(
                team=team,
                given_name=f"Given{n}",
                family_name=f"Family{n}",
                date_of_birth=date(1950, 1, 1) + timedelta(days=n % 15000),
            )
            for n in range(start, min(start + BATCH, COUNT))
        )
        referrals = Referral.objects.bulk_create(
            Referral(
                client=c,
                received_on=today - timedelta(days=(c.pk * 37) % 14600 + 200),
                closed_on=today - timedelta(days=(c.pk * 37) % 14600),
                referrer="GP",
                reason="Low mood.",
            )
            for c in clients
        )
        seen = [r for r in referrals if r.client_id % 3 == 0]
        courses = Course.objects.bulk_create(
            Course(
                referral=r,
                contracted_sessions=16,
                start_date=r.received_on,
                weekday=0,
                session_time=datetime.min.time(),
                state="ended",
                ended_on=r.closed_on,
            )
            for r in seen
        )
        Appointment.objects.bulk_create(
            Appointment(
                course=c,
                starts_at=timezone.make_aware(datetime.combine(c.ended_on, datetime.min.time())),
                status="attended",
            )
            for c in courses
        )
        IssuedLetter.objects.bulk_create(
            IssuedLetter(
                client_id=r.client_id,
                course=c,
                kind="ending",
                language="en",
                language_name="English",
                translation_status="Original wording.",
                subject="Ending",
                issued_by=lead,
                issued_at=timezone.make_aware(datetime.combine(r.closed_on, datetime.min.time())),
            )
            for r, c in zip(seen, courses, strict=True)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return team, lead


def median_ms(run: Callable[[], object], times: int = 5) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    started = time.perf_counter()
    team, lead = build()
    print(f"{connection.vendor}: built {COUNT:,} clients in {time.perf_counter() - started:.0f} s")
    browser = VerifiedClient()
    browser.force_login(lead)

    def page(show: str) -> None:
        response = browser.get(f"/retention/?show={show}")
        assert response.status_code == 200, response.status_code

    due = Client.objects.count()
    print(f"  report, records past their date:   {median_ms(lambda: page('due')):8.0f} ms")
    print(f"  report, due in the next 12 months: {median_ms(lambda: page('coming')):8.0f} ms")
    from iptclinic.retention.models import RetentionCheck

    def check() -> None:
        RetentionCheck.objects.all().delete()
        check_team(team, timezone.now())

    print(f"  daily check of the team (first run): {median_ms(check):6.0f} ms")
    print(f"  ({due:,} clients)")


if __name__ == "__main__":
    main()
    if os.environ.get("BENCH_EXPLAIN"):
        from iptclinic.retention.selectors import awaiting_review

        query = awaiting_review(Client.objects.all(), timezone.localdate()).order_by("pk")[:50]
        print(query.explain(analyze=True) if connection.vendor == "postgresql" else query.explain())
