"""What the middle phase works on: goals and strategies per problem area, per dispute stage, and
the techniques of IPT. Staff-facing, paraphrased in our own words.

Source: ``domain/ipt-method.md`` §3.1–3.4 (goals and strategies: the classic manual lists,
paraphrased and partly verified — UNVERIFIED in exact wording, §12 item 2), §3.2 (stages, FIRM),
§3.6 (dissolution may turn into grief- or transition-like work, CONVENTION) and §4 (techniques).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from iptclinic.ipt.problem_areas import (
    DISPUTE_STAGE_INFO,
    AreaMeaning,
    DisputeStage,
    ProblemArea,
    area_meaning,
)
from iptclinic.ipt.variants import Variant


@dataclass(frozen=True)
class Technique:
    """One IPT technique, as a therapist would tick it in a session record (§4)."""

    code: str
    name: str
    meaning: str


@dataclass(frozen=True)
class StageGuide:
    """Where a role dispute stands and what the work does about it (§3.2 stage table)."""

    stage: DisputeStage
    definition: str
    direction: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class AreaGuide:
    """Goals, strategies and the techniques the strategies name, for one focus area."""

    area: ProblemArea
    goals: tuple[str, ...]
    strategies: tuple[str, ...]
    techniques: tuple[str, ...]
    source: str
    stage: StageGuide | None = None


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "opening_question",
        "Opening question",
        "Start each middle session by asking how things have been since last time, to hear "
        "this week's mood and events together.",
    ),
    Technique(
        "nondirective_exploration",
        "Nondirective exploration",
        "Open questions and attentive listening that let the person bring up what matters.",
    ),
    Technique(
        "direct_elicitation",
        "Direct elicitation",
        "Specific questions to pin down who, what and when about a relationship or event.",
    ),
    Technique(
        "encouragement_of_affect",
        "Encouragement of affect",
        "Help the person notice, voice and bear feelings, including ones they are ashamed of "
        "such as anger, and read them as information about relationships.",
    ),
    Technique(
        "clarification",
        "Clarification",
        "Reflect back or restate what was said, or point out gaps and contradictions, so the "
        "person sees the situation more sharply.",
    ),
    Technique(
        "communication_analysis",
        "Communication analysis",
        "Go step by step through one recent exchange: what was said and how, what was meant "
        "and what was heard, and how each felt, to find where it went wrong.",
    ),
    Technique(
        "decision_analysis",
        "Decision analysis",
        "Lay out the options for an interpersonal problem, weigh each, and choose one to try.",
    ),
    Technique(
        "role_play",
        "Role play",
        "Rehearse a conversation, with the therapist playing the other person or swapping "
        "roles, to build skill and confidence.",
    ),
    Technique(
        "therapeutic_relationship",
        "Use of the therapeutic relationship",
        "Treat how the person relates to the therapist as a sample of how they relate to "
        "others, and look for parallels; no transference interpretation.",
    ),
    Technique(
        "directive",
        "Directive techniques and advice",
        "Brief suggestions, information and encouragement to try new behaviour.",
    ),
    Technique(
        "contract_setting",
        "Contract setting and practical arrangements",
        "Agree the frame (number, timing, focus) and deal with lateness and missed sessions.",
    ),
    Technique(
        "interpersonal_incidents",
        "Interpersonal incidents",
        "Ask for specific, recent interactions told in detail, as material for communication "
        "analysis (Stuart and Robertson's term).",
    ),
    Technique(
        "interpersonal_experiments",
        "Interpersonal experiments",
        "Small agreed tries of a new skill in real life between sessions (IPT-A work at home).",
    ),
    Technique(
        "interpersonal_problem_solving",
        "Interpersonal problem solving",
        "A structured way to work through a relationship problem step by step (IPT-A).",
    ),
)

TECHNIQUES_BY_CODE: Mapping[str, Technique] = MappingProxyType({t.code: t for t in TECHNIQUES})

_STAGE_STEPS: Mapping[DisputeStage, tuple[str, ...]] = MappingProxyType(
    {
        DisputeStage.RENEGOTIATION: (
            "Help both sides lower the temperature enough to talk.",
            "Take recent arguments apart with communication analysis to see where messages "
            "go wrong.",
            "Clarify what each person wants and what each could give.",
            "Rehearse the next conversation with role play.",
        ),
        DisputeStage.IMPASSE: (
            "Name the stalemate and what it is costing the person.",
            "Explore what stops them raising it: fear of anger, of rejection, of losing the "
            "relationship.",
            "Encourage putting the disagreement back on the table, accepting that things may "
            "get louder for a while before they improve.",
            "Plan and rehearse a first conversation.",
        ),
        DisputeStage.DISSOLUTION: (
            "Review the relationship honestly, the good and the bad.",
            "Help the person mourn what is ending.",
            "Support the practical steps of ending it or stepping back.",
            # §3.6 (CONVENTION): a dissolved dispute turns into transition-like work.
            "Turn to new relationships and roles, much as in a life change.",
        ),
    }
)

STAGE_GUIDES: Mapping[DisputeStage, StageGuide] = MappingProxyType(
    {
        stage: StageGuide(
            stage=stage,
            definition=DISPUTE_STAGE_INFO[stage][0],
            direction=DISPUTE_STAGE_INFO[stage][1],
            steps=_STAGE_STEPS[stage],
        )
        for stage in DisputeStage
    }
)

AREA_GUIDES: Mapping[ProblemArea, AreaGuide] = MappingProxyType(
    {
        ProblemArea.GRIEF: AreaGuide(
            area=ProblemArea.GRIEF,
            goals=(
                "Let mourning happen: the feelings are felt and put into words.",
                "Help the person take up interests and relationships that can partly fill the gap.",
            ),
            strategies=(
                "Go over the symptoms and link their start to the death.",
                "Rebuild a picture of the relationship with the person who died: its history, "
                "its good and bad sides, without idealising.",
                "Go through what happened before, during and after the death: the illness, "
                "the last contacts, the funeral.",
                "Explore the feelings, including unwelcome ones such as anger, guilt or relief.",
                "Look at ways back to other people and to new sources of support and purpose.",
            ),
            techniques=(
                "nondirective_exploration",
                "direct_elicitation",
                "encouragement_of_affect",
                "clarification",
            ),
            source="ipt-method.md §3.1 [S6][S8][S20]",
        ),
        ProblemArea.ROLE_DISPUTE: AreaGuide(
            area=ProblemArea.ROLE_DISPUTE,
            goals=(
                "Name the dispute.",
                "Choose a plan of action.",
                "Change how the two people communicate, or what they expect, or both, so the "
                "dispute settles or becomes bearable. The therapist does not push a "
                "particular outcome.",
            ),
            strategies=(
                "Go over the symptoms and link their start to the open or hidden dispute.",
                "Work out the stage: renegotiation, impasse or dissolution.",
                "Clarify the issues, what each side expects and values, the options, the "
                "resources for change and the chance of alternatives.",
                "Look for the same pattern in other relationships; ask what keeps the dispute "
                "going, what the person gains or fears, and what goes unsaid.",
                "Use communication analysis and role play to rehearse a renegotiation.",
            ),
            techniques=(
                "communication_analysis",
                "role_play",
                "clarification",
                "decision_analysis",
            ),
            source="ipt-method.md §3.2 [S6][S20]",
        ),
        ProblemArea.ROLE_TRANSITION: AreaGuide(
            area=ProblemArea.ROLE_TRANSITION,
            goals=(
                "Mourn and accept the loss of the old role.",
                "Come to see the new role more fairly, including what it offers.",
                "Rebuild self-esteem through a sense of managing what the new role asks.",
            ),
            strategies=(
                "Go over the symptoms and link their start to the change.",
                "Weigh the good and bad sides of the old role and the new one; the old role "
                "is often remembered as better than it was.",
                "Explore feelings about what was lost and about the change itself.",
                "Find the opportunities in the new role and be realistic about what is gone.",
                "Encourage the person to express feelings in ways that fit.",
                "Help build social support and the new skills the role needs.",
            ),
            techniques=(
                "encouragement_of_affect",
                "decision_analysis",
                "role_play",
                "clarification",
            ),
            source="ipt-method.md §3.3 [S2][S8][S20]",
        ),
        ProblemArea.INTERPERSONAL_DEFICITS: AreaGuide(
            area=ProblemArea.INTERPERSONAL_DEFICITS,
            goals=(
                "Reduce social isolation.",
                "Help the person form new relationships; in IPT for eating disorders, improve "
                "the existing ones rather than start new ones.",
            ),
            strategies=(
                "Go over the symptoms and link them to isolation or unfulfilling relationships.",
                "Review important past relationships, their good and bad sides.",
                "Look for patterns that repeat across relationships.",
                "Use the therapeutic relationship: talk about the person's feelings towards the "
                "therapist and look for the same pattern elsewhere.",
                "Use role play and small, graded social steps.",
                # §7 R26.
                "If there is no improvement by the middle of the course, consider other "
                "options such as medication or another therapy.",
            ),
            techniques=(
                "therapeutic_relationship",
                "role_play",
                "communication_analysis",
                "nondirective_exploration",
            ),
            source="ipt-method.md §3.4 [S6][S8][S13][S17]",
        ),
    }
)


# Where grief covers any loss (ipt-method.md §3.1 and §9, VARIANT: Stuart & Robertson's "grief
# and loss"), the same goals, with strategies that speak of what was lost rather than a death.
_LOSS_GUIDE = replace(
    AREA_GUIDES[ProblemArea.GRIEF],
    strategies=(
        "Go over the symptoms and link their start to the loss.",
        "Rebuild a picture of what was lost, whether a person, a relationship, health or a "
        "role: its history, its good and bad sides, without idealising.",
        "Go through what happened before, during and after the loss.",
        "Explore the feelings, including unwelcome ones such as anger, guilt or relief.",
        "Look at ways back to other people and to new sources of support and purpose.",
    ),
    source="ipt-method.md §3.1 and §9 [S6][S8][S18][S20]",
)

GUIDES_BY_MEANING: Mapping[AreaMeaning, AreaGuide] = MappingProxyType(
    {
        **{AreaMeaning(area.value): guide for area, guide in AREA_GUIDES.items()},
        AreaMeaning.GRIEF_AND_LOSS: _LOSS_GUIDE,
    }
)


def strategies_for(
    areas: Iterable[ProblemArea | str],
    dispute_stage: DisputeStage | str | None = None,
    variant: Variant = Variant.LEAFLET,
) -> tuple[AreaGuide, ...]:
    """The guides for the chosen areas, in the order given, the dispute one with its stage.

    Areas and stage may be members or their stored values. Each area's guide is the one for
    what it means under ``variant`` (:func:`~iptclinic.ipt.problem_areas.area_meaning`).

    Raises ``ValueError`` when a stage is given without a role dispute among the areas: the
    stage belongs to a dispute (§3.2, R08).
    """
    chosen = list(dict.fromkeys(ProblemArea(area) for area in areas))
    if dispute_stage is not None and ProblemArea.ROLE_DISPUTE not in chosen:
        raise ValueError("A dispute stage applies only when a role dispute is a focus area.")
    guides = [GUIDES_BY_MEANING[area_meaning(area, variant)] for area in chosen]
    return tuple(
        replace(guide, stage=STAGE_GUIDES[DisputeStage(dispute_stage)])
        if guide.area is ProblemArea.ROLE_DISPUTE and dispute_stage is not None
        else guide
        for guide in guides
    )
