"""The service lead's dashboard and dataset export on the trust-scale bench data (issue 13).

Run after ``make bench-data`` (and ``manage.py migrate`` on that database): as the bench's service
lead (``bench-lead``), through Django's test client, it times the dashboard for the last 3 and
12 months (median of 5 after one warm-up, with the query count of each, which must not differ)
and the two CSV files of the dataset export for 12 months, streamed to the end (median of 3, rows,
size and the peak Python memory of one run, which stays flat because rows are streamed). On
PostgreSQL it then prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the 12-month dashboard's queries: the
database time, the slowest query and any full scan of a large table.

Target: the 12-month dashboard in 300 ms or less at 100,000 clients, with the same query count for
3 and 12 months; exits 1 if either is missed.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench100k .venv/bin/python bench/service.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_DEBUG"] = "0"

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.explain import explain, table_rows  # noqa: E402
from bench.load import bench_size, signed_in  # noqa: E402

TARGET_MS = 300
RUNS = 5
EXPORT_RUNS = 3
LEAD = "bench-lead"


def timed(url: str, runs: int) -> tuple[float, int, int]:
    """Median milliseconds of ``runs`` requests after one warm-up, the queries and bytes of one."""
    browser = signed_in(LEAD)
    browser.get(url)
    times = []
    queries = size = 0
    for run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = browser.get(url)
            body = b"".join(response) if response.streaming else response.content
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        if run == 0:
            queries, size = len(captured.captured_queries), len(body)
    return statistics.median(times), queries, size


def export_memory(url: str) -> tuple[int, int]:
    """Rows written and the peak Python memory (bytes) of one export streamed to the end."""
    browser = signed_in(LEAD)
    tracemalloc.start()
    rows = 0
    response = browser.get(url)
    for chunk in response:
        rows += chunk.count(b"\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows - 1, peak


def plans(url: str) -> list[str]:
    if connection.vendor != "postgresql":
        return ["(EXPLAIN ANALYZE needs PostgreSQL: set BENCH_DATABASE_URL)"]
    sizes = table_rows()
    browser = signed_in(LEAD)
    with CaptureQueriesContext(connection) as captured:
        browser.get(url)
    lines = ["| query | ms | top node | full scans of large tables |", "|---|---|---|---|"]
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        found = explain(sql, sizes)
        lines.append(
            f"| {sql[:70].replace('|', '/')}… | {found.milliseconds:.1f} | {found.top_node} | "
            f"{', '.join(found.full_scans) or 'none'} |"
        )
    return lines


def main() -> int:
    setup_test_environment()
    size = bench_size()
    dashboard = reverse("service:dashboard")
    print(
        f"Service dashboard and dataset export at {size} ({connection.vendor}), "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| page | median ms | queries | KB |")
    print("|---|---|---|---|")
    results = {}
    for months in ("3", "12"):
        ms, queries, size_bytes = timed(f"{dashboard}?period={months}", RUNS)
        results[months] = (ms, queries)
        print(
            f"| dashboard, last {months} months | {ms:.0f} | {queries} | {size_bytes / 1024:.0f} |"
        )
    for name in ("export_referrals", "export_contacts"):
        url = f"{reverse('service:' + name)}?period=12"
        ms, queries, size_bytes = timed(url, EXPORT_RUNS)
        rows, peak = export_memory(url)
        print(
            f"| {name.replace('_', ' ')}, 12 months: {rows:,} rows, peak memory "
            f"{peak / 1024 / 1024:.1f} MB | {ms:.0f} | {queries} | {size_bytes / 1024:.0f} |"
        )
    print()
    print("EXPLAIN ANALYZE of the 12-month dashboard's queries")
    print("\n".join(plans(f"{dashboard}?period=12")))
    twelve_ms, twelve_queries = results["12"]
    failed = []
    if twelve_ms > TARGET_MS:
        failed.append(f"the 12-month dashboard took {twelve_ms:.0f} ms (target {TARGET_MS} ms)")
    if results["3"][1] != twelve_queries:
        failed.append(f"query counts differ: {results['3'][1]} and {twelve_queries}")
    for problem in failed:
        print(f"MISSED: {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
