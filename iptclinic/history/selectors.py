"""Reading the kept history: a record's client, its last correction, and its versions as changes."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone
from django.utils.text import capfirst

from iptclinic.ipt.problem_areas import ProblemArea, area_label
from iptclinic.ipt.strategies import TECHNIQUES_BY_CODE
from iptclinic.ipt.tasks import TASK_LABELS

from .registry import BY_KIND, Kept, kept_for_model

HIDDEN = frozenset({"id", "version", "created_at", "updated_at", "created_by", "updated_by"})
"""Bookkeeping fields: who and when are the version's own, the rest says nothing to a reader."""

LONG_TEXT = 80


def client_id_of(kept: Kept, pk: int) -> int | None:
    """The client a record belongs to, from the record or, once it is gone, its history."""
    while kept.parent is not None:
        value = kept.model._default_manager.filter(pk=pk).values_list(kept.via, flat=True).first()
        if value is None:
            value = (
                kept.historical.objects.filter(id=pk)
                .order_by("-history_date", "-history_id")
                .values_list(kept.via, flat=True)
                .first()
            )
        if value is None:
            return None
        kept, pk = BY_KIND[kept.parent], value
    return pk


def with_corrections(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate ``corrected_at`` and ``corrected_by`` (a name): the last change made with a reason.

    Two subqueries in the same query, so a list of records costs no extra query per row.
    """
    kept = kept_for_model(queryset.model)
    assert kept is not None, f"{queryset.model} keeps no history"
    last = (
        kept.historical.objects.filter(id=OuterRef("pk"), history_type="~")
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .order_by("-history_date", "-history_id")
    )
    name = Coalesce(
        NullIf(
            Concat(
                "history_user__first_name",
                models.Value(" "),
                "history_user__last_name",
                output_field=models.CharField(),
            ),
            models.Value(" "),
        ),
        "history_user__username",
    )
    return queryset.annotate(
        corrected_at=Subquery(last.values("history_date")[:1]),
        corrected_by=Subquery(last.annotate(name=name).values("name")[:1]),
    )


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    diff: list[tuple[str, str]] | None = None
    """For long text: (kind, words) pieces, kind being "same", "removed" or "added"."""
    name: str = ""
    """The field's name in the product."""


@dataclass
class Version:
    when: datetime
    who: str
    why: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def _fields(kept: Kept) -> list[models.Field]:
    return [
        f
        for f in kept.model._meta.concrete_fields
        if f.name not in HIDDEN and f.attname != kept.via
    ]


AREA_WORDS = {area.value: area_label(area) for area in ProblemArea}
CODE_WORDS: dict[tuple[str, str], dict[str, str]] = {
    ("courses.SessionRecord", "tasks_done"): dict(TASK_LABELS),
    ("inventory.SessionFocusWork", "techniques"): {
        code: technique.name for code, technique in TECHNIQUES_BY_CODE.items()
    },
    ("inventory.Relationship", "areas"): AREA_WORDS,
    ("inventory.FocusDecision", "areas"): AREA_WORDS,
    ("inventory.FocusDecision", "suggested"): AREA_WORDS,
}
"""Lists of codes kept in JSON, shown in words as the record's own page shows them."""


def _in_words(f: models.Field, codes: list[str]) -> list[str]:
    words = CODE_WORDS.get((f.model._meta.label, f.name), {})
    return [words.get(code, code) for code in codes]


def _shown(f: models.Field, value: Any, users: dict[int, str]) -> str:
    if value is None or value == "":
        return "(blank)" if not isinstance(f, models.BooleanField) else "Not known"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        if f.related_model is get_user_model():
            return users.get(value, "someone")
        return "another record"
    if isinstance(f, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    if isinstance(f, models.JSONField):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(_in_words(f, value)) or "(blank)"
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(" "), new.split(" ")
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", " ".join(b[j1:j2])))
    return pieces


def _change(f: models.Field, old: Any, new: Any, users: dict[int, str]) -> Change:
    label = capfirst(str(f.verbose_name))
    shown_old, shown_new = _shown(f, old, users), _shown(f, new, users)
    long = isinstance(f, models.TextField) and (
        len(str(old or "")) > LONG_TEXT or len(str(new or "")) > LONG_TEXT
    )
    diff = _word_diff(str(old or ""), str(new or "")) if long and old and new else None
    return Change(label, shown_old, shown_new, diff, name=f.name)


KIND_WORDS = {"+": "Created", "~": "Changed", "-": "Removed"}


def last_correction(obj: models.Model) -> dict[str, Any]:
    """``corrected_at`` and ``corrected_by`` of one record (one query), for its page."""
    found = (
        with_corrections(type(obj)._default_manager.filter(pk=obj.pk))
        .values("corrected_at", "corrected_by")
        .first()
    )
    return found or {"corrected_at": None, "corrected_by": None}


def versions(kept: Kept, pk: int) -> list[Version]:
    """Every version of one record, newest first, each with what changed from the one before.

    Two queries whatever the number of versions: the rows (with their authors) and the names of
    the people that fields such as "signed by" point to.
    """
    rows = list(
        kept.historical.objects.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    ids = people_named(kept, rows)
    users = {u.pk: u.display_name for u in get_user_model()._default_manager.filter(pk__in=ids)}
    found = versions_of(kept, rows, users)
    found.reverse()
    return found


def user_fields(kept: Kept) -> list[models.Field]:
    """The fields shown in a version that name a member of staff ("signed by")."""
    return [
        f
        for f in _fields(kept)
        if isinstance(f, models.ForeignKey) and f.related_model is get_user_model()
    ]


def people_named(kept: Kept, rows: Iterable[Any]) -> set[int]:
    """The ids of the people that fields such as "signed by" name in these historical rows."""
    return {getattr(r, f.attname) for r in rows for f in user_fields(kept)} - {None}


def versions_of(
    kept: Kept,
    rows: list[Any],
    users: dict[int, str],
    who: Callable[[Any], str] | None = None,
) -> list[Version]:
    """The versions of one record from its historical rows (oldest first, as given), each with
    what changed from the one before. No query: ``rows`` come with their ``history_user``,
    ``users`` names the people that fields point to, ``who`` names a version's author (their
    display name unless given)."""
    fields = _fields(kept)
    result = []
    before: Any = None
    for row in rows:
        changes = []
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if before is None and row.history_type == "+" and new in (None, "", [], {}):
                continue
            if before is None:
                changes.append(
                    Change(capfirst(str(f.verbose_name)), "", _shown(f, new, users), name=f.name)
                )
            elif old != new:
                changes.append(_change(f, old, new, users))
        if row.history_type == "-":
            changes = []
        if row.history_user is None:
            author = "The system"
        else:
            author = who(row.history_user) if who is not None else row.history_user.display_name
        result.append(
            Version(
                when=row.history_date,
                who=author,
                why=row.history_change_reason or "",
                kind=KIND_WORDS.get(row.history_type, "Changed"),
                changes=changes,
            )
        )
        before = row
    return result
