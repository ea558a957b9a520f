"""Communication needs told by the person themselves (the Accessible Information Standard's
"identify" step, done by the person in the portal), compared with the needs on their record.

The person's word never changes the record by itself: what they told differs from what is
recorded in some fields, and the therapist confirms exactly those (NHS England, Accessible
Information Standard DCB1605, "identify" and "record"). Plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Mapping

NEED_FIELDS: tuple[str, ...] = (
    "language",
    "interpreter",
    "large_print",
    "easy_read",
    "audio",
    "braille",
    "other_needs",
    "preferred_contact",
)
"""The fields of a client's communication needs a person can tell, in the order shown."""

NeedValue = str | bool


def normalise(values: Mapping[str, NeedValue]) -> dict[str, NeedValue]:
    """The needs with text trimmed and inner spaces collapsed, booleans kept as booleans."""
    out: dict[str, NeedValue] = {}
    for name in NEED_FIELDS:
        value = values[name]
        out[name] = " ".join(value.split()) if isinstance(value, str) else bool(value)
    return out


def changed_fields(recorded: Mapping[str, NeedValue], told: Mapping[str, NeedValue]) -> list[str]:
    """The need fields where what the person told differs from the record, in ``NEED_FIELDS``
    order. A language differing only in letter case ("polish", "Polish") is not a change."""
    before, after = normalise(recorded), normalise(told)
    changed = []
    for name in NEED_FIELDS:
        old, new = before[name], after[name]
        same_language = (
            name == "language"
            and isinstance(old, str)
            and isinstance(new, str)
            and old.casefold() == new.casefold()
        )
        if old != new and not same_language:
            changed.append(name)
    return changed
