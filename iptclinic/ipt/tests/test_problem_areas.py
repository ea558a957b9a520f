import pytest

from iptclinic.ipt.problem_areas import (
    DISPUTE_STAGE_INFO,
    PLAIN_DESCRIPTIONS,
    PROBLEM_AREAS,
    AreaMeaning,
    DisputeStage,
    ProblemArea,
    ProblemAreaInfo,
    area_label,
    area_meaning,
    areas_for,
    plain_description,
)
from iptclinic.ipt.variants import VARIANTS, Variant


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


@pytest.mark.parametrize("variant", list(Variant))
def test_grief_means_a_loss_exactly_where_the_variant_needs_no_death(variant: Variant) -> None:
    expected = (
        AreaMeaning.GRIEF if VARIANTS[variant].grief_requires_death else AreaMeaning.GRIEF_AND_LOSS
    )
    assert area_meaning(ProblemArea.GRIEF, variant) is expected
    assert area_meaning("grief", variant) is expected


@pytest.mark.parametrize("variant", list(Variant))
@pytest.mark.parametrize(
    "area",
    [ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION, ProblemArea.INTERPERSONAL_DEFICITS],
)
def test_the_other_areas_mean_the_same_in_every_variant(
    area: ProblemArea, variant: Variant
) -> None:
    assert area_meaning(area, variant).value == area.value


def test_every_meaning_has_a_plain_description() -> None:
    assert set(PLAIN_DESCRIPTIONS) == set(AreaMeaning)
    assert "has died" in plain_description(ProblemArea.GRIEF)
    loss = plain_description(ProblemArea.GRIEF, Variant.IPT_SR)
    assert "a relationship that ended" in loss
    assert "has died" not in loss
