"""Writes to the kept history: the baseline, merged drafts, a reason, and purging one client.

The rows themselves are written by django-simple-history on every ``save()`` and ``delete()`` of a
registered model (``registry.KEPT``); who comes from the request (its middleware) or from the
service (``_history_user``), why from :func:`save_with_reason`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from simple_history.signals import post_create_historical_record
from simple_history.utils import bulk_update_with_history

from .registry import KEPT, Kept, kept_for_model

DRAFT_MERGE_WINDOW = timedelta(minutes=10)
"""Saves of the same draft by the same person this close together are one version."""

BASELINE_REASON = "As recorded before its history was kept"


def save_with_reason(
    instance: models.Model, *, actor: Any = None, reason: str | None = None, **save_kwargs: Any
) -> None:
    """``instance.save()`` with who and why on the version it makes."""
    if actor is not None:
        instance._history_user = actor  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
    try:
        instance.save(**save_kwargs)
    finally:
        for name in ("_history_user", "_change_reason"):
            instance.__dict__.pop(name, None)


def _baseline(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any
) -> None:
    """Before the first change of a record saved before history was kept, keep it as it was.

    Without this, the first correction of an older record would keep only the new values.
    """
    if raw or instance._state.adding or instance.pk is None:
        return
    manager = sender.history  # type: ignore[attr-defined]
    if manager.filter(id=instance.pk).exists():
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    when = getattr(stored, "created_at", None) or timezone.now()
    manager.bulk_history_create([stored], default_change_reason=BASELINE_REASON, default_date=when)


def bulk_update_kept(
    objs: list[models.Model], model: type[models.Model], fields: list[str], *, actor: Any
) -> None:
    """``bulk_update`` with a version of each row, and a first version for rows that had none.

    The library's ``bulk_update_with_history`` keeps the new values; records saved before
    history was kept get their old values kept first, as :func:`_baseline` does for ``save()``.
    """
    if not objs:
        return
    manager = model.history  # type: ignore[attr-defined]
    pks = [obj.pk for obj in objs]
    with_history = set(manager.filter(id__in=pks).values_list("id", flat=True))
    missing = [pk for pk in pks if pk not in with_history]
    if missing:
        stored = list(model._default_manager.filter(pk__in=missing))
        manager.bulk_history_create(
            stored, default_change_reason=BASELINE_REASON, default_date=timezone.now()
        )
    bulk_update_with_history(objs, model, fields, default_user=actor)


def _merge_draft_saves(
    sender: type[models.Model], instance: models.Model, history_instance: Any, **_: Any
) -> None:
    """One version per save, except that repeated saves of a draft by one person are merged.

    A draft (an unsigned session record, a formulation not yet shared) is written over several
    saves; nobody has relied on a draft's intermediate wording. When this save leaves the record
    a draft and the previous version was also a draft saved by the same person less than
    :data:`DRAFT_MERGE_WINDOW` before, the previous version is dropped and this one takes its
    place (keeping "created" if it was the first).
    """
    kept = kept_for_model(type(instance))
    if kept is None or history_instance.history_type != "~" or not kept.is_draft(instance):
        return
    previous = (
        type(history_instance)
        .objects.filter(id=instance.pk, history_date__lte=history_instance.history_date)
        .exclude(pk=history_instance.pk)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if (
        previous is None
        or previous.history_type == "-"
        or previous.history_user_id != history_instance.history_user_id
        or previous.history_change_reason == BASELINE_REASON
        or history_instance.history_date - previous.history_date > DRAFT_MERGE_WINDOW
        or not kept.is_draft(previous)
    ):
        return
    if previous.history_type == "+":
        history_instance.history_type = "+"
        history_instance.save(update_fields=["history_type"])
    previous.delete()


def connect() -> None:
    for kept in KEPT:
        pre_save.connect(_baseline, sender=kept.model, dispatch_uid=f"history-baseline-{kept.kind}")
    post_create_historical_record.connect(_merge_draft_saves, dispatch_uid="history-merge-drafts")


def _ids_below(kept: Kept, parents: dict[str, set[int]]) -> set[int]:
    parent_ids = parents.get(kept.parent or "", set())
    if not parent_ids:
        return set()
    return set(
        kept.historical.objects.filter(**{f"{kept.via}__in": parent_ids})
        .values_list("id", flat=True)
        .distinct()
    )


@transaction.atomic
def purge_history_for_client(client: Any) -> int:
    """Remove every historical row of this client's records, of every registered model.

    For a reviewed disposal (the retention work): the record itself is erased there, and its
    earlier versions must go with it. The client's records are found through the historical
    tables, parent by parent, so this works before or after the records themselves are deleted.
    Returns the number of historical rows removed.
    """
    ids: dict[str, set[int]] = {"client": {client.pk}}
    for kept in KEPT:  # parents come before their children in KEPT
        if kept.parent is not None:
            ids[kept.kind] = _ids_below(kept, ids)
    removed = 0
    for kept in KEPT:
        if ids.get(kept.kind):
            count, _ = kept.historical.objects.filter(id__in=ids[kept.kind]).delete()
            removed += count
    return removed
