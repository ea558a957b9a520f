"""Which records keep history, how each one leads to its client, and when it is still a draft.

A kind is the short name in a history page's address. ``parent``/``via`` lead from a record to
the record above it (a session record to its appointment, to its course, to its referral, to its
client): the history page finds the client this way to apply the same access rules as the record,
and :func:`~iptclinic.history.services.purge_history_for_client` finds every historical row of a
client this way, through the historical tables themselves, so it works after the records are gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models


def _never(row: Any) -> bool:
    return False


@dataclass(frozen=True)
class Kept:
    kind: str
    model_label: str
    noun: str
    parent: str | None = None
    via: str = ""
    is_draft: Callable[[Any], bool] = _never
    """True while the record is a draft: saves by one person within minutes are merged."""
    param: str = ""
    """The name of the id in the history page's address (``<kind>_id`` unless set)."""

    @property
    def url_param(self) -> str:
        return self.param or f"{self.kind.replace('-', '_')}_id"

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def historical(self) -> type[models.Model]:
        return self.model.history.model  # type: ignore[attr-defined]


KEPT: tuple[Kept, ...] = (
    Kept("client", "clients.Client", "client's details"),
    Kept("referral", "clients.Referral", "referral", "client", "client_id"),
    Kept("course", "courses.Course", "course and contract", "referral", "referral_id"),
    Kept("appointment", "courses.Appointment", "appointment", "course", "course_id"),
    Kept(
        "session-record",
        "courses.SessionRecord",
        "session record",
        "appointment",
        "appointment_id",
        is_draft=lambda row: row.signed_at is None,
        param="record_id",
    ),
    Kept("addendum", "courses.Addendum", "addendum", "session-record", "record_id"),
    Kept("inventory", "inventory.Inventory", "interpersonal inventory", "course", "course_id"),
    Kept("relationship", "inventory.Relationship", "relationship", "course", "course_id"),
    Kept(
        "life-event", "inventory.LifeEvent", "life event", "course", "course_id", param="event_id"
    ),
    Kept(
        "earlier-episode",
        "inventory.EarlierEpisode",
        "earlier episode",
        "course",
        "course_id",
        param="episode_id",
    ),
    Kept("focus", "inventory.FocusDecision", "focus decision", "course", "course_id"),
    Kept(
        "formulation",
        "inventory.Formulation",
        "formulation",
        "course",
        "course_id",
        is_draft=lambda row: row.shared_on is None,
    ),
    Kept(
        "treatment-agreement",
        "inventory.TreatmentAgreement",
        "treatment agreement",
        "course",
        "course_id",
    ),
    Kept(
        "middle-phase-override",
        "inventory.MiddlePhaseOverride",
        "middle phase decision",
        "course",
        "course_id",
    ),
    Kept("goal", "inventory.Goal", "goal", "course", "course_id"),
    Kept("focus-work", "inventory.SessionFocusWork", "focus work", "appointment", "appointment_id"),
    Kept("goal-rating", "inventory.GoalRating", "goal rating", "goal", "goal_id"),
    Kept("ending-record", "endings.EndingRecord", "ending record", "course", "course_id"),
    Kept("risk-alert", "measures.RiskAlert", "risk alert", "client", "client_id", param="alert_id"),
)

BY_KIND = {kept.kind: kept for kept in KEPT}


def kept_for_model(model: type[models.Model]) -> Kept | None:
    label = model._meta.label
    return next((kept for kept in KEPT if kept.model_label == label), None)
