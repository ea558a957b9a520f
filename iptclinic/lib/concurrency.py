"""Optimistic concurrency: a save based on an out-of-date copy is refused, never merged silently.

Each editable record carries a ``version``. A form sends back the version it was built from; the
save is one conditional UPDATE (``WHERE version = sent``), so of two people saving the same copy,
the second finds no row to update and gets a conflict message with their typing kept.
"""

from __future__ import annotations

from typing import Any

from django.db import models
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
    instance: models.Model, expected_version: int | None, fields: list[str], what: str
) -> None:
    """Write ``fields`` of ``instance`` only if its stored version is still ``expected_version``."""
    model = type(instance)
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if updated != 1:
        raise EditConflict(what)
    instance.refresh_from_db(fields=["version"])
