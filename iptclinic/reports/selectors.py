"""The outcomes report: NHS Talking Therapies counts and rates for a period, in two queries.

Which referrals count (PRODUCT, following the NHS statistics, which count finished courses in the
month they end): every referral of the visible clients that ended within the period, by
``measures.selectors.referral_ended_on``. Each referral's outcome is classified once by the core
(``ipt.outcomes.classify``) and stored with the facts it is grouped by (``StoredOutcome``, kept
current by the services). A report is then one GROUP BY query over those rows: the database
counts each group (``ipt.outcomes.OutcomeCounts``) and the core works out the rates
(``ipt.outcomes.rates_of``), so every rate carries its numerator, denominator and formula
(measures-and-standards.md §2) and the work does not grow with the number of referrals.

Eating-disorder referrals are reported apart from the others (decisions.md §16). A referral is
grouped under its client's current therapist, under each of its focus areas (a referral with two
foci counts under both, so those rows add up to more than the total), and under its presenting
problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from iptclinic.accounts.models import User
from iptclinic.clients.models import PresentingProblem
from iptclinic.ipt.outcomes import Change, OutcomeCounts, OutcomeRates, Status, rates_of
from iptclinic.ipt.problem_areas import PROBLEM_AREAS, ProblemArea

from .models import StoredOutcome

NO_FOCUS = "No focus recorded"
NOT_ALLOCATED = "Not allocated"

_FINISHED = Q(status=Status.FINISHED.value)
_ELIGIBLE = _FINISHED & Q(at_caseness_at_start=True)
COUNTED = {
    "referrals": Count("pk"),
    "not_finished": Count("pk", filter=Q(status=Status.NOT_FINISHED.value)),
    "finished_no_paired_scores": Count(
        "pk", filter=Q(status=Status.FINISHED_NO_PAIRED_SCORES.value)
    ),
    "finished_paired": Count("pk", filter=_FINISHED),
    "not_at_caseness": Count("pk", filter=_FINISHED & Q(at_caseness_at_start=False)),
    "recovered": Count("pk", filter=_ELIGIBLE & Q(recovered=True)),
    "reliable_improvement": Count("pk", filter=Q(change=Change.RELIABLE_IMPROVEMENT.value)),
    "reliable_deterioration": Count("pk", filter=Q(change=Change.RELIABLE_DETERIORATION.value)),
    "no_reliable_change": Count("pk", filter=Q(change=Change.NO_RELIABLE_CHANGE.value)),
    "reliable_recovery": Count("pk", filter=_ELIGIBLE & Q(reliable_recovery=True)),
}
"""Each of the core's counts (``OutcomeCounts``) as an aggregate over stored outcomes."""


@dataclass(frozen=True)
class ReportRow:
    group: str
    rates: OutcomeRates


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[ReportRow]
    note: str = ""


@dataclass(frozen=True)
class Cohort:
    key: str
    title: str
    total: OutcomeRates
    breakdowns: list[Breakdown]


@dataclass(frozen=True)
class OutcomeReport:
    start: date
    end: date
    cohorts: list[Cohort]

    @property
    def referrals(self) -> int:
        """How many referrals went into the report (the audit records this number)."""
        return sum(cohort.total.referrals for cohort in self.cohorts)

    @property
    def formulas(self) -> list[tuple[str, str, str]]:
        """(label, formula, caveat) of each rate, for the page's "how the rates are worked out"."""
        rates = self.cohorts[0].total.rates
        return [(rate.label, rate.formula, rate.caveat) for rate in rates]


GROUPED_BY = (
    "eating_disorder",
    "therapist_id",
    "focus_areas",
    "presenting_problem",
    "presenting_problem_other",
)
"""Every column a breakdown is made from: one GROUP BY over all of them feeds every breakdown."""

GroupCounts = dict[bool, dict[str, OutcomeCounts]]
"""Eating disorder or not -> group label -> counts."""


Group = tuple[dict[str, Any], tuple[int, ...]]
"""A group's column values and its counts, in the order of ``COUNTED``."""


def _counts_by_group(outcomes: QuerySet[StoredOutcome]) -> list[Group]:
    """One GROUP BY query: (the group's column values, its counts) for each group. There are at
    most a few thousand groups (therapists x focus combinations x problems), however many rows."""
    rows = outcomes.values_list(*GROUPED_BY).annotate(**COUNTED).order_by()
    width = len(GROUPED_BY)
    return [(dict(zip(GROUPED_BY, row[:width], strict=True)), row[width:]) for row in rows]


