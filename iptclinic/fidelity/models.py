"""Adherence ratings of sessions (issue 13 item 2; docs/fidelity.md).

A session's checklist is fixed by its first rating and stored here, words and all, so that a later
change to the task lists, the strategies or the course's focus never rewrites what was rated. Each
rater rates a session once and may change their own rating (audited). Adherence is feedback
between a therapist and their supervisor: nothing here is ever shown to the service user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iptclinic.ipt.fidelity import Item, ItemKind, Score, score


class Source(models.TextChoices):
    SELF = "self", "The therapist's own rating"
    RECORDING = "recording", "The supervisor, from a recording"
    PRESENT = "present", "The supervisor, present in the session"


SUPERVISOR_SOURCES = (Source.RECORDING, Source.PRESENT)


class AdherenceChecklist(models.Model):
    """The items of one session's checklist, as they stood when the session was first rated."""

    appointment = models.OneToOneField(
        "courses.Appointment", on_delete=models.PROTECT, related_name="adherence_checklist"
    )
    session_number = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=10)
    items = models.JSONField(help_text="[{code, label, kind}] in the order they are rated.")
    fixed_at = models.DateTimeField(auto_now_add=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Adherence checklist of session {self.session_number}"

    @property
    def item_list(self) -> tuple[Item, ...]:
        return tuple(Item(i["code"], i["label"], ItemKind(i["kind"])) for i in self.items)


class AdherenceRating(models.Model):
    """One person's marks for one session's checklist: the therapist's, or their supervisor's."""

    checklist = models.ForeignKey(
        AdherenceChecklist, on_delete=models.PROTECT, related_name="ratings"
    )
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    scores = models.JSONField(help_text="{item code: 0, 1, 2, or null for not this session}")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "rater"], name="fidelity_one_rating_per_rater_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"Adherence rating ({self.source})"

    @property
    def by_supervisor(self) -> bool:
        return self.source != Source.SELF

    @property
    def score(self) -> Score:
        return score(self.scores)
