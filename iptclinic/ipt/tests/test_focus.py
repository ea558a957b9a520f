"""The problem-area suggester against cases written from ipt-method.md §3, §7 and §11."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt import focus
from iptclinic.ipt.case import (
    ApproxDate,
    Case,
    Conflict,
    ContactFrequency,
    DatePrecision,
    EventKind,
    LifeEvent,
    LifeStatus,
    Relationship,
    RelationshipType,
    SuggestionWindows,
)
from iptclinic.ipt.casefile import load_case
from iptclinic.ipt.focus import (
    AreaAssessment,
    Confidence,
    FocusSuggestion,
    Rule,
    SourceKind,
    Status,
    suggest,
)
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.variants import Variant, variant_config

GRIEF = ProblemArea.GRIEF
DISPUTE = ProblemArea.ROLE_DISPUTE
TRANSITION = ProblemArea.ROLE_TRANSITION
DEFICITS = ProblemArea.INTERPERSONAL_DEFICITS
SUGGESTED, POSSIBLE, EXCLUDED = Status.SUGGESTED, Status.POSSIBLE, Status.EXCLUDED

ASSESSED = date(2025, 6, 2)
EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "docs" / "examples").glob("*.json"))
ONSET = date(2025, 1, 6)


def days_before(reference: date, days: int) -> ApproxDate:
    return ApproxDate(reference - timedelta(days=days))


def person(pid: str, kind: RelationshipType = RelationshipType.FRIEND, **kw: Any) -> Relationship:
    """A living relationship with a healthy default profile unless told otherwise."""
    defaults: dict[str, Any] = {
        "closeness_now": 1,
        "contact_frequency": ContactFrequency.WEEKLY,
        "can_confide": True,
    }
    return Relationship(pid, pid.title(), kind, **{**defaults, **kw})


def deceased(pid: str, days_before_onset: int | None, **kw: Any) -> Relationship:
    when = None if days_before_onset is None else days_before(ONSET, days_before_onset)
    return Relationship(
        pid, pid.title(), RelationshipType.PARENT, LifeStatus.DECEASED, date_of_death=when, **kw
    )


def deceased_on(pid: str, when: date) -> Relationship:
    return Relationship(
        pid,
        pid.title(),
        RelationshipType.PARENT,
        LifeStatus.DECEASED,
        date_of_death=ApproxDate(when),
    )


def lonely(pid: str) -> Relationship:
    return person(
        pid,
        closeness_now=4,
        contact_frequency=ContactFrequency.RARELY,
        can_confide=False,
    )


def event(
    eid: str,
    kind: EventKind,
    days_before_onset: int,
    *people: str,
    precision: DatePrecision = DatePrecision.DAY,
) -> LifeEvent:
    when = ONSET - timedelta(days=days_before_onset)
    return LifeEvent(eid, ApproxDate(when, precision), kind, f"{kind.value} {eid}", people)


def case(*people: Relationship, events: tuple[LifeEvent, ...] = (), **kw: Any) -> Case:
    base: dict[str, Any] = {
        "assessed_on": ASSESSED,
        "onset": ApproxDate(ONSET),
        "relationships": people,
        "events": events,
    }
    return Case(**{**base, **kw})


def lonely_partner_in_open_conflict() -> Relationship:
    return replace(
        lonely("sam"), relationship_type=RelationshipType.PARTNER, conflict=Conflict.OPEN
    )


SUPPORTIVE = (person("amir"), person("bea", RelationshipType.SIBLING), person("cal"))
ISOLATED = (lonely("dee"), lonely("eli"))
NEAR_ONSET = days_before(ASSESSED, 100)
UNMET_OPEN: dict[str, Any] = {"expectations_met": False, "conflict": Conflict.OPEN}


@dataclass(frozen=True)
class Scenario:
    name: str
    case: Case
    statuses: dict[ProblemArea, Status]
    top: ProblemArea | None = None
    no_focus: bool = False
    rules: frozenset[Rule] = frozenset()
    stage: DisputeStage | None | Literal["unchecked"] = "unchecked"
    stage_recorded: bool = False
    confidence: dict[ProblemArea, Confidence] = field(default_factory=dict)
    windows: SuggestionWindows | None = None


SCENARIOS = [
    # --- Grief (ipt-method.md §3.1, §11; R07) ---
    Scenario(
        "a death three months before onset suggests grief and rules out deficits",
        case(deceased("mum", 90), *SUPPORTIVE),
        {GRIEF: SUGGESTED, DEFICITS: EXCLUDED, DISPUTE: EXCLUDED, TRANSITION: EXCLUDED},
        top=GRIEF,
        rules=frozenset({Rule.GRIEF_DEATH_NEAR_ONSET, Rule.DEFICITS_DEATH_OVERRIDES}),
        confidence={GRIEF: Confidence.MEDIUM},
    ),
    Scenario(
        "a death near onset with mourning avoided is grief with high confidence",
        case(deceased("mum", 60, mourning_avoided=True), *SUPPORTIVE),
        {GRIEF: SUGGESTED},
        top=GRIEF,
        confidence={GRIEF: Confidence.HIGH},
    ),
    Scenario(
        "a recent death with no complication signs is normal grief and no focus yet",
        case(deceased("dad", -60), *SUPPORTIVE),
        {GRIEF: POSSIBLE, DEFICITS: EXCLUDED, DISPUTE: EXCLUDED, TRANSITION: EXCLUDED},
        top=GRIEF,
        no_focus=True,
        rules=frozenset({Rule.GRIEF_RECENT_NORMAL}),
        confidence={GRIEF: Confidence.LOW},
    ),
    Scenario(
        "a recent death with avoidance of talking about it is grief after all",
        case(deceased("dad", -60, avoids_talking_about_death=True), *SUPPORTIVE),
        {GRIEF: SUGGESTED},
        top=GRIEF,
    ),
    Scenario(
        "a death ten years before onset with no signs is not grief",
        case(deceased("gran", 3650), *SUPPORTIVE),
        {GRIEF: EXCLUDED, DEFICITS: EXCLUDED},
        no_focus=True,
        rules=frozenset({Rule.GRIEF_NEEDS_DEATH}),
    ),
    Scenario(
        "an old death the therapist ties to the low mood is grief (delayed grief)",
        case(deceased("gran", 3650, symptoms_tied_to_death=True), *ISOLATED),
        {GRIEF: SUGGESTED, DEFICITS: EXCLUDED},
        top=GRIEF,
        rules=frozenset({Rule.GRIEF_COMPLICATED, Rule.DEFICITS_DEATH_OVERRIDES}),
    ),
    Scenario(
        "a hidden death near onset overrides what looked like deficits",
        case(deceased("gran", 40), *ISOLATED),
        {GRIEF: SUGGESTED, DEFICITS: EXCLUDED},
        top=GRIEF,
        rules=frozenset({Rule.DEFICITS_DEATH_OVERRIDES}),
    ),
    Scenario(
        "a death with no date recorded is possible grief",
        case(deceased("uncle", None), *SUPPORTIVE),
        {GRIEF: POSSIBLE, DEFICITS: EXCLUDED},
        no_focus=True,
        rules=frozenset({Rule.GRIEF_DEATH_UNDATED}),
    ),
    Scenario(
        "the death of someone rated unimportant is possible grief only",
        case(deceased("neighbour", 60, importance=1), *SUPPORTIVE),
        {GRIEF: POSSIBLE},
        no_focus=True,
        rules=frozenset({Rule.GRIEF_MINOR_DEATH}),
    ),
    Scenario(
        "a death on the timeline of someone not in the inventory still counts",
        case(*SUPPORTIVE, events=(event("e1", EventKind.DEATH, 45),)),
        {GRIEF: SUGGESTED, DEFICITS: EXCLUDED},
        top=GRIEF,
    ),
    Scenario(
        "a death that came after the episode began is possible grief",
        case(deceased("aunt", -200), *SUPPORTIVE, assessed_on=ASSESSED + timedelta(days=400)),
        {GRIEF: POSSIBLE},
        no_focus=True,
        rules=frozenset({Rule.GRIEF_DEATH_SINCE_ONSET}),
    ),
    Scenario(
        "grief needs a death in the standard variant: a divorce is a transition",
        case(*SUPPORTIVE, events=(event("e1", EventKind.DIVORCE, 30),)),
        {GRIEF: EXCLUDED, TRANSITION: SUGGESTED},
        top=TRANSITION,
        rules=frozenset({Rule.GRIEF_NEEDS_DEATH, Rule.TRANSITION_NEAR_ONSET}),
    ),
    Scenario(
        "in Stuart and Robertson a divorce near onset is grief and loss",
        case(*SUPPORTIVE, events=(event("e1", EventKind.DIVORCE, 30),), variant=Variant.IPT_SR),
        {GRIEF: SUGGESTED, TRANSITION: EXCLUDED, DEFICITS: EXCLUDED},
        top=GRIEF,
        rules=frozenset({Rule.GRIEF_NON_DEATH_LOSS, Rule.DEFICITS_NOT_IN_VARIANT}),
    ),
    Scenario(
        "in Stuart and Robertson a job loss stays a transition",
        case(*SUPPORTIVE, events=(event("e1", EventKind.JOB_LOSS, 30),), variant=Variant.IPT_SR),
        {GRIEF: EXCLUDED, TRANSITION: SUGGESTED},
        top=TRANSITION,
    ),
    Scenario(
        "in Stuart and Robertson an isolated person gets no deficits focus",
        case(*ISOLATED, variant=Variant.IPT_SR),
        {DEFICITS: EXCLUDED, GRIEF: EXCLUDED, DISPUTE: EXCLUDED, TRANSITION: EXCLUDED},
        no_focus=True,
        rules=frozenset({Rule.DEFICITS_NOT_IN_VARIANT}),
    ),
    # --- Window boundaries (decisions.md §11) ---
    Scenario(
        "a death exactly 183 days before onset is inside the window",
        case(deceased("mum", 183), *SUPPORTIVE),
        {GRIEF: SUGGESTED},
        top=GRIEF,
    ),
    Scenario(
        "a death 184 days before onset is outside the window",
        case(deceased("mum", 184), *SUPPORTIVE),
        {GRIEF: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "a life change 31 days after onset is still near onset",
        case(*SUPPORTIVE, events=(event("e1", EventKind.MOVE, -31),)),
        {TRANSITION: SUGGESTED},
        top=TRANSITION,
        rules=frozenset({Rule.TRANSITION_NEAR_ONSET}),
    ),
    Scenario(
        "a life change 32 days after onset is only possible",
        case(*SUPPORTIVE, events=(event("e1", EventKind.MOVE, -32),)),
        {TRANSITION: POSSIBLE},
        no_focus=True,
        rules=frozenset({Rule.TRANSITION_SINCE_ONSET}),
    ),
    Scenario(
        "a death exactly 183 days before the assessment is past normal grief",
        case(deceased_on("dad", ASSESSED - timedelta(days=183)), *SUPPORTIVE, onset=NEAR_ONSET),
        {GRIEF: SUGGESTED},
        top=GRIEF,
    ),
    Scenario(
        "a death 182 days before the assessment is still normal grief",
        case(deceased_on("dad", ASSESSED - timedelta(days=182)), *SUPPORTIVE, onset=NEAR_ONSET),
        {GRIEF: POSSIBLE},
        no_focus=True,
        rules=frozenset({Rule.GRIEF_RECENT_NORMAL}),
    ),
    Scenario(
        "a shorter normal-grief window set by the service makes a 120-day-old death grief",
        case(deceased_on("dad", ASSESSED - timedelta(days=120)), *SUPPORTIVE, onset=NEAR_ONSET),
        {GRIEF: SUGGESTED},
        top=GRIEF,
        windows=SuggestionWindows(normal_grief=timedelta(days=90)),
    ),
    # --- Role dispute and its stages (ipt-method.md §3.2; R08) ---
    Scenario(
        "open conflict with unmet expectations while both still try is renegotiation",
        case(person("sam", RelationshipType.PARTNER, trying_to_resolve=True, **UNMET_OPEN)),
        {DISPUTE: SUGGESTED, DEFICITS: EXCLUDED},
        top=DISPUTE,
        stage=DisputeStage.RENEGOTIATION,
        rules=frozenset({Rule.DISPUTE_UNMET_WITH_CONFLICT, Rule.DEFICITS_RESIDUAL}),
    ),
    Scenario(
        "unmet expectations where talking has stopped is an impasse",
        case(person("sam", RelationshipType.PARTNER, expectations_met=False, talking_stopped=True)),
        {DISPUTE: SUGGESTED},
        top=DISPUTE,
        stage=DisputeStage.IMPASSE,
    ),
    Scenario(
        "a hidden disagreement with a manager is an impasse",
        case(
            person(
                "rory", RelationshipType.MANAGER, expectations_met=False, conflict=Conflict.COVERT
            ),
            *SUPPORTIVE,
        ),
        {DISPUTE: SUGGESTED},
        top=DISPUTE,
        stage=DisputeStage.IMPASSE,
    ),
    Scenario(
        "topics avoided with a mother whose expectations differ is an impasse",
        case(
            person(
                "mo", RelationshipType.PARENT, expectations_met=False, topics_avoided=("money",)
            ),
        ),
        {DISPUTE: SUGGESTED},
        stage=DisputeStage.IMPASSE,
    ),
    Scenario(
        "an avoided topic or a cooled tie without unmet expectations is not a dispute",
        case(
            person("lena", RelationshipType.SIBLING, topics_avoided=("Mum's last weeks",)),
            person("choir", closeness_before=2, closeness_now=4),
        ),
        {DISPUTE: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "open conflict where they have given up trying is an impasse",
        case(person("sam", RelationshipType.PARTNER, trying_to_resolve=False, **UNMET_OPEN)),
        {DISPUTE: SUGGESTED},
        stage=DisputeStage.IMPASSE,
    ),
    Scenario(
        "an estranged brother with unmet expectations is a dispute in dissolution",
        case(
            Relationship(
                "kit",
                "Kit",
                RelationshipType.SIBLING,
                LifeStatus.ESTRANGED,
                expectations_met=False,
            ),
            *SUPPORTIVE,
        ),
        {DISPUTE: SUGGESTED},
        stage=DisputeStage.DISSOLUTION,
    ),
    Scenario(
        "a marriage judged beyond repair is a dispute in dissolution",
        case(person("sam", RelationshipType.PARTNER, judged_beyond_repair=True, **UNMET_OPEN)),
        {DISPUTE: SUGGESTED},
        stage=DisputeStage.DISSOLUTION,
    ),
    Scenario(
        "the stage the therapist records wins over the inferred one",
        case(
            person(
                "sam",
                RelationshipType.PARTNER,
                trying_to_resolve=True,
                dispute_stage=DisputeStage.IMPASSE,
                **UNMET_OPEN,
            )
        ),
        {DISPUTE: SUGGESTED},
        stage=DisputeStage.IMPASSE,
        stage_recorded=True,
    ),
    Scenario(
        "a recorded dissolution is kept",
        case(
            person(
                "sam",
                RelationshipType.PARTNER,
                dispute_stage=DisputeStage.DISSOLUTION,
                **UNMET_OPEN,
            )
        ),
        {DISPUTE: SUGGESTED},
        stage=DisputeStage.DISSOLUTION,
        stage_recorded=True,
    ),
    Scenario(
        "open conflict with expectations not yet recorded is a possible dispute",
        case(person("sam", RelationshipType.PARTNER, conflict=Conflict.OPEN), *SUPPORTIVE),
        {DISPUTE: POSSIBLE, DEFICITS: EXCLUDED},
        no_focus=True,
        stage=DisputeStage.RENEGOTIATION,
        rules=frozenset({Rule.DISPUTE_INCOMPLETE}),
    ),
    Scenario(
        "arguments where expectations are met are not a dispute",
        case(
            person("sam", RelationshipType.PARTNER, conflict=Conflict.OPEN, expectations_met=True)
        ),
        {DISPUTE: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "unmet expectations with no conflict of any kind are not a dispute",
        case(
            person("sam", RelationshipType.PARTNER, expectations_met=False, conflict=Conflict.NONE)
        ),
        {DISPUTE: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "a dated row with the partner near onset makes the dispute high confidence",
        case(
            person("sam", RelationshipType.PARTNER, **UNMET_OPEN),
            events=(event("e1", EventKind.CONFLICT, 20, "sam"),),
        ),
        {DISPUTE: SUGGESTED},
        top=DISPUTE,
        confidence={DISPUTE: Confidence.HIGH},
    ),
    Scenario(
        "a conflict on the timeline with nothing in the inventory is a possible dispute",
        case(*SUPPORTIVE, events=(event("e1", EventKind.CONFLICT, 20),)),
        {DISPUTE: POSSIBLE},
        no_focus=True,
        rules=frozenset({Rule.DISPUTE_CONFLICT_NEAR_ONSET}),
    ),
    Scenario(
        "a dispute with someone rated unimportant is only possible",
        case(person("jo", expectations_met=False, conflict=Conflict.OPEN, importance=2)),
        {DISPUTE: POSSIBLE},
        no_focus=True,
    ),
    Scenario(
        "a partner who cooled since onset, with unmet expectations, is a dispute of unclear stage",
        case(
            person(
                "sam",
                RelationshipType.PARTNER,
                expectations_met=False,
                closeness_before=1,
                closeness_now=3,
            )
        ),
        {DISPUTE: SUGGESTED},
        stage=None,
    ),
    Scenario(
        "in IPT-ED binges after contact with a critical mother point to a dispute",
        case(
            person(
                "mo",
                RelationshipType.PARENT,
                expectations_met=False,
                conflict=Conflict.COVERT,
                symptoms_follow_contact=True,
            ),
            *SUPPORTIVE,
            variant=Variant.IPT_ED,
            chronic_course=True,
        ),
        {DISPUTE: SUGGESTED, DEFICITS: EXCLUDED},
        top=DISPUTE,
        stage=DisputeStage.IMPASSE,
        confidence={DISPUTE: Confidence.MEDIUM},
    ),
    # --- Role transition (ipt-method.md §3.3; R09) ---
    Scenario(
        "a job loss two months before onset suggests a transition",
        case(*SUPPORTIVE, events=(event("e1", EventKind.JOB_LOSS, 60),)),
        {TRANSITION: SUGGESTED, DEFICITS: EXCLUDED, GRIEF: EXCLUDED, DISPUTE: EXCLUDED},
        top=TRANSITION,
        confidence={TRANSITION: Confidence.HIGH},
    ),
    Scenario(
        "a move known only by its year is a transition with medium confidence",
        case(*SUPPORTIVE, events=(event("e1", EventKind.MOVE, 10, precision=DatePrecision.YEAR),)),
        {TRANSITION: SUGGESTED},
        confidence={TRANSITION: Confidence.MEDIUM},
    ),
    Scenario(
        "a retirement years before onset is not a transition",
        case(*SUPPORTIVE, events=(event("e1", EventKind.RETIREMENT, 900),)),
        {TRANSITION: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "with no onset recorded a recent birth is measured from the assessment",
        case(*SUPPORTIVE, events=(event("e1", EventKind.BIRTH, -100),), onset=None),
        {TRANSITION: SUGGESTED},
        top=TRANSITION,
        confidence={TRANSITION: Confidence.MEDIUM},
    ),
    # --- Interpersonal deficits (ipt-method.md §3.4, §3.6; R06) ---
    Scenario(
        "few distant ties with no one to confide in and no events suggest deficits",
        case(*ISOLATED),
        {DEFICITS: SUGGESTED, GRIEF: EXCLUDED, DISPUTE: EXCLUDED, TRANSITION: EXCLUDED},
        top=DEFICITS,
        confidence={DEFICITS: Confidence.HIGH},
        rules=frozenset({Rule.DEFICITS_SUPPORT}),
    ),
    Scenario(
        "a supportive network with nothing near onset indicates no focus",
        case(*SUPPORTIVE),
        {GRIEF: EXCLUDED, DISPUTE: EXCLUDED, TRANSITION: EXCLUDED, DEFICITS: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "an empty inventory indicates no focus and no deficits",
        case(),
        {DEFICITS: EXCLUDED},
        no_focus=True,
    ),
    Scenario(
        "isolation with a move near onset is a transition, not deficits",
        case(*ISOLATED, events=(event("e1", EventKind.MOVE, 30),)),
        {TRANSITION: SUGGESTED, DEFICITS: EXCLUDED},
        top=TRANSITION,
        rules=frozenset({Rule.DEFICITS_RESIDUAL}),
    ),
    Scenario(
        "isolation with only a possible dispute holds deficits back to possible",
        case(*ISOLATED, lonely_partner_in_open_conflict()),
        {DISPUTE: POSSIBLE, DEFICITS: POSSIBLE},
        top=DISPUTE,
        no_focus=True,
    ),
    Scenario(
        "a chronic course alone in a good network makes deficits possible",
        case(*SUPPORTIVE, chronic_course=True),
        {DEFICITS: POSSIBLE},
        no_focus=True,
    ),
    Scenario(
        "in IPT-ED long-standing unfulfilling ties suggest deficits in the eating-disorder sense",
        case(
            person("ana", expectations_met=False, conflict=Conflict.NONE),
            person("ben", expectations_met=False, conflict=Conflict.NONE),
            person("cleo"),
            variant=Variant.IPT_ED,
            chronic_course=True,
        ),
        {DEFICITS: SUGGESTED, DISPUTE: EXCLUDED},
        top=DEFICITS,
    ),
    # --- Combinations and priority (ipt-method.md §3.6; decisions.md §9) ---
    Scenario(
        "three areas firing gives two suggested and holds the farthest back",
        case(
            deceased("mum", 150),
            person("sam", RelationshipType.PARTNER, **UNMET_OPEN),
            events=(
                event("e1", EventKind.JOB_LOSS, 10),
                event("e2", EventKind.CONFLICT, 40, "sam"),
            ),
        ),
        {TRANSITION: SUGGESTED, DISPUTE: SUGGESTED, GRIEF: POSSIBLE, DEFICITS: EXCLUDED},
        top=TRANSITION,
        rules=frozenset({Rule.AT_MOST_TWO}),
    ),
    Scenario(
        "when a death and a change are equally near, the more important person ranks first",
        case(
            deceased("gran", 60, importance=3),
            person("kid", RelationshipType.CHILD, importance=5),
            events=(event("e1", EventKind.CHILDREN_LEAVING, 60, "kid"),),
        ),
        {GRIEF: SUGGESTED, TRANSITION: SUGGESTED},
        top=TRANSITION,
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_each_written_case_gets_the_verdicts_the_domain_doc_expects(scenario: Scenario) -> None:
    result = suggest(scenario.case, scenario.windows)
    verdicts = {a.area: a.status for a in result.areas}
    for area, status in scenario.statuses.items():
        assert verdicts[area] is status, f"{area}: {result.assessment(area)}"
    if scenario.top is not None:
        assert result.areas[0].area is scenario.top
    assert (result.no_focus_reason is not None) is scenario.no_focus
    fired = {rule for a in result.areas for rule in a.rules}
    assert scenario.rules <= fired
    dispute = result.assessment(DISPUTE)
    if scenario.stage != "unchecked":
        assert dispute.dispute_stage is scenario.stage
        assert dispute.dispute_stage_recorded is scenario.stage_recorded
    for area, confidence in scenario.confidence.items():
        assert result.assessment(area).confidence is confidence


def test_there_are_at_least_thirty_written_cases() -> None:
    assert len(SCENARIOS) >= 30
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


def test_a_recent_normal_bereavement_explains_why_no_focus_is_indicated() -> None:
    result = suggest(case(deceased("dad", -60), *SUPPORTIVE))
    assert result.no_focus_reason is not None
    assert result.no_focus_reason.startswith("No focus indicated yet.")
    assert "Dad (parent) died" in result.no_focus_reason
    assert "Normal grief" in result.no_focus_reason
    assert "Look again after" in result.no_focus_reason


def test_grief_evidence_names_the_person_the_date_and_the_signs() -> None:
    result = suggest(case(deceased("mum", 91, mourning_avoided=True)))
    grief = result.assessment(GRIEF)
    assert grief.people == ("mum",)
    assert [e.source for e in grief.evidence] == [SourceKind.RELATIONSHIP] * 2
    assert (
        grief.evidence[0].why == "Mum (parent) died on 7 October 2024, 3 months before the onset."
    )
    assert "holds feelings in or has put off grieving" in grief.evidence[1].why


def test_a_month_precision_event_is_described_in_months() -> None:
    loss = LifeEvent(
        "e1",
        ApproxDate(date(2024, 11, 20), DatePrecision.MONTH),
        EventKind.JOB_LOSS,
        "Made redundant",
    )
    result = suggest(
        case(*SUPPORTIVE, events=(loss,), onset=ApproxDate(date(2025, 1, 1), DatePrecision.MONTH))
    )
    why = result.assessment(TRANSITION).evidence[0].why
    assert why == "A life change: “Made redundant” (November 2024), 2 months before the onset."


def test_excluded_deficits_says_which_area_applies_instead() -> None:
    result = suggest(case(*ISOLATED, events=(event("e1", EventKind.MOVE, 30),)))
    (reason,) = result.assessment(DEFICITS).exclusions
    assert reason.startswith("A role transition applies")


def test_standard_variants_explain_that_a_divorce_is_not_a_bereavement() -> None:
    result = suggest(case(*SUPPORTIVE, events=(event("e1", EventKind.DIVORCE, 30),)))
    exclusions = result.assessment(GRIEF).exclusions
    assert "Grief needs a death" in exclusions[0]
    assert any("counts as a role transition" in text for text in exclusions)


def test_the_windows_argument_overrides_the_windows_in_the_case() -> None:
    narrow = SuggestionWindows(before_onset=timedelta(days=10))
    job = case(*SUPPORTIVE, events=(event("e1", EventKind.JOB_LOSS, 60),), windows=narrow)
    assert suggest(job).assessment(TRANSITION).status is EXCLUDED
    assert suggest(job, SuggestionWindows()).assessment(TRANSITION).status is SUGGESTED


def test_windows_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="after onset window cannot be negative"):
        SuggestionWindows(after_onset=timedelta(days=-1))


def test_the_suggester_uses_the_assessment_date_not_today() -> None:
    bereaved = case(deceased_on("dad", ASSESSED - timedelta(days=120)), onset=NEAR_ONSET)
    later = replace(bereaved, assessed_on=ASSESSED + timedelta(days=400))
    assert suggest(bereaved).assessment(GRIEF).status is POSSIBLE
    assert suggest(later).assessment(GRIEF).status is SUGGESTED


# --- Properties over generated cases ---------------------------------------------------------

# Strategies are built once here: building them inside a draw makes generation slow.
_TEXT = st.sampled_from(["Ana", "Mr Ó Briain", "the choir", "money", "“quotes”"])
_TEXTS = st.sampled_from([(), ("money",), ("her drinking", "the children")])
_FLAG = st.none() | st.booleans()
_RING = st.none() | st.integers(1, 5)
_MOOD = st.none() | st.integers(0, 10)
_PRECISION = st.sampled_from(DatePrecision)
_STATUS = st.sampled_from(LifeStatus)
_TYPE = st.sampled_from(RelationshipType)
_CONTACT = st.none() | st.sampled_from(ContactFrequency)
_CONFLICT = st.none() | st.sampled_from(Conflict)
_STAGE = st.none() | st.sampled_from(DisputeStage)
_KIND = st.sampled_from(EventKind)
_VARIANT = st.sampled_from(Variant)
_CHANGE = st.sampled_from(["", "moved out", "stopped calling"])
_DAYS = st.integers(0, 4000)
_COUNT = st.integers(0, 6)
_WINDOW = st.integers(0, 400)
_INDEX = st.integers(0, 5)


def _approx(draw: st.DrawFn, latest: date, optional: bool = False) -> ApproxDate | None:
    if optional and draw(st.booleans()):
        return None
    return ApproxDate(latest - timedelta(days=draw(_DAYS)), draw(_PRECISION))


def _relationship(draw: st.DrawFn, pid: str, assessed_on: date) -> Relationship:
    status = draw(_STATUS)
    dead = status is LifeStatus.DECEASED
    kind = draw(_TYPE)
    return Relationship(
        person_id=pid,
        label=draw(_TEXT),
        relationship_type=kind,
        status=status,
        date_of_death=_approx(draw, assessed_on, optional=True) if dead else None,
        closeness_now=draw(_RING),
        closeness_before=draw(_RING),
        contact_frequency=draw(_CONTACT),
        importance=draw(_RING),
        can_confide=draw(_FLAG),
        knows_how_patient_feels=draw(_FLAG),
        satisfying=draw(_TEXTS),
        patient_expectations=draw(_TEXTS),
        expectations_met=draw(_FLAG),
        conflict=draw(_CONFLICT),
        trying_to_resolve=draw(_FLAG),
        talking_stopped=draw(_FLAG),
        judged_beyond_repair=draw(_FLAG),
        topics_avoided=draw(_TEXTS),
        symptoms_follow_contact=draw(st.booleans()),
        recent_change=draw(_CHANGE),
        avoids_talking_about_death=dead and draw(st.booleans()),
        mourning_avoided=dead and draw(st.booleans()),
        symptoms_tied_to_death=dead and draw(st.booleans()),
        dispute_stage=None if dead else draw(_STAGE),
        second_type=draw(st.one_of(st.none(), _TYPE.filter(lambda t: t is not kind))),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Valid cases: unique ids, events naming known people, no date after the assessment."""
    assessed_on = date(2025, 6, 2) - timedelta(days=draw(_DAYS))
    ids = [f"p{i}" for i in range(draw(_COUNT))]
    relationships = tuple(_relationship(draw, pid, assessed_on) for pid in ids)
    events = []
    for i in range(draw(_COUNT)):
        when = _approx(draw, assessed_on)
        assert when is not None
        events.append(
            LifeEvent(
                event_id=f"e{i}",
                when=when,
                kind=draw(_KIND),
                description=draw(_TEXT),
                people=tuple(sorted({ids[draw(_INDEX) % len(ids)] for _ in ids[:2]})),
                mood_rating=draw(_MOOD),
                symptoms_worsened=draw(st.booleans()),
                ed_symptom_note=draw(st.sampled_from(["", "binges most days"])),
            )
        )
    custom = draw(st.booleans())
    windows = (
        SuggestionWindows(*(timedelta(days=draw(_WINDOW)) for _ in range(3)))
        if custom
        else SuggestionWindows()
    )
    onset = _approx(draw, assessed_on, optional=True)
    onset_until = None
    if onset is not None and draw(st.booleans()):
        onset_until = ApproxDate(
            min(onset.last_day + timedelta(days=draw(_WINDOW)), assessed_on), draw(_PRECISION)
        )
        if onset_until.last_day < onset.first_day:
            onset_until = None
    return Case(
        assessed_on=assessed_on,
        variant=draw(_VARIANT),
        onset=onset,
        onset_until=onset_until,
        chronic_course=draw(st.booleans()),
        relationships=relationships,
        events=tuple(events),
        windows=windows,
    )


