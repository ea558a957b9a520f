"""The four IPT problem areas, their names in each variant, and the stages of a dispute.

Source: ``domain/ipt-method.md`` §3.1–3.4 (areas), §3.2 (dispute stages), §8.1 DISPLAY_LABELS and
§9 (names by variant). One enum for every variant; only the words shown change (VARIANT). Where a
variant gives an area a wider meaning (grief and loss, §3.1 and §9), the words written for people
follow :class:`AreaMeaning`, so no caller branches on the variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from iptclinic.ipt.variants import Variant, variant_config


class ProblemArea(StrEnum):
    """The focus areas a course can work on (ipt-method.md §3, FIRM)."""

    GRIEF = "grief"
    ROLE_DISPUTE = "role_dispute"
    ROLE_TRANSITION = "role_transition"
    INTERPERSONAL_DEFICITS = "interpersonal_deficits"


class DisputeStage(StrEnum):
    """Where a role dispute stands (ipt-method.md §3.2; staging is FIRM, §7 R08)."""

    RENEGOTIATION = "renegotiation"
    IMPASSE = "impasse"
    DISSOLUTION = "dissolution"


@dataclass(frozen=True)
class ProblemAreaInfo:
    """Names and a plain description of one area, for staff and for the person in therapy."""

    area: ProblemArea
    manual_name: str
    plain_name: str
    plain_description: str


PROBLEM_AREAS: Mapping[ProblemArea, ProblemAreaInfo] = MappingProxyType(
    {
        ProblemArea.GRIEF: ProblemAreaInfo(
            area=ProblemArea.GRIEF,
            manual_name="Grief (complicated bereavement)",
            plain_name="Grief",
            plain_description=(
                "Someone important to you has died, and the grieving has got stuck or has not "
                "been able to happen. We look at the relationship and the loss, and at finding "
                "support and interests again."
            ),
        ),
        ProblemArea.ROLE_DISPUTE: ProblemAreaInfo(
            area=ProblemArea.ROLE_DISPUTE,
            manual_name="Role dispute",
            plain_name="Disagreements with someone important",
            plain_description=(
                "You and someone who matters to you want different things from each other. The "
                "disagreement may be out in the open or kept quiet. We look at what each of you "
                "expects and at new ways to talk it through."
            ),
        ),
        ProblemArea.ROLE_TRANSITION: ProblemAreaInfo(
            area=ProblemArea.ROLE_TRANSITION,
            manual_name="Role transition",
            plain_name="Life changes",
            plain_description=(
                "A big change in your life, wanted or not, such as a new job, a move, an illness "
                "or becoming a parent. We look at what you have lost and what the new situation "
                "could offer, and build the support you need."
            ),
        ),
        ProblemArea.INTERPERSONAL_DEFICITS: ProblemAreaInfo(
            area=ProblemArea.INTERPERSONAL_DEFICITS,
            manual_name="Interpersonal deficits",
            plain_name="Interpersonal sensitivity",
            plain_description=(
                "Making or keeping close relationships is hard, and you may feel lonely or cut "
                "off. We look at patterns in your relationships and try small steps towards "
                "people."
            ),
        ),
    }
)


class AreaMeaning(StrEnum):
    """What an area covers as a variant understands it: the key of every text written for people.

    Grief means a death in most variants; Stuart & Robertson's "grief and loss" also covers a
    relationship that ended, health, a job or a home (ipt-method.md §3.1 and §9, VARIANT). The
    other areas mean the same in every variant.
    """

    GRIEF = "grief"
    GRIEF_AND_LOSS = "grief_and_loss"
    ROLE_DISPUTE = "role_dispute"
    ROLE_TRANSITION = "role_transition"
    INTERPERSONAL_DEFICITS = "interpersonal_deficits"


def area_meaning(area: ProblemArea | str, variant: Variant = Variant.LEAFLET) -> AreaMeaning:
    """What ``area`` covers under ``variant``: grief widens to loss where the variant's row says
    grief needs no death (``VariantConfig.grief_requires_death``)."""
    key = ProblemArea(area)
    if key is ProblemArea.GRIEF and not variant_config(variant).grief_requires_death:
        return AreaMeaning.GRIEF_AND_LOSS
    return AreaMeaning(key.value)


# The plain description of each meaning, for staff pages that explain an area in the words a
# person would hear.
PLAIN_DESCRIPTIONS: Mapping[AreaMeaning, str] = MappingProxyType(
    {
        **{AreaMeaning(area.value): info.plain_description for area, info in PROBLEM_AREAS.items()},
        AreaMeaning.GRIEF_AND_LOSS: (
            "You have lost someone or something that mattered to you: a person who died, a "
            "relationship that ended, your health or your work. The grieving has got stuck. We "
            "look at what was lost and how it feels, and at finding support and interests again."
        ),
    }
)


def plain_description(area: ProblemArea | str, variant: Variant = Variant.LEAFLET) -> str:
    """The plain description of ``area`` as ``variant`` means it."""
    return PLAIN_DESCRIPTIONS[area_meaning(area, variant)]


_MANUAL_LABELS: Mapping[ProblemArea, str] = MappingProxyType(
    {area: info.manual_name for area, info in PROBLEM_AREAS.items()}
)

# ipt-method.md §8.1 DISPLAY_LABELS; LEAFLET uses the seed leaflet's own words [S1]. IPT_ED has
# no row in §8.1; it follows the manual names, as the IPT-ED sources do [S13]; IPT_A too.
_DISPLAY_LABELS: Mapping[Variant, Mapping[ProblemArea, str]] = MappingProxyType(
    {
        Variant.LEAFLET: MappingProxyType(
            {
                ProblemArea.GRIEF: "Unresolved grief",
                ProblemArea.ROLE_DISPUTE: "Role disputes",
                ProblemArea.ROLE_TRANSITION: "Role transitions",
                ProblemArea.INTERPERSONAL_DEFICITS: "Interpersonal sensitivity",
            }
        ),
        Variant.IPT_UK: MappingProxyType(
            {
                ProblemArea.GRIEF: "Grief",
                ProblemArea.ROLE_DISPUTE: "Interpersonal dispute",
                ProblemArea.ROLE_TRANSITION: "Role transition",
                ProblemArea.INTERPERSONAL_DEFICITS: "Interpersonal sensitivity",
            }
        ),
        Variant.IPT_ADULT: _MANUAL_LABELS,
        Variant.IPT_SR: MappingProxyType(
            {
                ProblemArea.GRIEF: "Grief and loss",
                ProblemArea.ROLE_DISPUTE: "Interpersonal dispute",
                ProblemArea.ROLE_TRANSITION: "Role transition",
            }
        ),
        Variant.IPT_ED: _MANUAL_LABELS,
        Variant.IPC: MappingProxyType(
            {
                ProblemArea.GRIEF: "Grief",
                ProblemArea.ROLE_DISPUTE: "Disputes",
                ProblemArea.ROLE_TRANSITION: "Transitions (life changes)",
                ProblemArea.INTERPERSONAL_DEFICITS: "Boredom, loneliness and isolation",
            }
        ),
        # Maintenance IPT (issue 14) uses the manual's names, whichever course it continues.
        Variant.IPT_M: _MANUAL_LABELS,
        # IPT-A keeps the four areas of the adult manual (ipt-method.md §1.6 row IPT_A [S11]);
        # UNVERIFIED: the manual's names rather than any adolescent wording.
        Variant.IPT_A: _MANUAL_LABELS,
        # WHO Group Interpersonal Therapy's four triggers (ipt-method.md §10.2 [S10]).
        Variant.IPT_G_WHO: MappingProxyType(
            {
                ProblemArea.GRIEF: "Grief after a death",
                ProblemArea.ROLE_DISPUTE: "Disputes",
                ProblemArea.ROLE_TRANSITION: "Life changes",
                ProblemArea.INTERPERSONAL_DEFICITS: "Loneliness and social isolation",
            }
        ),
    }
)


def areas_for(variant: Variant) -> tuple[ProblemArea, ...]:
    """The areas a course under ``variant`` may focus on, in manual order.

    Stuart & Robertson has three: no interpersonal deficits (ipt-method.md §9, VARIANT).
    """
    config = variant_config(variant)
    return tuple(
        area
        for area in ProblemArea
        if config.deficits_allowed or area is not ProblemArea.INTERPERSONAL_DEFICITS
    )


def area_label(area: ProblemArea | str, variant: Variant = Variant.LEAFLET) -> str:
    """The name of ``area`` as the variant's sources word it (ipt-method.md §8.1, §9).

    Raises ``ValueError`` for an unknown area, or one the variant does not use.
    """
    try:
        key = ProblemArea(area)
    except ValueError:
        allowed = ", ".join(a.value for a in ProblemArea)
        raise ValueError(f"Unknown problem area {area!r}; choose one of: {allowed}.") from None
    config = variant_config(variant)
    if key not in areas_for(config.variant):
        raise ValueError(
            f"The {config.short_name} variant does not use the "
            f"{PROBLEM_AREAS[key].manual_name.lower()} problem area."
        )
    return _DISPLAY_LABELS[config.variant][key]


DISPUTE_STAGE_INFO: Mapping[DisputeStage, tuple[str, str]] = MappingProxyType(
    {
        DisputeStage.RENEGOTIATION: (
            "Both people know they disagree and are still trying to change things, so far "
            "without success.",
            "Lower the heat enough for a real negotiation and help them talk to each other "
            "more clearly.",
        ),
        DisputeStage.IMPASSE: (
            "The talking has stopped. Resentment builds quietly and nothing moves.",
            "Bring the disagreement back into the open so that negotiation can start again.",
        ),
        DisputeStage.DISSOLUTION: (
            "One or both people see the relationship as beyond repair.",
            "Help the person end the relationship, mourn it and move on, much as in a life change.",
        ),
    }
)
