"""Every query of the load bench's pages, explained on the bench data (issue 12 item 5).

For each page of ``bench/load.py`` one request goes through Django's test client; each SELECT it
sent is run again under ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)``. The report lists, per page,
the query count, the database time, the slowest query with its plan's top node, and every
sequential scan of a large table (over ``BENCH_LARGE_TABLE`` rows, 10,000 by default). Exits 1
when a page reads a large table from end to end. PostgreSQL only: SQLite has no comparable plans.

    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/explain.py
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.load import RESULTS, Page, bench_size, pages, signed_in  # noqa: E402

LARGE_TABLE = int(os.environ.get("BENCH_LARGE_TABLE", "10000"))


@dataclass
class Explained:
    sql: str
    milliseconds: float
    top_node: str
    full_scans: list[str]


@dataclass
class PagePlans:
    page: str
    queries: int
    explained: list[Explained] = field(default_factory=list)

    @property
    def milliseconds(self) -> float:
        return sum(query.milliseconds for query in self.explained)

    @property
    def full_scans(self) -> list[str]:
        return [scan for query in self.explained for scan in query.full_scans]


def table_rows() -> dict[str, int]:
    """The planner's row estimate of every table (ANALYZE keeps it close enough)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace"
        )
        return dict(cursor.fetchall())


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def explain(sql: str, sizes: dict[str, int]) -> Explained:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        (document,) = cursor.fetchone()
    result = (json.loads(document) if isinstance(document, str) else document)[0]
    plan = result["Plan"]
    full_scans = [
        f"{node['Relation Name']} ({sizes.get(node['Relation Name'], 0):,} rows)"
        for node in nodes(plan)
        if node["Node Type"] == "Seq Scan"
        and sizes.get(node.get("Relation Name", ""), 0) > LARGE_TABLE
    ]
    top = plan["Node Type"] + (f" on {plan['Relation Name']}" if "Relation Name" in plan else "")
    return Explained(sql, float(result["Execution Time"]), top, full_scans)


def plans_of(page: Page, sizes: dict[str, int]) -> PagePlans:
    browser = signed_in(page.username)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(page.url)
        if response.streaming:
            b"".join(response)
    assert response.status_code == 200, (page.url, response.status_code)
    found = PagePlans(page.name, len(captured.captured_queries))
    for query in captured.captured_queries:
        if query["sql"].lstrip().upper().startswith("SELECT"):
            found.explained.append(explain(query["sql"], sizes))
    return found


def report(size: str, results: list[PagePlans]) -> str:
    lines = [
        f"EXPLAIN ANALYZE of each page's queries at {size} (PostgreSQL)",
        "",
        "| page | queries | database ms | slowest query ms | its top node | full scans of large tables |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        slowest = max(result.explained, key=lambda query: query.milliseconds)
        lines.append(
            f"| {result.page} | {result.queries} | {result.milliseconds:.1f} | "
            f"{slowest.milliseconds:.1f} | {slowest.top_node} | "
            f"{', '.join(sorted(set(result.full_scans))) or 'none'} |"
        )
    return "\n".join(lines)


def main() -> int:
    if connection.vendor != "postgresql":
        print("bench/explain.py reads PostgreSQL's plans: set BENCH_DATABASE_URL.", file=sys.stderr)
        return 2
    setup_test_environment()  # the test client's host and its captured queries
    size = bench_size()
    sizes = table_rows()
    results = [plans_of(page, sizes) for page in pages()]
    text = report(size, results)
    print(text)
    for result in results:
        slowest = max(result.explained, key=lambda query: query.milliseconds)
        print(
            f"\n{result.page}: slowest query ({slowest.milliseconds:.1f} ms)\n{slowest.sql[:600]}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"explain-{size}-postgresql.md").write_text(text + "\n")
    return 1 if any(result.full_scans for result in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
