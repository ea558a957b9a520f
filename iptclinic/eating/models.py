"""The eating log of an IPT-ED course and the team's settings for it (issue 14 item 5).

One entry per attended session: the binge and compensatory episodes since the session before,
and the weight where the team records weight (docs/ipt-for-eating-disorders.md). Staff who may
see the course see the log; the service user does not see it in the portal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iptclinic.ipt.configured_measures import instrument_from_definition
from iptclinic.ipt.eating import DEFAULT_PURGING_RISE, PURGING, Compensatory
from iptclinic.ipt.instruments import Instrument


class EatingSettings(models.Model):
    """A team's choices for IPT-ED: whether weight is recorded, and when a rise in purging needs
    the therapist. A team without a row has the defaults (weight off, threshold 3)."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="eating_settings"
    )
    records_weight = models.BooleanField(
        "record weight in the eating log",
        default=False,
        help_text="Weight is sensitive: only staff who may see the course see it.",
    )
    purging_rise = models.PositiveSmallIntegerField(
        "a rise in purging that needs the therapist (episodes a week)",
        default=DEFAULT_PURGING_RISE,
        help_text="Vomiting, laxatives and diuretics together, against the session before. "
        "0 turns this off.",
    )

    def __str__(self) -> str:
        return "Eating log settings"


class EatingLogEntry(models.Model):
    """The episodes since the session before, recorded at one attended session."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="eating_log"
    )
    appointment = models.OneToOneField(
        "courses.Appointment", on_delete=models.PROTECT, related_name="eating_log_entry"
    )
    binges = models.PositiveSmallIntegerField("binge episodes")
    vomiting = models.PositiveSmallIntegerField(default=0)
    laxatives = models.PositiveSmallIntegerField(default=0)
    diuretics = models.PositiveSmallIntegerField(default=0)
    exercise = models.PositiveSmallIntegerField(default=0)
    fasting = models.PositiveSmallIntegerField(default=0)
    weight_kg = models.DecimalField(
        "weight (kg)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["appointment__starts_at", "id"]
        verbose_name_plural = "eating log entries"

    def __str__(self) -> str:
        return "Eating log entry"

    def compensatory(self) -> dict[Compensatory, int]:
        return {kind: getattr(self, kind.value) for kind in Compensatory}

    @property
    def purging(self) -> int:
        return sum(getattr(self, kind.value) for kind in PURGING)


class ConfiguredMeasure(models.Model):
    """An eating-disorder questionnaire a team holds a licence for, loaded as data
    (``manage.py load_eating_measure``; ``ipt.configured_measures``). Offered on IPT-ED courses.
    A definition that has been answered is never changed: load a new code instead."""

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="eating_measures"
    )
    code = models.CharField(max_length=20)
    definition = models.JSONField(help_text="As loaded; checked by ipt.configured_measures.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["team", "code"], name="eating_one_measure_per_code")
        ]

    def __str__(self) -> str:
        return f"Eating measure {self.code}"

    @property
    def instrument(self) -> Instrument:
        return instrument_from_definition(self.definition)


class MeasureResponse(models.Model):
    """One answered configured measure, at one attended session. Kept apart from the NHS Talking
    Therapies questionnaires: it never feeds the depression outcomes (decisions.md §16)."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="eating_measure_responses"
    )
    appointment = models.ForeignKey(
        "courses.Appointment", on_delete=models.PROTECT, related_name="eating_measure_responses"
    )
    measure = models.ForeignKey(ConfiguredMeasure, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(help_text="{item number: value}")
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=80, blank=True)
    no_total_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appointment__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "measure"], name="eating_one_response_per_session"
            )
        ]

    def __str__(self) -> str:
        return "Eating measure response"
