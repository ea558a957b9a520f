"""The stored outcome of each referral, so a report is a few aggregates over indexed columns.

A ``StoredOutcome`` is derived data: everything in it is worked out from the referral's records
by ``reports.services.refresh_outcomes`` (the core's ``classify`` does the classifying), in the
same transaction as every service that changes one of those records. ``manage.py
rebuild_outcomes --check`` finds a row that has drifted from the records; without ``--check`` it
rewrites them all. Nothing else writes these rows (hazard log H-109).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iptclinic.accounts.models import Team
from iptclinic.clients.models import Client, PresentingProblem, Referral
from iptclinic.ipt.outcomes import Change, Status


class StoredOutcome(models.Model):
    """One referral's NHS Talking Therapies outcome and the facts the report groups it by."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, primary_key=True, related_name="stored_outcome"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    # The client's team and therapist are copied here so a reader's scope is a filter on indexed
    # columns of this table (``reports.access.visible_outcomes``), not a join over every client.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        help_text="The client's therapist now: the report groups by who holds the client.",
    )
    ended_on = models.DateField(
        null=True, help_text="When the referral ended (measures.selectors.referral_ended_on)."
    )
    presenting_problem = models.CharField(max_length=30, choices=PresentingProblem.choices)
    presenting_problem_other = models.CharField(max_length=150, blank=True)
    eating_disorder = models.BooleanField()
    focus_areas = models.CharField(
        max_length=100,
        blank=True,
        help_text="The current focus areas of the referral's courses, sorted, comma-separated.",
    )
    attended = models.PositiveIntegerField(help_text="Attended treatment sessions.")
    phq9_first = models.PositiveSmallIntegerField(null=True)
    phq9_last = models.PositiveSmallIntegerField(null=True)
    gad7_first = models.PositiveSmallIntegerField(null=True)
    gad7_last = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=30, choices=[(s.value, s.value) for s in Status])
    at_caseness_at_start = models.BooleanField(null=True)
    recovered = models.BooleanField(null=True)
    change = models.CharField(
        max_length=30, blank=True, choices=[(c.value, c.value) for c in Change]
    )
    reliable_recovery = models.BooleanField(null=True)

    class Meta:
        indexes = [
            # The report's period filter: only referrals that have ended are ever reported.
            models.Index(
                fields=["team", "ended_on"],
                name="stored_outcome_team_ended_on",
                condition=models.Q(ended_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"Outcome of referral {self.referral_id}"
