"""The load bench (issue 12 item 2): ``make bench-load`` after ``make bench-data SIZE=...``.

Serves IPT Clinic and the floor app (bench/floor: a signed-in Django page with one indexed query
and a tiny template) with gunicorn against the generated database, and loads each page with
``wrk`` in turn, the floor before and after. For each page: requests a second, latency p50 and
p99, their ratio to the floor's, the query count and the HTML size (one request through Django's
test client in this process). Targets, checked here (exit 1 when one is missed): every page at
least 0.25x the floor's throughput, p99 at most 3x the floor's, no page over 200 KB, and (when a
1k result of the same database kind is saved) cost at this size at most 1.2x the cost at 1k, where
cost is the floor's throughput divided by the page's, so that a busier machine moves both.

Prints a Markdown table and writes bench/results/load-<size>-<database>-<time>.{json,md}; a 1k
run is also saved as bench/results/load-1k-<database>.json, the baseline of later sizes.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/load.py
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_DEBUG"] = "0"  # as served: no query log, no debug pages

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.data import TEAM_PREFIX  # noqa: E402  (sets Django up on the bench database)
from iptclinic.accounts.models import Team, User  # noqa: E402
from iptclinic.clients.models import Client  # noqa: E402
from iptclinic.courses.models import Appointment  # noqa: E402
from iptclinic.ipt.attendance import Attendance  # noqa: E402
from iptclinic.test import VerifiedClient  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
MIN_THROUGHPUT_RATIO = 0.25
MAX_P99_RATIO = 3.0
MAX_BYTES = 200 * 1024
MAX_GROWTH = 1.2
FLOOR = "floor"
STACK = "floor's page behind IPT Clinic's stack"


@dataclass
class Page:
    name: str
    username: str
    url: str


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    queries: int | None = None
    bytes: int | None = None
    throughput_ratio: float | None = None
    p99_ratio: float | None = None
    cost: float | None = None
    growth: float | None = None
    missed: str = ""


def bench_size() -> str:
    team = Team.objects.filter(name__startswith=TEAM_PREFIX).first()
    if team is None:
        raise SystemExit("No bench data in this database: run make bench-data SIZE=1k first.")
    return team.name.removeprefix(TEAM_PREFIX).strip(" ()")


def pages() -> list[Page]:
    """The pages of the issue, by URL name, for the team's first therapist, their supervisor
    and the lead; the client is the therapist's with the longest history."""
    therapist = User.objects.get(username="bench-therapist-00")
    client = (
        Client.objects.filter(therapist=therapist)
        .annotate(appointments=django.db.models.Count("referrals__courses__appointments"))
        .order_by("-appointments", "pk")
        .first()
    )
    assert client is not None, "the bench data gives the first therapist clients"
    appointment = (
        Appointment.objects.filter(
            course__referral__client=client, status=Attendance.ATTENDED, record__isnull=False
        )
        .order_by("-starts_at")
        .first()
    )
    assert appointment is not None
    course_id = appointment.course_id
    lead = "bench-lead"
    return [
        Page("therapist's caseload", therapist.username, reverse("courses:caseload")),
        Page("supervisor's caseload", therapist.supervisor.username, reverse("courses:caseload")),
        Page("lead's caseload", lead, reverse("courses:caseload")),
        Page("outcomes report, 12 months", lead, reverse("reports:outcomes")),
        Page("outcomes CSV, 12 months", lead, reverse("reports:outcomes_csv")),
        Page("client page", therapist.username, reverse("clients:detail", args=[client.pk])),
        Page("client measures", therapist.username, reverse("measures:client", args=[client.pk])),
        Page(
            "session record", therapist.username, reverse("courses:record", args=[appointment.pk])
        ),
        Page("inventory", therapist.username, reverse("inventory:relationships", args=[course_id])),
    ]


