"""The draft formulation written for the service user (ipt-method.md §0.1, §0.4, R04–R05)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.case import ApproxDate, DatePrecision, EventKind, LifeEvent
from iptclinic.ipt.formulation import draft_formulation
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.ipt.variants import VARIANTS, Variant

JARGON = re.compile(
    r"\b(interpersonal|role|dispute|transition|deficits?|IPT|formulation|sick role|"
    r"problem area|inventory|affect)\b",
    re.IGNORECASE,
)
BLAME = re.compile(r"\b(you failed|your choice|should have|weak person|blame)\b", re.IGNORECASE)

DEATH = LifeEvent(
    "e1", ApproxDate(date(2024, 9, 18)), EventKind.DEATH, "Mum died in hospital.", ("mum",)
)


def draft(**overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "preferred_name": "Jo",
        "areas": [ProblemArea.GRIEF],
        "key_events": [DEATH],
        "key_people": ["Mum", "Dev"],
        "contracted_sessions": 16,
        "end_date_text": "Friday 12 September",
    }
    return draft_formulation(**{**arguments, **overrides})


def sentences(text: str) -> list[str]:
    prose = "\n".join(line for line in text.splitlines() if not line.startswith("- "))
    return [s for s in re.split(r"(?<=[.:])\s+", prose) if s.strip()]


def test_it_speaks_to_the_person_by_name_and_in_the_second_person() -> None:
    text = draft()
    assert text.startswith("Jo, this is a first draft")
    assert " you" in text
    assert "the patient" not in text and "the client" not in text


def test_it_names_the_illness_and_says_it_is_not_their_fault() -> None:
    text = draft()
    assert "What you have been going through has a name: depression." in text
    assert "It is not your fault" in text
    assert "It can get better with treatment." in text


def test_it_proposes_the_time_limited_plan() -> None:
    text = draft(contracted_sessions=12, end_date_text="the end of June")
    assert "We suggest 12 sessions, ending by the end of June." in text
    assert "We suggest 1 session," in draft(contracted_sessions=1)


@pytest.mark.parametrize(
    ("area", "phrase"),
    [
        (ProblemArea.GRIEF, "the death of someone important to you"),
        (ProblemArea.ROLE_DISPUTE, "a disagreement with someone who matters to you"),
        (ProblemArea.ROLE_TRANSITION, "a big change in your life"),
        (ProblemArea.INTERPERSONAL_DEFICITS, "feeling alone"),
    ],
)
def test_it_links_the_illness_to_the_chosen_area_in_plain_words(
    area: ProblemArea, phrase: str
) -> None:
    text = draft(areas=[area])
    assert f"It seems to be linked to {phrase}" in text
    assert "also seems" not in text


BREAK_UP = LifeEvent(
    "e3",
    ApproxDate(date(2024, 9, 1), DatePrecision.MONTH),
    EventKind.SEPARATION,
    "Dev moved out",
    ("dev",),
)


def test_in_the_stuart_and_robertson_variant_grief_is_worded_as_a_loss_not_a_death() -> None:
    text = draft(key_events=[BREAK_UP], key_people=["Dev"], variant=Variant.IPT_SR)
    assert "It seems to be linked to losing someone or something important to you." in text
    assert "a relationship that ended" in text
    assert "In them we will work on what you lost and what it meant to you" in text
    assert "the person who died" not in text
    assert "the death of someone" not in text


@pytest.mark.parametrize(
    "variant", [v for v, config in VARIANTS.items() if config.grief_requires_death]
)
def test_where_grief_needs_a_death_the_draft_speaks_of_the_person_who_died(
    variant: Variant,
) -> None:
    text = draft(variant=variant)
    assert "It seems to be linked to the death of someone important to you." in text
    assert "In them we will work on the person who died and your time together" in text


def test_the_other_areas_read_the_same_in_every_variant() -> None:
    areas = [ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION]
    assert draft(areas=areas, variant=Variant.IPT_SR) == draft(areas=areas)


def test_a_second_area_is_added_as_also_linked() -> None:
    text = draft(areas=[ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION])
    assert "It seems to be linked to a disagreement" in text
    assert "It also seems to be linked to a big change" in text
    assert "We will also work on what you have lost" in text


def test_key_events_are_listed_with_their_dates_and_phrases_are_tidied() -> None:
    month = LifeEvent(
        "e2", ApproxDate(date(2024, 10, 1), DatePrecision.MONTH), EventKind.OTHER, "Back at work"
    )
    text = draft(key_events=[DEATH, month, "moving in with dad.", "  "])
    assert (
        "Things that happened around the time it started:\n"
        "- Mum died in hospital (18 September 2024)\n"
        "- Back at work (October 2024)\n"
        "- Moving in with dad\n\n"
    ) in text


def test_without_events_or_people_those_parts_are_left_out() -> None:
    text = draft(key_events=[], key_people=[])
    assert "Things that happened" not in text
    assert "matter most" not in text


def test_key_people_are_named_together() -> None:
    assert "The people who matter most in this are Mum, Dev and Ana." in draft(
        key_people=["Mum", "Dev", "Ana"]
    )


def test_the_presenting_problem_can_be_an_eating_disorder() -> None:
    text = draft(presenting_problem="an eating disorder")
    assert "has a name: an eating disorder." in text


def test_it_accepts_stored_values_and_ignores_a_repeated_area() -> None:
    text = draft(areas=["grief", ProblemArea.GRIEF])
    assert "also seems" not in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"preferred_name": "  "}, "name the person likes"),
        ({"areas": []}, "one or two focus areas"),
        ({"areas": list(ProblemArea)[:3]}, "got 3"),
        ({"contracted_sessions": 0}, "at least 1"),
        ({"contracted_sessions": True}, "whole number"),
        ({"end_date_text": ""}, "date the sessions will end"),
    ],
    ids=["a blank name", "no area", "three areas", "no sessions", "a yes-no", "no end date"],
)
def test_it_refuses_what_cannot_make_a_draft(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draft(**overrides)


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(ProblemArea), min_size=1, max_size=2, unique=True),
    st.integers(1, 20),
    st.sampled_from(Variant),
)
def test_every_draft_is_plain_short_and_blame_free(
    areas: list[ProblemArea], n: int, variant: Variant
) -> None:
    text = draft(areas=areas, contracted_sessions=n, variant=variant)
    assert not JARGON.search(text), JARGON.search(text)
    assert not BLAME.search(text)
    assert max(len(s.split()) for s in sentences(text)) <= 30
    assert text.endswith("This is your plan as much as mine.\n")
