"""Goals, strategies, dispute stages and techniques for the middle phase (ipt-method.md §3, §4)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.problem_areas import DISPUTE_STAGE_INFO, AreaMeaning, DisputeStage, ProblemArea
from iptclinic.ipt.strategies import (
    AREA_GUIDES,
    GUIDES_BY_MEANING,
    STAGE_GUIDES,
    TECHNIQUES,
    TECHNIQUES_BY_CODE,
    AreaGuide,
    strategies_for,
)
from iptclinic.ipt.variants import Variant

SECTIONS = {
    ProblemArea.GRIEF: "§3.1",
    ProblemArea.ROLE_DISPUTE: "§3.2",
    ProblemArea.ROLE_TRANSITION: "§3.3",
    ProblemArea.INTERPERSONAL_DEFICITS: "§3.4",
}


def all_text(guide: AreaGuide) -> str:
    return " ".join([*guide.goals, *guide.strategies])


@pytest.mark.parametrize("area", list(ProblemArea))
def test_every_area_has_goals_strategies_and_its_source(area: ProblemArea) -> None:
    guide = AREA_GUIDES[area]
    assert guide.area is area
    assert len(guide.goals) >= 2 and len(guide.strategies) >= 4
    assert SECTIONS[area] in guide.source
    assert guide.stage is None
    assert all(code in TECHNIQUES_BY_CODE for code in guide.techniques)


@pytest.mark.parametrize(
    ("area", "phrase"),
    [
        (ProblemArea.GRIEF, "link their start to the death"),
        (ProblemArea.ROLE_DISPUTE, "renegotiation, impasse or dissolution"),
        (ProblemArea.ROLE_TRANSITION, "loss of the old role"),
        (ProblemArea.INTERPERSONAL_DEFICITS, "Reduce social isolation"),
        (ProblemArea.INTERPERSONAL_DEFICITS, "improve the existing ones"),
        (ProblemArea.ROLE_DISPUTE, "does not push a particular outcome"),
    ],
)
def test_each_area_keeps_the_point_the_manual_makes(area: ProblemArea, phrase: str) -> None:
    assert phrase in all_text(AREA_GUIDES[area])


@pytest.mark.parametrize("stage", list(DisputeStage))
def test_every_dispute_stage_has_its_definition_direction_and_steps(stage: DisputeStage) -> None:
    guide = STAGE_GUIDES[stage]
    assert (guide.definition, guide.direction) == DISPUTE_STAGE_INFO[stage]
    assert len(guide.steps) >= 3


def test_dissolution_turns_towards_mourning_and_a_new_start() -> None:
    steps = " ".join(STAGE_GUIDES[DisputeStage.DISSOLUTION].steps)
    assert "mourn" in steps and "life change" in steps


def test_the_techniques_are_the_fourteen_of_section_4_with_unique_codes() -> None:
    assert len(TECHNIQUES) == 14
    assert len(TECHNIQUES_BY_CODE) == 14
    names = {t.name for t in TECHNIQUES}
    assert {"Communication analysis", "Decision analysis", "Role play"} <= names
    assert all(t.meaning.endswith(".") for t in TECHNIQUES)


def test_no_guide_prompts_work_that_is_outside_ipt() -> None:
    texts = [all_text(g) for g in AREA_GUIDES.values()]
    texts += [" ".join(s.steps) for s in STAGE_GUIDES.values()]
    texts += [t.meaning for t in TECHNIQUES]
    joined = " ".join(texts).lower()
    for outside in ("dream", "thought record", "childhood origin", "cognitive restructuring"):
        assert outside not in joined
    assert re.findall(r"\w+ transference \w+", joined) == ["no transference interpretation"]


def test_it_returns_the_guides_in_the_order_chosen_with_the_stage_on_the_dispute() -> None:
    guides = strategies_for(
        [ProblemArea.ROLE_TRANSITION, ProblemArea.ROLE_DISPUTE], DisputeStage.IMPASSE
    )
    assert [g.area for g in guides] == [ProblemArea.ROLE_TRANSITION, ProblemArea.ROLE_DISPUTE]
    assert guides[0].stage is None
    assert guides[1].stage is STAGE_GUIDES[DisputeStage.IMPASSE]


def test_it_accepts_stored_values_and_drops_repeats() -> None:
    guides = strategies_for(["grief", ProblemArea.GRIEF, "role_dispute"], "impasse")
    assert [g.area for g in guides] == [ProblemArea.GRIEF, ProblemArea.ROLE_DISPUTE]
    assert guides[1].stage is STAGE_GUIDES[DisputeStage.IMPASSE]


def test_where_grief_covers_any_loss_its_strategies_speak_of_the_loss_not_a_death() -> None:
    (loss,) = strategies_for([ProblemArea.GRIEF], variant=Variant.IPT_SR)
    (death,) = strategies_for([ProblemArea.GRIEF], variant=Variant.IPT_UK)
    assert loss.area is death.area is ProblemArea.GRIEF
    assert loss.goals == death.goals
    assert "link their start to the loss" in all_text(loss)
    assert "died" not in all_text(loss) and "death" not in all_text(loss)
    assert death == AREA_GUIDES[ProblemArea.GRIEF]


@pytest.mark.parametrize("meaning", list(AreaMeaning))
def test_every_meaning_of_an_area_has_a_guide(meaning: AreaMeaning) -> None:
    guide = GUIDES_BY_MEANING[meaning]
    assert len(guide.goals) >= 2 and len(guide.strategies) >= 4
    assert all(code in TECHNIQUES_BY_CODE for code in guide.techniques)


def test_it_rejects_a_stage_without_a_dispute() -> None:
    with pytest.raises(ValueError, match="only when a role dispute is a focus area"):
        strategies_for([ProblemArea.GRIEF], DisputeStage.DISSOLUTION)


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(ProblemArea), max_size=4),
    st.none() | st.sampled_from(DisputeStage),
)
def test_guides_follow_the_chosen_areas_and_stages_go_only_on_disputes(
    areas: list[ProblemArea], stage: DisputeStage | None
) -> None:
    if stage is not None and ProblemArea.ROLE_DISPUTE not in areas:
        with pytest.raises(ValueError):
            strategies_for(areas, stage)
        return
    guides = strategies_for(areas, stage)
    assert [g.area for g in guides] == list(dict.fromkeys(areas))
    for guide in guides:
        expected = STAGE_GUIDES[stage] if stage and guide.area is ProblemArea.ROLE_DISPUTE else None
        assert guide.stage == expected
        assert guide.goals == AREA_GUIDES[guide.area].goals
