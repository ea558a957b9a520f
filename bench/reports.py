"""The outcomes report at trust scale: its page and CSV over stored per-referral outcomes.

Builds a throwaway database (SQLite by default, or BENCH_DATABASE_URL, which must hold nothing
else) with one team of 40 therapists and ``BENCH_REPORT_CLIENTS`` clients (default 100,000), each
with one referral and its stored outcome (``reports.StoredOutcome``) written directly in bulk: a
tenth still open, the rest ended on a day spread over the last five years, outcomes, foci and
presenting problems in realistic proportions. It is not a model of the clinical records (the
trust-scale generator is ``make bench-data``); it measures what the report reads.

Then it times, median of 5, as the service lead: the 12-month report page, its CSV (streamed to
the end) and the report's queries alone, and prints each query's plan (``EXPLAIN ANALYZE`` on
PostgreSQL). Target: the 12-month page at 100,000 clients in 300 ms or less on PostgreSQL
(issue 12); the command exits 1 if it is missed there.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

import throwaway  # noqa: E402, F401 - Django set up on the throwaway database
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from iptclinic.accounts.models import Role, Team, User  # noqa: E402
from iptclinic.clients.models import EATING_DISORDERS, Client, PresentingProblem, Referral  # noqa: E402
from iptclinic.ipt.outcomes import Change, Status  # noqa: E402
from iptclinic.ipt.problem_areas import ProblemArea  # noqa: E402
from iptclinic.reports.access import visible_outcomes  # noqa: E402
from iptclinic.reports.models import StoredOutcome  # noqa: E402
from iptclinic.reports.selectors import outcome_report  # noqa: E402
from iptclinic.test import VerifiedClient, make_user  # noqa: E402

COUNT = int(os.environ.get("BENCH_REPORT_CLIENTS", "100000"))
THERAPISTS = 40
BATCH = 5000
TARGET_MS = 300
FOCI = ["grief", "role_dispute", "role_transition", "interpersonal_deficits"]


def _outcome(rng: random.Random, referral: Referral, therapists: list[User]) -> StoredOutcome:
    """A plausible stored outcome: about 1 in 6 not finished, 1 in 10 finished without pairs."""
    today = timezone.localdate()
    ended_on = None if rng.random() < 0.1 else today - timedelta(days=rng.randrange(5 * 365))
    draw = rng.random()
    at_caseness = rng.random() < 0.9
    change = rng.choices(list(Change), weights=[65, 7, 28])[0]
    recovered = rng.random() < 0.5 if at_caseness else None
    status = Status.NOT_FINISHED if draw < 0.17 else Status.FINISHED_NO_PAIRED_SCORES
    if draw >= 0.27:
        status = Status.FINISHED
    finished = status is Status.FINISHED
    areas = rng.sample(FOCI, rng.choice([0, 1, 1, 1, 2]))
    return StoredOutcome(
        referral=referral,
        client_id=referral.client_id,
        team_id=referral.client.team_id,
        therapist=rng.choice(therapists),
        ended_on=ended_on,
        presenting_problem=referral.presenting_problem,
        presenting_problem_other="",
        eating_disorder=referral.presenting_problem in EATING_DISORDERS,
        focus_areas=",".join(sorted(ProblemArea(a) for a in areas)),
        attended=rng.randrange(0, 17),
        phq9_first=rng.randrange(28) if finished else None,
        phq9_last=rng.randrange(28) if finished else None,
        gad7_first=rng.randrange(22) if finished else None,
        gad7_last=rng.randrange(22) if finished else None,
        status=status.value,
        at_caseness_at_start=at_caseness if finished else None,
        recovered=recovered if finished else None,
        change=change.value if finished else "",
        reliable_recovery=(
            bool(recovered) and change is Change.RELIABLE_IMPROVEMENT
            if finished and at_caseness
            else None
        ),
    )


def build() -> User:
    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_REUSE") and Team.objects.filter(name="Bench team").exists():
        return User.objects.get(username="lead")
    rng = random.Random(12)  # noqa: S311 - invented data, repeatable from the seed
    team = Team.objects.create(name="Bench team")
    lead = make_user(team, "lead", Role.SERVICE_LEAD)
    therapists = User.objects.bulk_create(
        User(username=f"t{n}", first_name=f"Therapist {n}", team=team, is_therapist=True)
        for n in range(THERAPISTS)
    )
    problems = [PresentingProblem.DEPRESSION] * 8 + list(PresentingProblem)
    for start in range(0, COUNT, BATCH):
        clients = Client.objects.bulk_create(
            Client(
                team=team,
                therapist=rng.choice(therapists),
                given_name=f"Given{n}",
                family_name=f"Family{n}",
                date_of_birth=date(1950, 1, 1) + timedelta(days=n % 15000),
            )
            for n in range(start, min(start + BATCH, COUNT))
        )
        referrals = Referral.objects.bulk_create(
            Referral(
                client=c,
                received_on=timezone.localdate() - timedelta(days=6 * 365),
                referrer="GP",
                reason="Low mood.",
                presenting_problem=rng.choice(problems),
            )
            for c in clients
        )
        StoredOutcome.objects.bulk_create(_outcome(rng, r, therapists) for r in referrals)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return lead


def median_ms(run: Callable[[], object], times: int = 5) -> tuple[float, float]:
    """Median wall-clock and median CPU time of this process (ms). On a shared machine the wall
    clock includes waiting for a core; the CPU time is what the request itself cost here."""
    run()  # warm the connection and caches once, as a running server would be
    wall, cpu = [], []
    for _ in range(times):
        started, used = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    setup_test_environment()
    started = time.perf_counter()
    lead = build()
    print(f"{connection.vendor}: built {COUNT:,} clients in {time.perf_counter() - started:.0f} s")
    browser = VerifiedClient()
    browser.force_login(lead)
    end = timezone.localdate()
    start = end - timedelta(days=364)
    period = f"?start={start.isoformat()}&end={end.isoformat()}"

    def page() -> None:
        response = browser.get("/reports/outcomes/" + period)
        assert response.status_code == 200, response.status_code

    def csv() -> None:
        response = browser.get("/reports/outcomes.csv" + period)
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)

    def queries() -> None:
        outcome_report(visible_outcomes(lead), start, end)

    ended = StoredOutcome.objects.filter(ended_on__range=(start, end)).count()
    print(f"  ({ended:,} referrals ended in the period; load average {os.getloadavg()[0]:.1f})")
    page_ms, page_cpu = median_ms(page)
    for name, (wall, cpu) in (
        ("12-month report page", (page_ms, page_cpu)),
        ("12-month report CSV ", median_ms(csv)),
        ("the report alone    ", median_ms(queries)),
    ):
        print(f"  {name}: {wall:6.0f} ms wall, {cpu:5.0f} ms CPU in Python")
    with CaptureQueriesContext(connection) as captured:
        queries()
    print(f"  {len(captured)} queries")
    if os.environ.get("BENCH_EXPLAIN", "1") != "0" and connection.vendor == "postgresql":
        for query in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n" + query["sql"][:300])
                print("\n".join(row[0] for row in cursor.fetchall()))
    if connection.vendor == "postgresql" and COUNT >= 100_000 and page_ms > TARGET_MS:
        print(f"MISSED: the 12-month page took {page_ms:.0f} ms; the target is {TARGET_MS} ms")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
