"""Keeping each referral's stored outcome equal to its records (``StoredOutcome``).

Every service that changes something an outcome is worked out from calls :func:`refresh_outcomes`
(or :func:`refresh_client_outcomes`) inside its own transaction: recording or correcting a
questionnaire, marking attendance, opening or ending a course, choosing a focus, adding or
correcting a referral, (re)allocating a client. The row is recomputed from scratch with the same
functions the client's measures page uses (``measures.selectors.referral_results``), never
patched, so it cannot disagree with the record in a way a rebuild would not.

The referral rows are locked first (``select_for_update``): two changes to one referral at once
then recompute one after the other, and the later one reads what the earlier one committed, so
the last row written is never computed from a stale view of the record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import QuerySet

from iptclinic.clients.models import EATING_DISORDERS, Client, Referral
from iptclinic.courses.models import Course
from iptclinic.inventory.selectors import focus_areas_by_course
from iptclinic.measures.selectors import referral_results
from iptclinic.service.services import refresh_referral_times

from .models import StoredOutcome

STORED_FIELDS = tuple(
    field.name for field in StoredOutcome._meta.concrete_fields if not field.primary_key
)
"""Every column worked out from the record: written on refresh, compared by the drift check."""

REBUILD_CHUNK = 2000
"""Referrals worked out per batch by the rebuild and the check: a few queries and bounded memory."""


def outcome_sources() -> QuerySet[Referral]:
    """Referrals with just the columns an outcome needs, their client's therapist included.

    Naming the columns keeps the data migration that first fills the rows working on a database
    where later migrations of other apps have not run yet.
    """
    return Referral.objects.select_related("client").only(
        "client__team",
        "client__therapist",
        "closed_on",
        "presenting_problem",
        "presenting_problem_other",
    )


def outcome_rows(referrals: Iterable[Referral]) -> list[StoredOutcome]:
    """The outcome rows of ``referrals`` (from :func:`outcome_sources`), unsaved: four queries."""
    referrals = list(referrals)
    courses_of: dict[int, list[int]] = defaultdict(list)
    for course_id, referral_id in Course.objects.filter(
        referral_id__in=[r.pk for r in referrals]
    ).values_list("id", "referral_id"):
        courses_of[referral_id].append(course_id)
    focus = focus_areas_by_course(c for ids in courses_of.values() for c in ids)
    rows = []
    for result in referral_results(referrals):
        referral, outcome = result.referral, result.outcome
        areas = {area for c in courses_of[referral.pk] for area in focus[c]}
        rows.append(
            StoredOutcome(
                referral=referral,
                client_id=referral.client_id,
                team_id=referral.client.team_id,
                therapist_id=referral.client.therapist_id,
                ended_on=result.ended_on,
                presenting_problem=referral.presenting_problem,
                presenting_problem_other=referral.presenting_problem_other,
                eating_disorder=referral.presenting_problem in EATING_DISORDERS,
                focus_areas=",".join(sorted(areas)),
                attended=result.attended,
                phq9_first=result.phq9.first,
                phq9_last=result.phq9.last,
                gad7_first=result.gad7.first,
                gad7_last=result.gad7.last,
                status=outcome.status.value,
                at_caseness_at_start=outcome.at_caseness_at_start,
                recovered=outcome.recovered,
                change=outcome.change.value if outcome.change else "",
                reliable_recovery=outcome.reliable_recovery,
            )
        )
    return rows


def refresh_outcomes(referral_ids: Iterable[int]) -> None:
    """Recompute and store the outcome of these referrals, in the caller's transaction."""
    ids = sorted(set(referral_ids))
    if not ids:
        return
    with transaction.atomic():
        referrals = (
            outcome_sources().select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        )
        StoredOutcome.objects.bulk_create(
            outcome_rows(referrals),
            update_conflicts=True,
            unique_fields=["referral"],
            update_fields=STORED_FIELDS,
        )
        # The service dashboard's waits and attribution, from the same records (H-127).
        refresh_referral_times(ids)


def refresh_client_outcomes(client: Client) -> None:
    """Recompute the outcome of every referral of ``client`` (who holds them has changed)."""
    refresh_outcomes(Referral.objects.filter(client=client).values_list("pk", flat=True))


def _chunks_of_referral_ids() -> Iterator[list[int]]:
    ids = Referral.objects.order_by("pk").values_list("pk", flat=True)
    chunk: list[int] = []
    for referral_id in ids.iterator(chunk_size=REBUILD_CHUNK):
        chunk.append(referral_id)
        if len(chunk) == REBUILD_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rebuild_outcomes() -> int:
    """Rewrite every stored outcome from the records, a batch per transaction; returns how many."""
    written = 0
    for chunk in _chunks_of_referral_ids():
        refresh_outcomes(chunk)
        written += len(chunk)
    return written


def _stored_values(row: StoredOutcome) -> tuple[object, ...]:
    return tuple(
        getattr(row, StoredOutcome._meta.get_field(name).attname) for name in STORED_FIELDS
    )


def outcome_drift() -> list[int]:
    """The referrals whose stored outcome is missing or differs from their records, by id."""
    drifted = []
    for chunk in _chunks_of_referral_ids():
        referrals = outcome_sources().filter(pk__in=chunk)
        fresh = {row.referral_id: _stored_values(row) for row in outcome_rows(referrals)}
        stored = {
            row.referral_id: _stored_values(row)
            for row in StoredOutcome.objects.filter(referral_id__in=chunk)
        }
        drifted += [pk for pk in chunk if stored.get(pk) != fresh[pk]]
    return drifted
