"""Optimistic concurrency: a save based on an out-of-date copy is refused, never merged silently.

Each editable record carries a ``version``. A form sends back the version it was built from; the
version is claimed with one conditional UPDATE (``WHERE version = sent``), so of two people saving
the same copy, the second finds no row to update and gets a conflict message with their typing
kept. The values are then written with ``save()``, so that a record that keeps its history
(``iptclinic.history``) gets its new version with who and why.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F


class EditConflict(Exception):
    """Someone else saved this record after the form was opened."""

    def __init__(self, what: str = "record") -> None:
        super().__init__(
            f"Someone else saved this {what} while you were editing it. Your changes have not been "
            "saved: they are still in the form below. Compare them with the latest version, then "
            "save again."
        )


def save_if_unchanged(
    instance: models.Model,
    expected_version: int | None,
    fields: list[str],
    what: str,
    *,
    actor: Any = None,
    reason: str | None = None,
) -> None:
    """Write ``fields`` of ``instance`` only if its stored version is still ``expected_version``.

    ``actor`` and ``reason`` go on the version the history keeps (the request's user by default).
    """
    model = type(instance)
    with transaction.atomic():
        # The version only: the values are written by save() below, which the history sees.
        claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if claimed != 1:
            raise EditConflict(what)
        instance.version = (expected_version or 0) + 1  # type: ignore[attr-defined]
        if actor is not None:
            instance._history_user = actor  # type: ignore[attr-defined]
        if reason is not None:
            instance._change_reason = reason  # type: ignore[attr-defined]
        try:
            instance.save(update_fields=[*fields, "version"])
        finally:
            for name in ("_history_user", "_change_reason"):
                instance.__dict__.pop(name, None)
