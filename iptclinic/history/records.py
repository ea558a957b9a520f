"""The one way a model keeps its earlier versions (docs/corrections-and-history.md).

``history = kept_history()`` on a model gives it a ``Historical<Model>`` table from
django-simple-history: a row per save with who (``history_user``), when (``history_date``) and
why (``history_change_reason``, free text, so not the library's 100-character default).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords


def kept_history(**kwargs: Any) -> HistoricalRecords:
    return HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        user_related_name="+",
        **kwargs,
    )