def _areas(result: FocusSuggestion) -> list[AreaAssessment]:
    return list(result.areas)


@settings(deadline=None)
@given(cases())
def test_never_more_than_two_areas_are_suggested(generated: Case) -> None:
    assert len(suggest(generated).suggested) <= 2


@settings(deadline=None)
@given(cases())
def test_every_suggested_or_possible_area_carries_evidence(generated: Case) -> None:
    for a in _areas(suggest(generated)):
        if a.status is EXCLUDED:
            assert a.exclusions and a.confidence is None
        else:
            assert a.evidence and a.confidence is not None


@settings(deadline=None)
@given(cases())
def test_all_four_areas_are_present_exactly_once(generated: Case) -> None:
    assert sorted(a.area for a in suggest(generated).areas) == sorted(ProblemArea)


@settings(deadline=None)
@given(cases())
def test_deficits_never_ranks_first_when_another_area_fires(generated: Case) -> None:
    result = suggest(generated)
    # A death that is not relevant (rated unimportant, or after the onset, with no sign of a
    # complicated course) stays possible under grief but does not hold deficits back.
    set_aside = Rule.DEFICITS_DEATH_SET_ASIDE in result.assessment(DEFICITS).rules
    if set_aside:
        assert result.assessment(GRIEF).status is not SUGGESTED
    others_fire = any(
        a.status is not EXCLUDED
        for a in result.areas
        if a.area is not DEFICITS and not (set_aside and a.area is GRIEF)
    )
    if others_fire:
        assert result.areas[0].area is not DEFICITS
    if result.assessment(DEFICITS).status is SUGGESTED:
        assert not others_fire


