"""An eating-disorder questionnaire loaded by a service as data, checked before it is stored.

Issue 14 item 5. No eating-disorder measure could be shipped (docs/ipt-for-eating-disorders.md:
none had both verifiable wording and a licence that allows it), so a service that holds a licence
loads its instrument's definition from a JSON file. The definition becomes the same
:class:`~iptclinic.ipt.instruments.Instrument` the built-in questionnaires are, so scoring
(``ipt/scoring.py``) treats it the same way. Every error names the field it is about.

The only scoring rule is ``"sum"``: the total adds the scored items (with prorating up to
``max_missing_for_prorating`` gaps, as for the built-in questionnaires). A measure scored as a mean
of subscales (the EDE-Q global score) cannot be expressed and is refused. A configured measure has
no risk item: risk is asked in the session record and the PHQ-9 as in every course.

Plain Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from iptclinic.ipt.instruments import INSTRUMENTS, AnswerOption, Band, Instrument, Item

SCORING_RULES = ("sum",)
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,19}$")


class DefinitionError(ValueError):
    """A definition refused; the message names the field."""


def _text(data: Mapping[str, Any], key: str, where: str, *, max_length: int = 500) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{where}{key}: give some text.")
    if len(value) > max_length:
        raise DefinitionError(f"{where}{key}: at most {max_length} characters.")
    return value.strip()


def _whole(value: Any, field: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"{field}: must be a whole number.")
    return value


def _list(data: Mapping[str, Any], key: str, where: str = "") -> Sequence[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise DefinitionError(f"{where}{key}: give a list with at least one entry.")
    return value


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DefinitionError(f"{field}: must be an object with named fields.")
    return value


def _item(number: int, raw: Any) -> Item:
    where = f"items[{number}]."
    data = _mapping(raw, f"items[{number}]")
    options = []
    for index, option in enumerate(_list(data, "options", where), start=1):
        field = f"{where}options[{index}]"
        entry = _mapping(option, field)
        value = _whole(entry.get("value"), f"{field}.value")
        assert value is not None
        options.append(AnswerOption(value, _text(entry, "text", f"{field}."), None))
    scored = data.get("scored", True)
    if not isinstance(scored, bool):
        raise DefinitionError(f"{where}scored: must be true or false.")
    try:
        return Item(
            number, str(number), _text(data, "text", where), None, tuple(options), scored=scored
        )
    except DefinitionError:
        raise
    except ValueError as error:
        raise DefinitionError(f"items[{number}]: {error}") from None


def instrument_from_definition(data: Mapping[str, Any]) -> Instrument:
    """The instrument a definition describes, or :class:`DefinitionError` naming the field.

    Items are numbered by their place in the list, from 1, and the errors count the same way.
    """
    data = _mapping(data, "definition")
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise DefinitionError(
            "code: 2 to 20 lower-case letters, digits or underscores, starting with a letter."
        )
    if code in INSTRUMENTS:
        raise DefinitionError(f"code: {code!r} is a questionnaire the product already has.")
    if data.get("scoring") not in SCORING_RULES:
        raise DefinitionError('scoring: only "sum" is supported (the total adds the scored items).')
    items = tuple(_item(n, raw) for n, raw in enumerate(_list(data, "items"), start=1))
    bands = []
    for index, raw in enumerate(_list(data, "bands"), start=1):
        field = f"bands[{index}]"
        entry = _mapping(raw, field)
        low = _whole(entry.get("low"), f"{field}.low")
        high = _whole(entry.get("high"), f"{field}.high")
        assert low is not None and high is not None
        bands.append(Band(low, high, _text(entry, "label", f"{field}.", max_length=80)))
    max_missing = _whole(data.get("max_missing_for_prorating", 0), "max_missing_for_prorating")
    assert max_missing is not None
    try:
        return Instrument(
            code=code,
            name=_text(data, "name", "", max_length=120),
            short_name=_text(data, "short_name", "", max_length=20),
            stem=_text(data, "stem", ""),
            items=items,
            max_total=sum(max(o.value for o in item.options) for item in items if item.scored),
            bands=tuple(bands),
            caseness_threshold=_whole(
                data.get("caseness_threshold"), "caseness_threshold", optional=True
            ),
            reliable_change=_whole(data.get("reliable_change"), "reliable_change", optional=True),
            max_missing_for_prorating=max_missing,
            prorating_verified=True,  # the licence holder's rule, as the service loaded it
            risk_item=None,
            loinc_panel=None,
            loinc_total=None,
            copyright_note=_text(data, "licence", ""),
        )
    except DefinitionError:
        raise
    except ValueError as error:
        # The instrument's own checks (bands, totals, prorating) name the instrument; say which
        # part of the definition they are about.
        raise DefinitionError(f"definition: {error}") from None
