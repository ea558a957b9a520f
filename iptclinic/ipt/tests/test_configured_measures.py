"""A measure loaded as data: a good definition becomes an Instrument; a bad one is refused with
the field named (issue 14 item 5, H-150). The definition here is invented for tests only: it is
not a real questionnaire."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.configured_measures import DefinitionError, instrument_from_definition
from iptclinic.ipt.scoring import score

OPTIONS = [
    {"value": 0, "text": "Never"},
    {"value": 1, "text": "Sometimes"},
    {"value": 2, "text": "Often"},
]

INVENTED: dict[str, Any] = {
    "code": "test_eating",
    "name": "Invented eating check (tests only)",
    "short_name": "TEST-EAT",
    "stem": "Over the last week, how often ...",
    "licence": "Invented for the tests; not a real questionnaire.",
    "scoring": "sum",
    "max_missing_for_prorating": 1,
    "caseness_threshold": 4,
    "reliable_change": 2,
    "items": [
        {"text": "Invented item one", "options": OPTIONS},
        {"text": "Invented item two", "options": OPTIONS},
        {"text": "Invented item three", "options": OPTIONS},
        {"text": "Invented unscored item", "options": OPTIONS, "scored": False},
    ],
    "bands": [
        {"low": 0, "high": 3, "label": "Low"},
        {"low": 4, "high": 6, "label": "High"},
    ],
}


def with_change(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(INVENTED)
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


def test_a_good_definition_becomes_an_instrument_that_scores_like_the_others() -> None:
    instrument = instrument_from_definition(INVENTED)
    assert (instrument.code, instrument.max_total, len(instrument.scored_items)) == (
        "test_eating",
        6,
        3,
    )
    result = score(instrument, {1: 2, 2: 2, 3: 1, 4: 0})
    assert (result.total, result.band.label if result.band else None) == (5, "High")
    assert score(instrument, {1: 2, 2: 1}).total == 5  # one gap prorated: 3 / 2 x 3 = 4.5 → 5
    assert score(instrument, {1: 2}).total is None
    assert instrument.risk_item is None


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("code", "PHQ9", "code: 2 to 20 lower-case"),
        ("code", "phq9", "code: 'phq9' is a questionnaire the product already has"),
        ("scoring", "mean", 'scoring: only "sum" is supported'),
        ("name", "", "name: give some text"),
        ("licence", ..., "licence: give some text"),
        ("items", [], "items: give a list with at least one entry"),
        ("items.1.text", " ", "items[2].text: give some text"),
        ("items.0.options.1.value", "1", "items[1].options[2].value: must be a whole number"),
        ("items.0.options.1.value", 0, "items[1]: Item 1 has two answer options with the same"),
        ("items.2.scored", "yes", "items[3].scored: must be true or false"),
        ("bands.1.high", 7, "definition: TEST-EAT: bands must cover 0 to max_total"),
        ("bands.0.label", ..., "bands[1].label: give some text"),
        ("caseness_threshold", 9, "definition: TEST-EAT: the caseness threshold"),
        ("reliable_change", 1.5, "reliable_change: must be a whole number"),
        ("max_missing_for_prorating", 3, "definition: TEST-EAT: max_missing_for_prorating"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(DefinitionError) as raised:
        instrument_from_definition(with_change(path, value))
    assert str(raised.value).startswith(message), str(raised.value)


def test_something_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(DefinitionError, match="definition: must be an object"):
        instrument_from_definition([])  # type: ignore[arg-type]


@settings(deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=10),
    st.data(),
)
def test_any_sum_definition_with_covering_bands_loads_and_totals_stay_in_range(
    tops: list[int], data: st.DataObject
) -> None:
    items = [
        {"text": f"Item {n}", "options": [{"value": v, "text": f"{v}"} for v in range(top + 1)]}
        for n, top in enumerate(tops, start=1)
    ]
    total = sum(tops)
    definition = {**INVENTED, "items": items, "caseness_threshold": None, "reliable_change": None}
    definition["max_missing_for_prorating"] = 0
    definition["bands"] = [{"low": 0, "high": total, "label": "All"}]
    instrument = instrument_from_definition(definition)
    answers = {n: data.draw(st.integers(0, top)) for n, top in enumerate(tops, start=1)}
    result = score(instrument, answers)
    assert result.total is not None and 0 <= result.total <= instrument.max_total == total