@settings(deadline=None)
@given(cases())
def test_the_ranking_puts_suggested_before_possible_before_excluded(generated: Case) -> None:
    result = suggest(generated)
    order = [SUGGESTED, POSSIBLE, EXCLUDED]
    ranks = [order.index(a.status) for a in result.areas]
    assert ranks == sorted(ranks)
    assert (result.no_focus_reason is None) is bool(result.suggested)


@settings(deadline=None)
@given(cases())
def test_variant_rules_hold_for_every_case(generated: Case) -> None:
    result = suggest(generated)
    config = variant_config(generated.variant)
    if not config.deficits_allowed:
        assert result.assessment(DEFICITS).status is EXCLUDED
    deaths = any(r.status is LifeStatus.DECEASED for r in generated.relationships) or any(
        e.kind is EventKind.DEATH for e in generated.events
    )
    if config.grief_requires_death and not deaths:
        assert result.assessment(GRIEF).status is EXCLUDED
    if result.assessment(DISPUTE).dispute_stage is not None:
        assert result.assessment(DISPUTE).status is not EXCLUDED


# --- The fast paths give the results of the simple ones -------------------------------------
# The suggester indexes events by person and removes repeats with a dict, so that a timeline of
# 20,000 events takes a fraction of a second (bench/run.py). These are the plain scans it
# replaced; the suggestions must not change by a word.