def signed_in(username: str) -> VerifiedClient:
    """A session past the second factor and freshly confirmed (exports ask for that), signed in
    through a backend the floor needs no extra app for."""
    browser = VerifiedClient()
    browser.force_login(
        User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
    )
    return browser


def cookie(browser: VerifiedClient) -> str:
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies[name].value}"


def count(page: Page) -> tuple[int, int]:
    """Queries and bytes of one request, through Django's test client in this process."""
    browser = signed_in(page.username)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(page.url)
    assert response.status_code == 200, (page.url, response.status_code)
    body = b"".join(response) if response.streaming else response.content
    return len(queries), len(body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(application: str) -> Iterator[str]:
    port = free_port()
    RESULTS.mkdir(exist_ok=True)
    # Its log holds the requests cut off by the quick shutdown after each run: noise, kept aside.
    log = (RESULTS / "gunicorn.log").open("a")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and app
        [
            sys.executable,
            "-m",
            "gunicorn",
            application,
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--timeout=300",  # a slow page under load is measured, not killed
            "--preload",  # the app is imported once, before the workers start
        ],
        cwd=ROOT,
        # Connections kept between requests, as deployed (docs/deploy.md), for the floor too.
        env={"DATABASE_CONN_MAX_AGE": "60"} | os.environ | {"PYTHONPATH": str(ROOT)},
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(
                        f"gunicorn {application} stopped at start: see {log.name}"
                    ) from None
                time.sleep(0.1)
        yield base
    finally:
        # Quick shutdown: the requests wrk left queued are dropped, not answered for minutes.
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        log.close()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(name: str, url: str, session_cookie: str) -> Result:
    """One wrk run: ``SECONDS`` at ``CONNECTIONS`` connections, after two seconds that warm
    every worker (templates, connections)."""
    subprocess.run(  # noqa: S603
        [
            "wrk",
            "-t1",
            f"-c{WORKERS * 2}",
            "-d2s",
            "--timeout=30s",
            "-H",
            f"Cookie: {session_cookie}",
            url,
        ],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(  # noqa: S603
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--timeout=30s",
            "--latency",
            "-H",
            f"Cookie: {session_cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    failures = (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0)
    return Result(name, rate, p50, p99, failures)


def judge(result: Result, floor: Result, baseline: dict[str, dict[str, float]] | None) -> None:
    result.throughput_ratio = result.requests_per_second / floor.requests_per_second
    result.p99_ratio = result.p99_ms / floor.p99_ms
    missed = []
    if not result.requests_per_second:
        # Every request took longer than the run: no latency to report, no cost to compare.
        result.missed = f"no request answered in {SECONDS} s"
        return
    result.cost = 1 / result.throughput_ratio
    if result.errors:
        missed.append(f"{result.errors} failed requests")
    if result.throughput_ratio < MIN_THROUGHPUT_RATIO:
        missed.append(f"throughput < {MIN_THROUGHPUT_RATIO}x floor")
    if result.p99_ratio > MAX_P99_RATIO:
        missed.append(f"p99 > {MAX_P99_RATIO:g}x floor")
    if result.bytes is not None and result.bytes > MAX_BYTES:
        missed.append("over 200 KB")
    if baseline and baseline.get(result.name, {}).get("cost"):
        result.growth = result.cost / baseline[result.name]["cost"]
        if result.growth > MAX_GROWTH:
            missed.append(f"cost > {MAX_GROWTH:g}x at 1k")
    result.missed = "; ".join(missed)


def table(results: list[Result], floors: list[Result], heading: str) -> str:
    lines = [
        heading,
        "",
        "| page | req/s | p50 ms | p99 ms | × floor req/s | × floor p99 | queries | KB "
        "| cost vs 1k | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for floor in floors:
        lines.append(
            f"| {floor.name} | {floor.requests_per_second:.0f} | {floor.p50_ms:.1f} "
            f"| {floor.p99_ms:.1f} | | | | | | |"
        )
    for r in results:
        growth = f"{r.growth:.2f}" if r.growth is not None else "–"
        lines.append(
            f"| {r.name} | {r.requests_per_second:.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.throughput_ratio:.2f} | {r.p99_ratio:.1f} | {r.queries} "
            f"| {(r.bytes or 0) / 1024:.0f} | {growth} | {r.missed or 'ok'} |"
        )
    return "\n".join(lines)


def measure(
    run: Callable[[str, str, str], Result], floor_base: str, chosen: list[Page]
) -> tuple[list[Result], list[Result]]:
    floor_cookie = cookie(signed_in(chosen[0].username))
    floors = [run(f"{FLOOR} (before)", f"{floor_base}/floor/", floor_cookie)]
    # No target: it shows how much of every page's cost is the stack rather than the page.
    with gunicorn("bench.floor.stack_wsgi:application") as stack_base:
        stack = run(STACK, f"{stack_base}/floor/", floor_cookie)
    print(f"  {STACK}: {stack.requests_per_second:.0f} req/s", flush=True)
    results = []
    for page in chosen:
        # A server of its own for each page, so that no page is measured behind the requests
        # the last one left queued; a fresh session, as the outcomes CSV asks for a recent
        # confirmation.
        with gunicorn("iptclinic.wsgi") as app_base:
            result = run(page.name, app_base + page.url, cookie(signed_in(page.username)))
        result.queries, result.bytes = count(page)
        results.append(result)
        print(f"  {page.name}: {result.requests_per_second:.1f} req/s", flush=True)
    floors.append(run(f"{FLOOR} (after)", f"{floor_base}/floor/", floor_cookie))
    return [*floors, stack], results


def main() -> int:
    setup_test_environment()
    size, vendor = bench_size(), connection.vendor
    chosen = pages()
    wanted = set(sys.argv[1:])
    if wanted:
        chosen = [page for page in chosen if page.name in wanted]
    print(
        f"{vendor}, {size} clients: gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections, "
        f"{SECONDS} s a page",
        flush=True,
    )
    with gunicorn("bench.floor.wsgi:application") as floor_base:
        floors, results = measure(wrk, floor_base, chosen)
    plain = [f for f in floors if f.name != STACK]
    floor = Result(
        FLOOR,
        sum(f.requests_per_second for f in plain) / len(plain),
        sum(f.p50_ms for f in plain) / len(plain),
        sum(f.p99_ms for f in plain) / len(plain),
        sum(f.errors for f in plain),
    )
    RESULTS.mkdir(exist_ok=True)
    baseline_file = RESULTS / f"load-1k-{vendor}.json"
    baseline = None
    if size != "1k" and baseline_file.exists():
        baseline = {r["name"]: r for r in json.loads(baseline_file.read_text())["pages"]}
    for result in results:
        judge(result, floor, baseline)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    heading = (
        f"Load bench, {size} clients on {vendor}, {stamp}: gunicorn {WORKERS} workers, wrk "
        f"{CONNECTIONS} connections, {SECONDS} s a page; the floor is the mean of its two runs"
    )
    report = table(results, floors, heading)
    print(report)
    payload = {
        "size": size,
        "database": vendor,
        "at": stamp,
        "floor": asdict(floor),
        "floors": [asdict(f) for f in floors],
        "pages": [asdict(r) for r in results],
    }
    written = RESULTS / f"load-{size}-{vendor}-{stamp}"
    written.with_suffix(".json").write_text(json.dumps(payload, indent=2))
    written.with_suffix(".md").write_text(report + "\n")
    if size == "1k" and not wanted:
        baseline_file.write_text(json.dumps(payload, indent=2))
    missed = [r for r in results if r.missed]
    if baseline is None and size != "1k":
        print(f"No {baseline_file.name} to compare growth with: run the bench at 1k first.")
    print(f"Written to {written}.json; {len(missed)} of {len(results)} pages missed a target.")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
