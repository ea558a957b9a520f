import pytest

from iptclinic.ipt.problem_areas import (
    DISPUTE_STAGE_INFO,
    PROBLEM_AREAS,
    DisputeStage,
    ProblemArea,
    ProblemAreaInfo,
    area_label,
    areas_for,
)
from iptclinic.ipt.variants import Variant


def test_every_area_has_names_and_a_plain_description() -> None:
    assert set(PROBLEM_AREAS) == set(ProblemArea)
    for area, info in PROBLEM_AREAS.items():
        assert isinstance(info, ProblemAreaInfo)
        assert info.area is area
        assert info.manual_name and info.plain_name and info.plain_description


def test_manual_names_are_the_weissman_terms() -> None:
    assert [PROBLEM_AREAS[a].manual_name for a in ProblemArea] == [
        "Grief (complicated bereavement)",
        "Role dispute",
        "Role transition",
        "Interpersonal deficits",
    ]


def test_the_fourth_area_uses_the_leaflet_and_uk_plain_name() -> None:
    assert PROBLEM_AREAS[ProblemArea.INTERPERSONAL_DEFICITS].plain_name == (
        "Interpersonal sensitivity"
    )


@pytest.mark.parametrize(
    ("variant", "labels"),
    [
        (
            Variant.LEAFLET,
            ["Unresolved grief", "Role disputes", "Role transitions", "Interpersonal sensitivity"],
        ),
        (
            Variant.IPT_UK,
            ["Grief", "Interpersonal dispute", "Role transition", "Interpersonal sensitivity"],
        ),
        (
            Variant.IPT_ADULT,
            [
                "Grief (complicated bereavement)",
                "Role dispute",
                "Role transition",
                "Interpersonal deficits",
            ],
        ),
        (Variant.IPT_SR, ["Grief and loss", "Interpersonal dispute", "Role transition"]),
        (
            Variant.IPC,
            [
                "Grief",
                "Disputes",
                "Transitions (life changes)",
                "Boredom, loneliness and isolation",
            ],
        ),
    ],
)
def test_each_variant_shows_its_own_words_for_its_areas(
    variant: Variant, labels: list[str]
) -> None:
    assert [area_label(area, variant) for area in areas_for(variant)] == labels


def test_the_default_labels_are_the_leaflets() -> None:
    assert area_label(ProblemArea.GRIEF) == "Unresolved grief"


def test_an_area_can_be_labelled_from_its_stored_value() -> None:
    assert area_label("role_dispute", Variant.IPT_UK) == "Interpersonal dispute"


@pytest.mark.parametrize("variant", list(Variant))
def test_every_area_a_variant_uses_has_a_label(variant: Variant) -> None:
    for area in areas_for(variant):
        assert area_label(area, variant)


def test_stuart_and_robertson_has_three_areas_and_every_other_variant_four() -> None:
    for variant in Variant:
        expected = 3 if variant is Variant.IPT_SR else 4
        assert len(areas_for(variant)) == expected
    assert ProblemArea.INTERPERSONAL_DEFICITS not in areas_for(Variant.IPT_SR)


def test_asking_stuart_and_robertson_for_deficits_gets_a_plain_refusal() -> None:
    with pytest.raises(
        ValueError,
        match="Stuart & Robertson variant does not use the interpersonal deficits",
    ):
        area_label(ProblemArea.INTERPERSONAL_DEFICITS, Variant.IPT_SR)


def test_an_unknown_area_gets_a_message_naming_the_choices() -> None:
    with pytest.raises(ValueError, match=r"Unknown problem area 'loneliness'.*grief, role_dispute"):
        area_label("loneliness")


def test_every_dispute_stage_has_a_definition_and_a_direction() -> None:
    assert list(DISPUTE_STAGE_INFO) == list(DisputeStage)
    for definition, direction in DISPUTE_STAGE_INFO.values():
        assert definition.endswith(".") and direction.endswith(".")
        assert definition != direction