def _reference_unique(items: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _reference_events_by_person(events: Iterable[LifeEvent]) -> dict[str, list[LifeEvent]]:
    events = list(events)
    people = {pid for event in events for pid in event.people}
    return {pid: [e for e in events if pid in e.people] for pid in people}


def _reference_person(case: Case, person_id: str) -> Relationship | None:
    return next((r for r in case.relationships if r.person_id == person_id), None)


def _suggest_the_simple_way(case: Case) -> FocusSuggestion:
    with (
        mock.patch.object(focus, "_unique", _reference_unique),
        mock.patch.object(focus, "_events_by_person", _reference_events_by_person),
        mock.patch.object(Case, "person", _reference_person),
    ):
        return suggest(case)


def test_the_simple_way_really_runs_the_plain_scans() -> None:
    case = load_case(EXAMPLES[0].read_text(encoding="utf-8"))
    with (
        mock.patch.object(focus, "_unique", side_effect=_reference_unique) as unique,
        mock.patch.object(
            focus, "_events_by_person", side_effect=_reference_events_by_person
        ) as by_person,
    ):
        suggest(case)
    assert unique.called and by_person.called


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_shipped_examples_get_the_same_suggestion_as_the_simple_way(path: Path) -> None:
    case = load_case(path.read_text(encoding="utf-8"))
    assert suggest(case) == _suggest_the_simple_way(case)


@settings(deadline=None)
@given(cases())
def test_every_case_gets_the_same_suggestion_as_the_simple_way(generated: Case) -> None:
    assert suggest(generated) == _suggest_the_simple_way(generated)
    for person_id in {"p0", "p3", "nobody", *(r.person_id for r in generated.relationships)}:
        assert generated.person(person_id) is _reference_person(generated, person_id)
    assert focus._events_by_person(generated.events) == _reference_events_by_person(
        generated.events
    )


def test_a_repeated_id_finds_the_first_person_as_before() -> None:
    first, second = person("jo", importance=5), person("jo", importance=1)
    case = Case(assessed_on=ASSESSED, relationships=(first, second))
    assert case.person("jo") is first is _reference_person(case, "jo")
