"""Needs told by the person compared with the record: only real differences count."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iptclinic.ipt.told_needs import NEED_FIELDS, NeedValue, changed_fields, normalise

RECORDED: dict[str, NeedValue] = {
    "language": "",
    "interpreter": "",
    "large_print": True,
    "easy_read": False,
    "audio": False,
    "braille": False,
    "other_needs": "",
    "preferred_contact": "phone",
}

needs = st.fixed_dictionaries(
    {
        "language": st.sampled_from(["", "Polish", "polish", " Polish ", "Urdu"]),
        "interpreter": st.sampled_from(["", "spoken", "bsl", "other"]),
        "large_print": st.booleans(),
        "easy_read": st.booleans(),
        "audio": st.booleans(),
        "braille": st.booleans(),
        "other_needs": st.sampled_from(["", "Speak slowly", "  Speak   slowly "]),
        "preferred_contact": st.sampled_from(["phone", "text", "email", "letter"]),
    }
)


def test_nothing_told_differently_is_no_change() -> None:
    assert changed_fields(RECORDED, dict(RECORDED)) == []


def test_each_differing_field_is_named_in_the_order_shown() -> None:
    told = RECORDED | {"language": "Polish", "large_print": False, "braille": True}
    assert changed_fields(RECORDED, told) == ["language", "large_print", "braille"]


def test_a_language_differing_only_in_case_or_spaces_is_not_a_change() -> None:
    recorded = RECORDED | {"language": "Polish"}
    assert changed_fields(recorded, recorded | {"language": "  polish "}) == []


def test_other_needs_with_extra_spaces_are_the_same_need() -> None:
    recorded = RECORDED | {"other_needs": "Speak slowly"}
    assert changed_fields(recorded, recorded | {"other_needs": " Speak  slowly"}) == []


@settings(suppress_health_check=[HealthCheck.too_slow])  # a busy machine draws slowly
@given(needs, needs)
def test_changes_are_symmetric_and_within_the_need_fields(
    a: dict[str, NeedValue], b: dict[str, NeedValue]
) -> None:
    changed = changed_fields(a, b)
    assert changed == changed_fields(b, a)
    assert set(changed) <= set(NEED_FIELDS)
    assert changed_fields(a, a) == []


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(needs)
def test_normalising_twice_changes_nothing(values: dict[str, NeedValue]) -> None:
    once = normalise(values)
    assert normalise(once) == once