def _labelled(groups: list[Group], labels: Callable[[dict[str, Any]], list[str]]) -> GroupCounts:
    """Counts by group label; groups whose labels are equal are added together."""
    sums: dict[tuple[bool, str], list[int]] = {}
    for values, counts in groups:
        for label in labels(values):
            total = sums.setdefault((values["eating_disorder"], label), [0] * len(counts))
            for index, count in enumerate(counts):
                total[index] += count
    labelled: GroupCounts = {False: {}, True: {}}
    for (eating_disorder, label), total in sums.items():
        labelled[eating_disorder][label] = OutcomeCounts(**dict(zip(COUNTED, total, strict=True)))
    return labelled


def _therapist_names(ids: set[int | None]) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: NOT_ALLOCATED}
    for user in User.objects.filter(pk__in=[pk for pk in ids if pk is not None]):
        names[user.pk] = user.display_name
    return names


def _focus_labels(values: dict[str, Any]) -> list[str]:
    areas = [ProblemArea(a) for a in values["focus_areas"].split(",") if a]
    return sorted(PROBLEM_AREAS[a].manual_name for a in areas) or [NO_FOCUS]


def _problem_labels(values: dict[str, Any]) -> list[str]:
    label = PresentingProblem(values["presenting_problem"]).label
    other = values["presenting_problem_other"]
    return [f"{label}: {other}" if other else label]


def _rows(groups: dict[str, OutcomeCounts]) -> list[ReportRow]:
    return [
        ReportRow(key, rates_of(groups[key]))
        for key in sorted(groups, key=lambda k: (k == NO_FOCUS, k))
    ]


def outcome_report(outcomes: QuerySet[StoredOutcome], start: date, end: date) -> OutcomeReport:
    """The report over ``outcomes`` (already scoped to the reader) for ``start``..``end``."""
    groups = _counts_by_group(outcomes.filter(ended_on__range=(start, end)))
    names = _therapist_names({values["therapist_id"] for values, _ in groups})
    by_therapist = _labelled(groups, lambda values: [names[values["therapist_id"]]])
    by_focus = _labelled(groups, _focus_labels)
    by_problem = _labelled(groups, _problem_labels)
    cohorts = []
    for key, title, eating_disorder in (
        ("depression", "Depression and other referrals", False),
        ("eating_disorders", "Eating-disorder referrals", True),
    ):
        # Every referral has exactly one therapist group, so those groups add up to the total.
        total = sum(by_therapist[eating_disorder].values(), OutcomeCounts())
        cohorts.append(
            Cohort(
                key=key,
                title=title,
                total=rates_of(total),
                breakdowns=[
                    Breakdown("By therapist", _rows(by_therapist[eating_disorder])),
                    Breakdown(
                        "By focus area",
                        _rows(by_focus[eating_disorder]),
                        note="A referral with two focus areas counts under each, so these rows "
                        "can add up to more than the total.",
                    ),
                    Breakdown("By presenting problem", _rows(by_problem[eating_disorder])),
                ],
            )
        )
    return OutcomeReport(start=start, end=end, cohorts=cohorts)


CSV_HEADER = [
    "period_start",
    "period_end",
    "cohort",
    "breakdown",
    "group",
    "referrals_ended",
    "not_finished",
    "finished",
    "finished_no_paired_scores",
    "finished_paired",
    "not_at_caseness",
    "recovered",
    "recovery_denominator",
    "recovery_percent",
    "reliable_improvement",
    "reliable_improvement_denominator",
    "reliable_improvement_percent",
    "reliable_deterioration",
    "reliable_deterioration_denominator",
    "reliable_deterioration_percent",
    "no_reliable_change",
    "reliable_recovery",
    "reliable_recovery_denominator",
    "reliable_recovery_percent",
]


def csv_rows(report: OutcomeReport) -> Iterator[list[str]]:
    """One line per cohort total and per group, with every numerator and denominator."""
    yield CSV_HEADER
    for cohort in report.cohorts:
        groups = [("All", ReportRow("All", cohort.total))] + [
            (breakdown.title, row) for breakdown in cohort.breakdowns for row in breakdown.rows
        ]
        for title, row in groups:
            rates = row.rates
            line = [
                report.start.isoformat(),
                report.end.isoformat(),
                cohort.title,
                title,
                row.group,
                rates.referrals,
                rates.not_finished,
                rates.finished,
                rates.finished_no_paired_scores,
                rates.finished_paired,
                rates.not_at_caseness,
            ]
            for rate, extra in (
                (rates.recovery, None),
                (rates.reliable_improvement, None),
                (rates.reliable_deterioration, rates.no_reliable_change),
                (rates.reliable_recovery, None),
            ):
                line += [
                    rate.numerator,
                    rate.denominator,
                    "" if rate.percent is None else rate.percent,
                ]
                if extra is not None:
                    line.append(extra)
            yield [str(value) for value in line]
