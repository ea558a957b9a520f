"""IPT-ED: "got worse after this event" is read as the eating problems (issue 14 item 5).

The fact is the same (``LifeEvent.symptoms_worsened``) and the rules weigh it the same; only the
words follow the variant row (``VariantConfig.symptoms_noun`` and ``illness_noun``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from iptclinic.ipt.case import (
    ApproxDate,
    Case,
    Conflict,
    EventKind,
    LifeEvent,
    Relationship,
    RelationshipType,
)
from iptclinic.ipt.focus import suggest
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.ipt.variants import VARIANTS, Variant, variant_config

ASSESSED = date(2025, 6, 2)
ONSET = date(2025, 1, 6)


def _event(eid: str, kind: EventKind, days_from_onset: int, *people: str) -> LifeEvent:
    return LifeEvent(
        eid,
        ApproxDate(ONSET + timedelta(days=days_from_onset)),
        kind,
        f"{kind.value} {eid}",
        people,
        symptoms_worsened=True,
    )


def _evidence(
    variant: Variant, *events: LifeEvent, people: tuple[Relationship, ...] = ()
) -> dict[ProblemArea, str]:
    result = suggest(
        Case(
            assessed_on=ASSESSED,
            variant=variant,
            onset=ApproxDate(ONSET),
            relationships=tuple(people),
            events=events,
        )
    )
    return {a.area: " ".join([*(e.why for e in a.evidence), *a.exclusions]) for a in result.areas}


@pytest.mark.parametrize(
    ("variant", "words"),
    [
        (Variant.LEAFLET, "the symptoms got worse after it"),
        (Variant.IPT_UK, "the symptoms got worse after it"),
        (Variant.IPT_ED, "the eating problems got worse after it"),
    ],
)
def test_a_change_after_which_things_got_worse_speaks_of_the_variants_symptoms(
    variant: Variant, words: str
) -> None:
    text = _evidence(variant, _event("e1", EventKind.NEW_JOB, 90))
    assert words in text[ProblemArea.ROLE_TRANSITION]


@pytest.mark.parametrize(
    ("variant", "words"),
    [
        (Variant.LEAFLET, "Check whether the low mood began earlier"),
        (Variant.IPT_ED, "Check whether the eating problems began earlier"),
    ],
)
def test_a_change_long_before_the_onset_asks_whether_the_illness_began_earlier(
    variant: Variant, words: str
) -> None:
    text = _evidence(variant, _event("e1", EventKind.MOVE, -400))
    assert words in text[ProblemArea.ROLE_TRANSITION]


@pytest.mark.parametrize(
    ("variant", "words"),
    [
        (Variant.LEAFLET, "The symptoms got worse after a conflict with Mum"),
        (Variant.IPT_ED, "The eating problems got worse after a conflict with Mum"),
    ],
)
def test_a_conflict_after_which_things_got_worse_speaks_of_the_variants_symptoms(
    variant: Variant, words: str
) -> None:
    mum = Relationship("mum", "Mum", RelationshipType.PARENT, conflict=Conflict.OPEN)
    text = _evidence(variant, _event("c1", EventKind.CONFLICT, 200, "mum"), people=(mum,))
    assert words in text[ProblemArea.ROLE_DISPUTE]


def test_the_verdicts_are_the_same_whichever_words_are_used() -> None:
    """Same fact, same weight: only the words differ between the depression and ED rows."""
    events = (_event("e1", EventKind.NEW_JOB, 90), _event("e2", EventKind.MOVE, -400))

    def verdicts(variant: Variant) -> list[tuple[object, ...]]:
        result = suggest(
            Case(assessed_on=ASSESSED, variant=variant, onset=ApproxDate(ONSET), events=events)
        )
        return [(a.area, a.status, a.confidence) for a in result.areas]

    assert verdicts(Variant.IPT_ED) == verdicts(Variant.IPT_ADULT)


@pytest.mark.parametrize(
    ("variant", "label"),
    [
        (Variant.LEAFLET, "Symptoms got worse after this"),
        (Variant.IPC, "Symptoms got worse after this"),
        (Variant.IPT_ED, "Eating problems got worse after this"),
    ],
)
def test_the_timeline_question_follows_the_variant(variant: Variant, label: str) -> None:
    assert variant_config(variant).worsened_label == label


def test_only_the_eating_disorder_row_changes_the_words() -> None:
    changed = {v for v, c in VARIANTS.items() if c.symptoms_noun != "symptoms"}
    assert changed == {Variant.IPT_ED}
