"""The outcomes report: NHS Talking Therapies counts and rates for a period, in a few queries.

Which referrals count (PRODUCT, following the NHS statistics, which count finished courses in the
month they end): every referral of the visible clients that ended within the period, by
``measures.selectors.referral_ended_on``. Each is classified once by the core
(``ipt.outcomes.classify``) and the groups are added up by ``ipt.outcomes.aggregate``, so every
rate carries its numerator, denominator and formula (measures-and-standards.md §2).

Eating-disorder referrals are reported apart from the others (decisions.md §16). A referral is
grouped under its client's current therapist, under each of its focus areas (a referral with two
foci counts under both, so those rows add up to more than the total), and under its presenting
problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Course
from iptclinic.inventory.selectors import focus_areas_by_course
from iptclinic.ipt.outcomes import OutcomeRates, aggregate
from iptclinic.ipt.problem_areas import PROBLEM_AREAS
from iptclinic.measures.selectors import ReferralResult, referral_results

NO_FOCUS = "No focus recorded"


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
    client_ids: list[int]

    @property
    def formulas(self) -> list[tuple[str, str, str]]:
        """(label, formula, caveat) of each rate, for the page's "how the rates are worked out"."""
        rates = self.cohorts[0].total.rates
        return [(rate.label, rate.formula, rate.caveat) for rate in rates]


def _ended_in(referrals: QuerySet[Referral], start: date, end: date) -> QuerySet[Referral]:
    """Referrals that may have ended in the period; the exact end date is checked afterwards."""
    return (
        referrals.filter(
            Q(closed_on__range=(start, end))
            | Q(closed_on__isnull=True, courses__ended_on__range=(start, end))
        )
        .distinct()
        .select_related("client__therapist")
    )


def _grouped(
    results: Iterable[ReferralResult], keys: Callable[[ReferralResult], list[str]]
) -> list[ReportRow]:
    groups: dict[str, list[ReferralResult]] = defaultdict(list)
    for result in results:
        for key in keys(result):
            groups[key].append(result)
    return [
        ReportRow(key, aggregate(r.outcome for r in groups[key]))
        for key in sorted(groups, key=lambda k: (k == NO_FOCUS, k))
    ]


def outcome_report(clients: QuerySet[Client], start: date, end: date) -> OutcomeReport:
    """The report for ``clients`` (already scoped to the reader) over ``start``..``end``."""
    candidates = list(_ended_in(Referral.objects.filter(client__in=clients), start, end))
    results = [
        r
        for r in referral_results(candidates)
        if r.ended_on is not None and start <= r.ended_on <= end
    ]
    courses_of: dict[int, list[int]] = defaultdict(list)
    for course_id, referral_id in Course.objects.filter(
        referral_id__in=[r.referral.pk for r in results]
    ).values_list("id", "referral_id"):
        courses_of[referral_id].append(course_id)
    focus = focus_areas_by_course(c for ids in courses_of.values() for c in ids)

    def therapist(result: ReferralResult) -> list[str]:
        who = result.referral.client.therapist
        return [who.display_name if who else "Not allocated"]

    def focus_areas(result: ReferralResult) -> list[str]:
        areas = {a for c in courses_of[result.referral.pk] for a in focus.get(c, [])}
        return sorted(PROBLEM_AREAS[a].manual_name for a in areas) or [NO_FOCUS]

    def problem(result: ReferralResult) -> list[str]:
        referral = result.referral
        label = referral.get_presenting_problem_display()
        return [
            f"{label}: {referral.presenting_problem_other}"
            if referral.presenting_problem_other
            else label
        ]

    cohorts = []
    for key, title, chosen in (
        (
            "depression",
            "Depression and other referrals",
            [r for r in results if not r.eating_disorder],
        ),
        (
            "eating_disorders",
            "Eating-disorder referrals",
            [r for r in results if r.eating_disorder],
        ),
    ):
        cohorts.append(
            Cohort(
                key=key,
                title=title,
                total=aggregate(r.outcome for r in chosen),
                breakdowns=[
                    Breakdown("By therapist", _grouped(chosen, therapist)),
                    Breakdown(
                        "By focus area",
                        _grouped(chosen, focus_areas),
                        note="A referral with two focus areas counts under each, so these rows "
                        "can add up to more than the total.",
                    ),
                    Breakdown("By presenting problem", _grouped(chosen, problem)),
                ],
            )
        )
    return OutcomeReport(
        start=start,
        end=end,
        cohorts=cohorts,
        client_ids=sorted({r.client_id for r in candidates}),
    )


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


def csv_rows(report: OutcomeReport) -> list[list[str]]:
    """One line per cohort total and per group, with every numerator and denominator."""
    lines = [CSV_HEADER]
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
            lines.append([str(value) for value in line])
    return lines
