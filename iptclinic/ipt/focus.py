"""The problem-area suggester: which of the four IPT areas a case points to, and why.

Source: ``domain/ipt-method.md`` §3.0–3.7 (selection logic, signal map and suggestion algorithm),
§7 R05–R09 and R28, §11 (a recent normal bereavement is not a grief focus); ``decisions.md``
§9–11. The suggester is for clinician review only: it never sets a focus (R28, PRODUCT). The
therapist chooses and the service user agrees through the formulation (FIRM).

Every area comes back exactly once, marked suggested (at most two), possible or excluded, with
the evidence behind it or the reason it was ruled out. Each rule below is a small function whose
docstring names its source and label; :func:`suggest` only gathers their findings, applies the
exclusions between areas and ranks the result.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TypeVar

from iptclinic.ipt.case import (
    DEFAULT_WINDOWS,
    ApproxDate,
    Case,
    Conflict,
    ContactFrequency,
    DatePrecision,
    EventKind,
    LifeEvent,
    LifeStatus,
    Relationship,
    SuggestionWindows,
)
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.variants import Variant, variant_config

_H = TypeVar("_H", bound=Hashable)

MAX_SUGGESTED = 2
"""decisions.md §9 (PRODUCT hard limit; ipt-method.md §3.6 and R05: one preferred, two at most)."""

TRANSITION_KINDS: frozenset[EventKind] = frozenset(EventKind) - {
    EventKind.DEATH,
    EventKind.CONFLICT,
    EventKind.OTHER,
}
"""Life changes that make a role transition (ipt-method.md §3.3 domains, §3.7 signal list)."""

NON_DEATH_LOSS_KINDS: frozenset[EventKind] = frozenset(
    {
        EventKind.SEPARATION,
        EventKind.DIVORCE,
        EventKind.MISCARRIAGE,
        EventKind.INFERTILITY,
        EventKind.DIAGNOSIS,
    }
)
"""Losses that count as "grief and loss" where a variant does not require a death.

Source: ipt-method.md §3.1 (VARIANT, Stuart & Robertson): relationship ending, infertility,
miscarriage, disability. A diagnosis stands for the loss of health or ability. UNVERIFIED which
losses the variant names exactly; job loss is left as a transition, as the sources list it there.
"""

FEW_TIES = 2
"""At most this many living relationships counts as "few" (ipt-method.md §3.4, §3.7; PRODUCT)."""

CLOSE_RINGS = 2
"""Rings 1..CLOSE_RINGS of the closeness circle count as close (ipt-method.md §2.2; PRODUCT)."""

MINOR_IMPORTANCE = 2
"""A relationship the service user rates at most this (of 5) is not a key relationship (PRODUCT)."""

REGULAR_CONTACT: frozenset[ContactFrequency] = frozenset(
    {ContactFrequency.DAILY, ContactFrequency.WEEKLY, ContactFrequency.FORTNIGHTLY}
)
"""Contact more often than monthly counts as regular (ipt-method.md §3.4 "low contact"; PRODUCT:
every two or three weeks is not the "monthly or less" of an isolated person)."""

VAGUE_ONSET_DAYS = 92
"""A known onset covering more than this many days (about a season: a year, or a long span) is
vague: timing alone cannot then make a suggestion highly confident (PRODUCT, mirroring the rule
that an event dated only to the year is not "sure")."""


class Status(StrEnum):
    """How strongly the case points to an area (decisions.md §10)."""

    SUGGESTED = "suggested"
    POSSIBLE = "possible"
    EXCLUDED = "excluded"


class Confidence(StrEnum):
    """How sure the suggester is, in three plain steps rather than a falsely precise number.

    High: a strong signal tied in time to the onset, with something that corroborates it.
    Medium: a strong signal whose timing or detail is less certain. Low: a weak or incomplete
    signal that the therapist should check. Excluded areas have no confidence.
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class SourceKind(StrEnum):
    """Where a piece of evidence comes from."""

    RELATIONSHIP = "relationship"
    EVENT = "event"
    ONSET = "onset"
    INVENTORY = "inventory"


class Rule(StrEnum):
    """Identifiers of the rules that can fire, so a reviewer can trace every suggestion."""

    GRIEF_DEATH_NEAR_ONSET = "grief.death_near_onset"
    GRIEF_COMPLICATED = "grief.complicated_course"
    GRIEF_RECENT_NORMAL = "grief.recent_normal_bereavement"
    GRIEF_DEATH_SINCE_ONSET = "grief.death_since_onset"
    GRIEF_DEATH_UNDATED = "grief.death_undated"
    GRIEF_MINOR_DEATH = "grief.death_of_someone_less_important"
    GRIEF_NON_DEATH_LOSS = "grief.non_death_loss"
    GRIEF_NEEDS_DEATH = "grief.needs_a_relevant_death"
    DISPUTE_UNMET_WITH_CONFLICT = "dispute.unmet_expectations_with_conflict"
    DISPUTE_INCOMPLETE = "dispute.incomplete_signal"
    DISPUTE_CONFLICT_NEAR_ONSET = "dispute.conflict_event_near_onset"
    TRANSITION_NEAR_ONSET = "transition.life_change_near_onset"
    TRANSITION_SINCE_ONSET = "transition.life_change_since_onset"
    DEFICITS_SUPPORT = "deficits.thin_or_unfulfilling_ties"
    DEFICITS_NOT_IN_VARIANT = "deficits.not_in_variant"
    DEFICITS_DEATH_OVERRIDES = "deficits.death_overrides"
    DEFICITS_RESIDUAL = "deficits.only_when_nothing_else_applies"
    DEFICITS_DEATH_SET_ASIDE = "deficits.death_not_relevant"
    DISPUTE_WORSENED_AFTER_CONFLICT = "dispute.symptoms_worsened_after_conflict"
    TRANSITION_WORSENED_AFTER = "transition.symptoms_worsened_after_change"
    ONSET_VAGUE = "timing.vague_onset"
    AT_MOST_TWO = "focus.at_most_two_suggested"
    LEVEL = "focus.level_with_another_area"


@dataclass(frozen=True)
class Evidence:
    """One reason for an area: which relationship, event or fact, and why it matters."""

    source: SourceKind
    source_id: str
    why: str


@dataclass(frozen=True)
class AreaAssessment:
    """The verdict on one problem area.

    ``exclusions`` holds why the area was excluded, held back from "suggested", or why some of
    its evidence was set aside. ``people`` are the person ids involved (the deceased, the
    disputant, those affected by the change). ``dispute_stage`` is set for a role dispute when a
    stage is recorded or can be inferred; ``dispute_stage_recorded`` says which.
    """

    area: ProblemArea
    status: Status
    confidence: Confidence | None
    evidence: tuple[Evidence, ...]
    exclusions: tuple[str, ...]
    rules: tuple[Rule, ...]
    people: tuple[str, ...] = ()
    dispute_stage: DisputeStage | None = None
    dispute_stage_recorded: bool = False


@dataclass(frozen=True)
class FocusSuggestion:
    """All four areas ranked best first, and why no focus is indicated yet when none is."""

    variant: Variant
    areas: tuple[AreaAssessment, ...]
    no_focus_reason: str | None

    @property
    def suggested(self) -> tuple[AreaAssessment, ...]:
        return tuple(a for a in self.areas if a.status is Status.SUGGESTED)

    def assessment(self, area: ProblemArea) -> AreaAssessment:
        return next(a for a in self.areas if a.area is area)


@dataclass(frozen=True)
class _Finding:
    """One rule firing for one relationship or event; several may support the same area."""

    area: ProblemArea
    status: Status
    confidence: Confidence
    rule: Rule
    evidence: tuple[Evidence, ...]
    people: tuple[str, ...] = ()
    proximity: int | None = None
    importance: int | None = None
    stage: DisputeStage | None = None
    stage_recorded: bool = False
    normal_grief_note: str = ""
    from_death: bool = False
    relevant_death: bool = False
    death_set_aside: str = ""
    who: str = ""
    signs: bool = False
    when: ApproxDate | None = None
    link: int = 0
    closeness: int | None = None
    also: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class _Timing:
    """The reference period: the onset (a date or a span), or the assessment date when the onset
    is unknown. ``reference`` is its start and ``reference_end`` its end (the same date unless
    the onset was recorded as a span)."""

    reference: ApproxDate
    reference_end: ApproxDate
    onset_known: bool
    window_start: date
    window_end: date

    @property
    def name(self) -> str:
        return "the onset" if self.onset_known else "the assessment"

    @property
    def is_span(self) -> bool:
        return self.reference_end != self.reference

    @property
    def first_day(self) -> date:
        return self.reference.first_day

    @property
    def last_day(self) -> date:
        return self.reference_end.last_day

    @property
    def vague(self) -> bool:
        """A known onset that covers more than :data:`VAGUE_ONSET_DAYS` (a year, or a long span)."""
        return self.onset_known and (self.last_day - self.first_day).days + 1 > VAGUE_ONSET_DAYS

    @property
    def precise(self) -> bool:
        """The onset is known closely enough for timing to count towards high confidence."""
        return self.onset_known and not self.vague

    def onset_text(self) -> str:
        if self.is_span:
            return f"{self.reference} to {self.reference_end}"
        return str(self.reference)

    def vague_note(self) -> str:
        return (
            f"The low mood is known to have begun only roughly ({self.onset_text()}), so how "
            "close in time an event was cannot be relied on; confidence is not marked high for "
            "timing alone."
        )

    def in_window(self, span: ApproxDate) -> bool:
        return span.first_day <= self.window_end and span.last_day >= self.window_start

    def after_window(self, span: ApproxDate) -> bool:
        return span.first_day > self.window_end

    def proximity(self, span: ApproxDate) -> int:
        """Days between the middle of the span and the middle of the reference period.

        Middles, not edges, so that "October" is not ranked a day away from a November onset.
        """
        reference_middle = date.fromordinal(
            (self.first_day.toordinal() + self.last_day.toordinal()) // 2
        )
        return abs((_middle(span) - reference_middle).days)

    def relative(self, span: ApproxDate) -> str:
        """ "3 months before the onset", in the coarser of the two dates' precisions. For an
        onset recorded as a span, an event inside it is "during the onset", and others are
        placed against the span's start or end."""
        if not self.is_span:
            return _relative_to(span, self.reference, self.name)
        if span.first_day <= self.last_day and span.last_day >= self.first_day:
            return f"during {self.name} ({self.onset_text()})"
        if span.last_day < self.first_day:
            return _relative_to(span, self.reference, "the start of the onset")
        return _relative_to(span, self.reference_end, "the end of the onset")

    def window_text(self) -> str:
        return (
            f"between {_day(self.window_start)} and {_day(self.window_end)} "
            f"(the window around {self.name})"
        )


def _relative_to(span: ApproxDate, ref: ApproxDate, name: str) -> str:
    coarse = max(span.precision, ref.precision, key=_PRECISION_ORDER.__getitem__)
    if coarse is DatePrecision.YEAR:
        gap, unit = ref.when.year - span.when.year, "year"
    elif coarse is DatePrecision.MONTH:
        gap = (ref.when.year - span.when.year) * 12 + ref.when.month - span.when.month
        unit = "month"
    else:
        gap, unit = (ref.when - span.when).days, "day"
    if gap == 0:
        return f"in the same {unit} as {name}" if unit != "day" else f"at {name}"
    side = "before" if gap > 0 else "after"
    size = abs(gap)
    amount = _duration(size) if unit == "day" else f"{size} {unit}{'s' if size > 1 else ''}"
    return f"{amount} {side} {name}"


@dataclass
class _Notes:
    """Reasons collected per area while the rules run (why evidence was set aside)."""

    by_area: dict[ProblemArea, list[str]] = field(
        default_factory=lambda: {area: [] for area in ProblemArea}
    )

    said_once: set[tuple[ProblemArea, str]] = field(default_factory=set)

    def add(self, area: ProblemArea, text: str) -> None:
        self.by_area[area].append(text)

    def add_once(self, area: ProblemArea, text: str) -> None:
        """A note that many findings may give (the onset is vague), written once per area."""
        if (area, text) not in self.said_once:
            self.said_once.add((area, text))
            self.by_area[area].append(text)


def suggest(case: Case, windows: SuggestionWindows | None = None) -> FocusSuggestion:
    """Rank the four problem areas for ``case``, with evidence and exclusions.

    Source: ipt-method.md §3.7 (PRODUCT algorithm, for clinician review only; R28). ``windows``
    overrides the case's own windows (decisions.md §11).
    """
    timing = _timing(case, windows or case.windows)
    notes = _Notes()
    findings = [
        *_grief_from_deaths(case, timing, windows or case.windows, notes),
        *_grief_from_losses(case, timing, notes),
        *_disputes(case, timing, notes),
        *_transitions(case, timing, notes),
    ]
    assessments = [
        _assess(area, [f for f in findings if f.area is area], notes.by_area[area], case, timing)
        for area in (ProblemArea.GRIEF, ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION)
    ]
    assessments.append(_deficits(case, findings))
    ranked = _cap_suggested(_rank(assessments, findings))
    return FocusSuggestion(
        variant=case.variant,
        areas=ranked,
        no_focus_reason=_no_focus_reason(case, ranked, findings),
    )


# --- Grief -----------------------------------------------------------------------------------


def _grief_from_deaths(
    case: Case, timing: _Timing, windows: SuggestionWindows, notes: _Notes
) -> list[_Finding]:
    """Grief from a death: the episode began after, or is kept going by, a significant death.

    Source: ipt-method.md §3.1 "Identify when" (FIRM [S6]): a death, with the episode beginning
    after it or sustained in connection with it; signs of a complicated course — holding
    feelings in, postponing or avoiding mourning (FIRM [S6]); not speaking of the deceased
    (CONVENTION/UNVERIFIED). §11 and decisions.md §11: a death less than ``normal_grief`` ago
    with no such sign is normal grief, not a focus (PRODUCT window). A death found late still
    counts ("hidden" death, §3.1). §3.7: the window before/around onset (PRODUCT).
    """
    findings: list[_Finding] = []
    for source, source_id, who, when, person in _deaths(case):
        signs = _complication_signs(person)
        importance = person.importance if person else None
        base = _Finding(
            area=ProblemArea.GRIEF,
            status=Status.SUGGESTED,
            confidence=Confidence.MEDIUM,
            rule=Rule.GRIEF_DEATH_NEAR_ONSET,
            evidence=(),
            people=(source_id,) if source is SourceKind.RELATIONSHIP else (),
            importance=importance,
            from_death=True,
            who=who,
            signs=bool(signs),
            when=when,
            link=1 if signs else 0,
            closeness=person.closeness_now if person else None,
        )
        sign_evidence = (
            (
                Evidence(
                    source, source_id, "Signs of a complicated course: " + "; ".join(signs) + "."
                ),
            )
            if signs
            else ()
        )
        if when is None:
            died = Evidence(source, source_id, f"{who} has died; the date is not recorded.")
            findings.append(
                replace(
                    base,
                    rule=Rule.GRIEF_COMPLICATED if signs else Rule.GRIEF_DEATH_UNDATED,
                    status=Status.SUGGESTED if signs else Status.POSSIBLE,
                    confidence=Confidence.MEDIUM if signs else Confidence.LOW,
                    evidence=(died, *sign_evidence),
                )
            )
            continue
        died = Evidence(source, source_id, f"{who} died {_on(when)}, {timing.relative(when)}.")
        base = replace(base, evidence=(died, *sign_evidence), proximity=timing.proximity(when))
        since_death = (case.assessed_on - when.last_day).days
        if since_death < windows.normal_grief.days and not signs:
            # ipt-method.md §3.1 and §11: normal grief is not a treatment target.
            reason = (
                f"{who} died {_duration(max(since_death, 0))} before the assessment and no sign "
                "of a complicated course is recorded. Normal grief usually eases over a few "
                "months and is not a focus in itself. Look again "
                f"after {_day(when.last_day + windows.normal_grief)}, or record the signs if you "
                "see them."
            )
            findings.append(
                replace(
                    base,
                    rule=Rule.GRIEF_RECENT_NORMAL,
                    status=Status.POSSIBLE,
                    confidence=Confidence.LOW,
                    normal_grief_note=reason,
                )
            )
        elif timing.in_window(when):
            timed = bool(signs) and when.precision is not DatePrecision.YEAR and timing.onset_known
            sure = timed and timing.precise
            if timed and not sure:
                notes.add_once(ProblemArea.GRIEF, timing.vague_note())
            findings.append(
                replace(
                    base,
                    confidence=Confidence.HIGH if sure else Confidence.MEDIUM,
                    link=base.link + 1,
                    also=() if sure or not timed else (Rule.ONSET_VAGUE,),
                )
            )
        elif signs:
            findings.append(replace(base, rule=Rule.GRIEF_COMPLICATED))
        elif timing.after_window(when):
            findings.append(
                replace(
                    base,
                    rule=Rule.GRIEF_DEATH_SINCE_ONSET,
                    status=Status.POSSIBLE,
                    confidence=Confidence.LOW,
                )
            )
        else:
            notes.add(
                ProblemArea.GRIEF,
                f"{who} died {_on(when)}, well before {timing.name}, and no sign of a "
                "complicated course is recorded.",
            )
    return [_relevance(_minor_death(f, case), timing) for f in findings]


def _relevance(finding: _Finding, timing: _Timing) -> _Finding:
    """Whether a death is a *relevant* death, the kind that rules out interpersonal deficits.

    Source: ipt-method.md §3.4 (FIRM, Weissman 2018): deficits needs "no relevant death"; §3.6
    (FIRM): a discovered death overrides deficits. Which deaths are relevant is PRODUCT: any
    death with a recorded sign of a complicated course, or the therapist's link to the low mood;
    otherwise the death of someone not rated unimportant (importance above
    ``MINOR_IMPORTANCE``, or not rated), before or around the onset or undated. A death rated
    unimportant, or one after the window around the onset, does not rule deficits out; it
    stays visible under grief. Hazard H-130.
    """
    if finding.signs:
        return replace(finding, relevant_death=True)
    if finding.importance is not None and finding.importance <= MINOR_IMPORTANCE:
        why = f"{finding.who} is rated {finding.importance} of 5 for importance"
    elif finding.when is not None and timing.after_window(finding.when):
        why = f"{finding.who} died after {timing.name}, outside the window around it"
    else:
        return replace(finding, relevant_death=True)
    return replace(
        finding,
        death_set_aside=(
            f"{why}, and no sign of a complicated course is recorded, so this death does not "
            "rule out interpersonal deficits. Check it with the service user."
        ),
    )


def _minor_death(finding: _Finding, case: Case) -> _Finding:
    """A death of someone the service user rates as not important is at most possible.

    Source: ipt-method.md §3.1 ("a significant person has died", FIRM [S6]); the importance
    threshold is PRODUCT (``MINOR_IMPORTANCE``).
    """
    if finding.importance is None or finding.importance > MINOR_IMPORTANCE:
        return finding
    if finding.status is not Status.SUGGESTED:
        return finding
    return replace(
        finding,
        status=Status.POSSIBLE,
        confidence=Confidence.LOW,
        rule=Rule.GRIEF_MINOR_DEATH,
        evidence=(
            *finding.evidence,
            Evidence(
                SourceKind.RELATIONSHIP,
                finding.people[0] if finding.people else "",
                f"Rated {finding.importance} of 5 for importance, so not clearly a significant "
                "loss.",
            ),
        ),
    )


def _deaths(
    case: Case,
) -> list[tuple[SourceKind, str, str, ApproxDate | None, Relationship | None]]:
    """Every death the case records: deceased people, and death events naming no one deceased."""
    deaths: list[tuple[SourceKind, str, str, ApproxDate | None, Relationship | None]] = []
    death_events = sorted(
        (e for e in case.events if e.kind is EventKind.DEATH), key=lambda e: e.when.first_day
    )
    death_events_by_person = _events_by_person(death_events)
    for person in case.relationships:
        if person.status is not LifeStatus.DECEASED:
            continue
        named = death_events_by_person.get(person.person_id)
        when = person.date_of_death or (named[0].when if named else None)
        deaths.append((SourceKind.RELATIONSHIP, person.person_id, _who(person), when, person))
    for event in death_events:
        if not any(_is_deceased(case.person(p)) for p in event.people):
            deaths.append((SourceKind.EVENT, event.event_id, _quoted(event), event.when, None))
    return deaths


def _complication_signs(person: Relationship | None) -> list[str]:
    if person is None:
        return []
    signs = [
        (person.avoids_talking_about_death, "avoids talking about the death or the person"),
        (person.mourning_avoided, "holds feelings in or has put off grieving"),
        (person.symptoms_tied_to_death, "the therapist links the low mood to this death"),
    ]
    return [text for present, text in signs if present]


def _grief_from_losses(case: Case, timing: _Timing, notes: _Notes) -> list[_Finding]:
    """Non-death losses count as grief only where the variant says grief needs no death.

    Source: ipt-method.md §3.1 and §3.6 (VARIANT: Stuart & Robertson "grief and loss"), §7 R07;
    read from ``VariantConfig.grief_requires_death``. In the other variants such a loss is a
    role transition (FIRM, Weissman/ISIPT [S2][S6]).
    """
    if variant_config(case.variant).grief_requires_death:
        for event in case.events:
            if event.kind in NON_DEATH_LOSS_KINDS and timing.in_window(event.when):
                notes.add(
                    ProblemArea.GRIEF,
                    f"{_quoted(event)} ({event.when}) is a loss but not a death; in this "
                    "variant it counts as a role transition.",
                )
        return []
    findings = []
    for event in case.events:
        if event.kind not in NON_DEATH_LOSS_KINDS:
            continue
        near = timing.in_window(event.when)
        if not near and not timing.after_window(event.when):
            continue
        findings.append(
            _Finding(
                area=ProblemArea.GRIEF,
                status=Status.SUGGESTED if near else Status.POSSIBLE,
                confidence=Confidence.MEDIUM if near else Confidence.LOW,
                rule=Rule.GRIEF_NON_DEATH_LOSS,
                evidence=(
                    Evidence(
                        SourceKind.EVENT,
                        event.event_id,
                        f"A loss: {_quoted(event)} ({event.when}), {timing.relative(event.when)}; "
                        "this variant counts losses other than deaths as grief and loss.",
                    ),
                ),
                people=event.people,
                proximity=timing.proximity(event.when),
                importance=_importance(case, event.people),
                link=int(near),
                closeness=_closeness(case, event.people),
            )
        )
    return findings


# --- Role dispute ----------------------------------------------------------------------------


def _disputes(case: Case, timing: _Timing, notes: _Notes) -> list[_Finding]:
    """Role dispute: a current key relationship with non-reciprocal expectations and conflict.

    Source: ipt-method.md §3.2 "Identify when" (FIRM [S6][S20]): expectations not met in a
    current significant relationship; the conflict may be open or covert ([S10]); look for
    relationships that changed around onset and for what is avoided. §3.7 signal map
    (PRODUCT): ``expectations_met == False`` with conflict is a strong signal; hidden conflict
    or silence is covert; avoided topics or cooling count with unmet expectations only. An
    open conflict whose expectations are not recorded is possible. IPT-ED: symptoms that
    follow contact with one person (§3.7).
    """
    conflicts_near_onset = _events_by_person(
        e for e in case.events if e.kind is EventKind.CONFLICT and timing.in_window(e.when)
    )
    worse_after_conflict = _events_by_person(
        e for e in case.events if e.kind is EventKind.CONFLICT and e.symptoms_worsened
    )
    findings = []
    for person in case.relationships:
        if person.status is LifeStatus.DECEASED:
            continue
        finding = _dispute_with(
            case,
            person,
            conflicts_near_onset.get(person.person_id, []),
            worse_after_conflict.get(person.person_id, []),
            timing,
            notes,
        )
        if finding is not None:
            findings.append(finding)
        elif person.expectations_met is False:
            notes.add(
                ProblemArea.ROLE_DISPUTE,
                f"{_who(person)}: expectations are not met, but no conflict, open or hidden, is "
                "recorded.",
            )
    named = {p for f in findings for p in f.people}
    for event in case.events:
        if event.kind is not EventKind.CONFLICT or not timing.in_window(event.when):
            continue
        if named.intersection(event.people):
            continue
        findings.append(
            _Finding(
                area=ProblemArea.ROLE_DISPUTE,
                status=Status.POSSIBLE,
                confidence=Confidence.LOW,
                rule=Rule.DISPUTE_CONFLICT_NEAR_ONSET,
                evidence=(
                    Evidence(
                        SourceKind.EVENT,
                        event.event_id,
                        f"A conflict, {_quoted(event)} ({event.when}), "
                        f"{timing.relative(event.when)}; record the expectations on both sides "
                        "to confirm a dispute.",
                    ),
                ),
                people=event.people,
                proximity=timing.proximity(event.when),
                importance=_importance(case, event.people),
                link=1 + int(event.symptoms_worsened),
            )
        )
    return findings


def _dispute_with(
    case: Case,
    person: Relationship,
    conflict_events: Sequence[LifeEvent],
    worse_after: Sequence[LifeEvent],
    timing: _Timing,
    notes: _Notes,
) -> _Finding | None:
    """The dispute signal in one relationship, or ``None`` (rules as in :func:`_disputes`).

    ``conflict_events`` are the conflicts naming this person in the window, in timeline order;
    ``worse_after`` are the conflicts naming this person after which the symptoms got worse.

    How strongly the dispute is tied to the episode (``link``, used for ranking) does not need a
    dated conflict: ipt-method.md §3.2 (FIRM [S20]) says to look for relationships that changed
    around the onset, and §3.7 (IPT-ED) for symptoms that follow contact. One point for a change
    around the onset (recorded change, moved out on the circle, or a conflict dated near the
    onset) and one for symptoms that follow contact or got worse after a conflict (PRODUCT).
    """
    pid = person.person_id
    open_conflict = person.conflict is Conflict.OPEN
    ended = person.status is LifeStatus.ESTRANGED or person.judged_beyond_repair is True
    hidden = person.conflict is Conflict.COVERT or person.talking_stopped is True
    disagreement = open_conflict or ended or hidden or bool(conflict_events) or bool(worse_after)
    quiet = _quiet_signs(person)
    if person.expectations_met is True:
        return None
    symptoms = person.symptoms_follow_contact or bool(worse_after)
    strong = person.expectations_met is False and (disagreement or bool(quiet))
    if not strong and not (disagreement or symptoms):
        return None
    minor = person.importance is not None and person.importance <= MINOR_IMPORTANCE
    moved_out = _moved_out(person)
    changed = bool(conflict_events) or bool(person.recent_change) or moved_out
    timed = bool(conflict_events) and timing.precise
    corroborated = timed or bool(person.recent_change)
    also: tuple[Rule, ...] = (Rule.DISPUTE_WORSENED_AFTER_CONFLICT,) if worse_after else ()
    if strong and not minor:
        status = Status.SUGGESTED
        dated_or_open = open_conflict or bool(conflict_events)
        sure = dated_or_open and (corroborated or symptoms)
        if dated_or_open and not sure and conflict_events and timing.vague:
            notes.add_once(ProblemArea.ROLE_DISPUTE, timing.vague_note())
            also = (*also, Rule.ONSET_VAGUE)
        confidence = Confidence.HIGH if sure else Confidence.MEDIUM
    else:
        status, confidence = Status.POSSIBLE, Confidence.LOW
    stage, recorded = _stage(person)
    return _Finding(
        area=ProblemArea.ROLE_DISPUTE,
        status=status,
        confidence=confidence,
        rule=Rule.DISPUTE_UNMET_WITH_CONFLICT if strong else Rule.DISPUTE_INCOMPLETE,
        evidence=_dispute_evidence(
            case, person, conflict_events, worse_after, quiet, timing, minor=minor
        ),
        people=(pid,),
        proximity=min((timing.proximity(e.when) for e in conflict_events), default=None),
        importance=person.importance,
        stage=stage,
        stage_recorded=recorded,
        link=int(changed) + int(symptoms),
        closeness=person.closeness_now,
        also=also,
    )


def _dispute_evidence(
    case: Case,
    person: Relationship,
    conflict_events: Sequence[LifeEvent],
    worse_after: Sequence[LifeEvent],
    quiet: Sequence[str],
    timing: _Timing,
    *,
    minor: bool,
) -> tuple[Evidence, ...]:
    who = _who(person)
    symptoms = variant_config(case.variant).symptoms_noun
    lines: list[str] = []
    if person.expectations_met is False:
        lines.append(f"{who}: expectations are not met{_expectations_detail(person)}.")
    elif person.expectations_met is None:
        lines.append(f"{who}: whether expectations are met is not recorded.")
    if person.conflict is Conflict.OPEN:
        lines.append(f"{who}: they disagree openly.")
    if person.conflict is Conflict.COVERT:
        lines.append(f"{who}: the disagreement is kept hidden.")
    if person.talking_stopped is True:
        lines.append(f"{who}: they have stopped talking about it.")
    if person.status is LifeStatus.ESTRANGED:
        lines.append(f"{who}: estranged.")
    if person.judged_beyond_repair is True:
        lines.append(f"{who}: the relationship is seen as beyond repair.")
    lines.extend(f"{who}: {sign}." for sign in quiet)
    if person.symptoms_follow_contact:
        lines.append(f"{who}: {symptoms} tend to follow contact.")
    if person.recent_change:
        lines.append(f"{who}: changed around the onset — {person.recent_change.rstrip('.')}.")
    if minor:
        lines.append(
            f"{who}: rated {person.importance} of 5 for importance, so not clearly a key "
            "relationship."
        )
    evidence = [Evidence(SourceKind.RELATIONSHIP, person.person_id, line) for line in lines]
    evidence.extend(
        Evidence(
            SourceKind.EVENT,
            event.event_id,
            f"Conflict with {who}: {_quoted(event)} ({event.when}), {timing.relative(event.when)}"
            + (f"; the {symptoms} got worse after it" if event.symptoms_worsened else "")
            + f".{_eating_note(event)}",
        )
        for event in conflict_events
    )
    evidence.extend(
        Evidence(
            SourceKind.EVENT,
            event.event_id,
            f"The {symptoms} got worse after a conflict with {who}: {_quoted(event)} "
            f"({event.when}), {timing.relative(event.when)}.{_eating_note(event)}",
        )
        for event in worse_after
        if event not in conflict_events
    )
    return tuple(evidence)


def _eating_note(event: LifeEvent) -> str:
    """The eating-symptom note of an event, shown with it when it is evidence (§3.5)."""
    note = event.ed_symptom_note.strip().rstrip(".")
    return f" Eating symptoms at the time: {note}." if note else ""


def _moved_out(person: Relationship) -> bool:
    return (
        person.closeness_now is not None
        and person.closeness_before is not None
        and person.closeness_now > person.closeness_before
    )


def _quiet_signs(person: Relationship) -> list[str]:
    """Signs of a dispute kept quiet. They count only alongside unmet expectations, because
    avoiding a topic or drifting apart has other causes too (PRODUCT reading of §3.7)."""
    signs = []
    if person.topics_avoided:
        signs.append("avoids talking about " + ", ".join(person.topics_avoided))
    if _moved_out(person):
        signs.append(
            f"moved out from ring {person.closeness_before} to ring {person.closeness_now} of "
            "the closeness circle since the onset"
        )
    return signs


def _stage(person: Relationship) -> tuple[DisputeStage | None, bool]:
    """The dispute stage: the therapist's record wins; otherwise inferred from the inventory.

    Source: ipt-method.md §3.2 stage table (FIRM [S6][S20]) and R08; decisions.md §11 (the
    therapist records what the data cannot show). Inference (PRODUCT): estranged or judged
    beyond repair → dissolution; open conflict with both still trying → renegotiation; talking
    stopped, hidden conflict, avoided topics or no longer trying → impasse; other open conflict
    → renegotiation.
    """
    if person.dispute_stage is not None:
        return person.dispute_stage, True
    if person.status is LifeStatus.ESTRANGED or person.judged_beyond_repair is True:
        return DisputeStage.DISSOLUTION, False
    open_conflict = person.conflict is Conflict.OPEN
    if open_conflict and person.trying_to_resolve is True:
        return DisputeStage.RENEGOTIATION, False
    if (
        person.talking_stopped is True
        or person.conflict is Conflict.COVERT
        or person.topics_avoided
        or person.trying_to_resolve is False
    ):
        return DisputeStage.IMPASSE, False
    if open_conflict:
        return DisputeStage.RENEGOTIATION, False
    return None, False


def _expectations_detail(person: Relationship) -> str:
    parts = []
    if person.patient_expectations:
        parts.append("they expect: " + "; ".join(person.patient_expectations))
    if person.other_expectations:
        parts.append("the other person expects: " + "; ".join(person.other_expectations))
    return f" ({' — '.join(parts)})" if parts else ""


# --- Role transition -------------------------------------------------------------------------


def _transitions(case: Case, timing: _Timing, notes: _Notes) -> list[_Finding]:
    """Role transition: a life change in the window around the onset.

    Source: ipt-method.md §3.3 "Identify when" (FIRM [S2][S8][S20]) and its list of domains;
    §3.7 (PRODUCT: events within the window of onset). A change after the window, while the
    episode continues, may keep it going (§3.0 "onset or persistence") and is possible only.
    Where the variant counts non-death losses as grief, those events go to grief instead
    (§3.1 VARIANT).

    Symptoms that got worse after the change (§2.3: the timeline shows how symptoms track
    events; §3.0 "onset or persistence", FIRM) tie it to the episode whatever its date: after
    the window, or with no onset recorded, such a change is suggested (medium confidence); well
    before a recorded onset it is possible, and the onset may be later than the true start
    (PRODUCT). Within the window a worsening corroborates the change.
    """
    losses_are_grief = not variant_config(case.variant).grief_requires_death
    findings = []
    for event in case.events:
        if event.kind not in TRANSITION_KINDS:
            continue
        if losses_are_grief and event.kind in NON_DEATH_LOSS_KINDS:
            notes.add(
                ProblemArea.ROLE_TRANSITION,
                f"{_quoted(event)} is counted as a loss under grief in this variant.",
            )
            continue
        finding = _transition(case, event, timing, notes)
        if finding is not None:
            findings.append(finding)
    return findings


def _transition(case: Case, event: LifeEvent, timing: _Timing, notes: _Notes) -> _Finding | None:
    """One life change as a transition finding, or ``None`` (rules as in :func:`_transitions`)."""
    near = timing.in_window(event.when)
    after = timing.after_window(event.when)
    worse = event.symptoms_worsened
    config = variant_config(case.variant)
    symptoms = config.symptoms_noun
    why = f"A life change: {_quoted(event)} ({event.when}), {timing.relative(event.when)}"
    also: tuple[Rule, ...] = ()
    if near:
        timed = timing.onset_known and event.when.precision is not DatePrecision.YEAR
        sure = (timed and timing.precise) or worse
        if timed and not sure:
            notes.add_once(ProblemArea.ROLE_TRANSITION, timing.vague_note())
            also = (Rule.ONSET_VAGUE,)
        status, confidence = Status.SUGGESTED, Confidence.HIGH if sure else Confidence.MEDIUM
        rule = Rule.TRANSITION_NEAR_ONSET
        if worse:
            why += f"; the {symptoms} got worse after it"
            also = (*also, Rule.TRANSITION_WORSENED_AFTER)
    elif worse and (after or not timing.onset_known):
        status, confidence = Status.SUGGESTED, Confidence.MEDIUM
        rule = Rule.TRANSITION_WORSENED_AFTER
        why += f"; the {symptoms} got worse after it, so it may be keeping the episode going"
    elif worse:
        status, confidence = Status.POSSIBLE, Confidence.LOW
        rule = Rule.TRANSITION_WORSENED_AFTER
        why += (
            f"; it is well before the onset, but the {symptoms} got worse after it. Check "
            f"whether {config.illness_noun} began earlier than recorded"
        )
    elif after:
        status, confidence = Status.POSSIBLE, Confidence.LOW
        rule = Rule.TRANSITION_SINCE_ONSET
        why += "; it came after the episode began and may be keeping it going"
    else:
        notes.add(
            ProblemArea.ROLE_TRANSITION,
            f"{_quoted(event)} ({event.when}) is well before {timing.name}.",
        )
        return None
    return _Finding(
        area=ProblemArea.ROLE_TRANSITION,
        status=status,
        confidence=confidence,
        rule=rule,
        evidence=(Evidence(SourceKind.EVENT, event.event_id, why + "." + _eating_note(event)),),
        people=event.people,
        proximity=timing.proximity(event.when),
        importance=_importance(case, event.people),
        link=int(near) + int(worse),
        closeness=_closeness(case, event.people),
        also=also,
    )


# --- Interpersonal deficits ------------------------------------------------------------------


def _deficits(case: Case, findings: Sequence[_Finding]) -> AreaAssessment:
    """Interpersonal deficits (sensitivity): only when no other area applies.

    Source: ipt-method.md §3.4 (FIRM, Weissman 2018 [S6]): a residual category — no relevant
    death, few relationships, no recent change; chronic isolation. §3.6 and R06 (FIRM): never
    while a grief, dispute or transition signal is present; a discovered death overrides it.
    §9 and ``VariantConfig.deficits_allowed`` (VARIANT): Stuart & Robertson has no such area.
    IPT-ED reading (§3.4 [S13]): poor-quality, unfulfilling ties count as well as absent ones.
    """
    area = ProblemArea.INTERPERSONAL_DEFICITS
    config = variant_config(case.variant)
    if not config.deficits_allowed:
        return _excluded(
            area,
            f"The {config.short_name} variant has no interpersonal deficits area; it works with "
            "grief and loss, disputes and transitions.",
            Rule.DEFICITS_NOT_IN_VARIANT,
        )
    if any(f.relevant_death for f in findings):
        return _excluded(
            area,
            "A death is recorded that may bear on the episode, and a discovered death "
            "overrides interpersonal deficits.",
            Rule.DEFICITS_DEATH_OVERRIDES,
        )
    set_aside = tuple(_unique(f.death_set_aside for f in findings if f.death_set_aside))
    findings = [f for f in findings if not f.death_set_aside]
    suggested = sorted({f.area for f in findings if f.status is Status.SUGGESTED})
    if suggested:
        return _excluded(
            area,
            f"{_area_list(suggested)} {'apply' if len(suggested) > 1 else 'applies'}; "
            "interpersonal deficits is used only when no "
            "grief, dispute or transition can be found.",
            Rule.DEFICITS_RESIDUAL,
        )
    if not case.relationships:
        return _excluded(
            area,
            "No relationships are recorded yet; complete the inventory before considering "
            "interpersonal deficits.",
            Rule.DEFICITS_SUPPORT,
        )
    evidence = _deficit_signals(case)
    if not evidence:
        return _excluded(
            area,
            "The inventory shows close, regular or confiding relationships, and nothing else "
            "suggests isolation.",
            Rule.DEFICITS_SUPPORT,
        )
    possible_elsewhere = sorted({f.area for f in findings})
    held_back: tuple[str, ...] = ()
    if len(evidence) >= 2 and not possible_elsewhere:
        status = Status.SUGGESTED
        confidence = Confidence.HIGH if len(evidence) >= 3 else Confidence.MEDIUM
    else:
        status, confidence = Status.POSSIBLE, Confidence.LOW
        if possible_elsewhere:
            held_back = (
                f"Held back to possible: {_area_list(possible_elsewhere)} may apply, and "
                "interpersonal deficits comes only after the other areas are excluded.",
            )
    rules = (
        (Rule.DEFICITS_SUPPORT, Rule.DEFICITS_RESIDUAL) if held_back else (Rule.DEFICITS_SUPPORT,)
    )
    if set_aside:
        rules = (*rules, Rule.DEFICITS_DEATH_SET_ASIDE)
    return AreaAssessment(
        area=area,
        status=status,
        confidence=confidence,
        evidence=tuple(evidence),
        exclusions=(*set_aside, *held_back),
        rules=rules,
    )


def _deficit_signals(case: Case) -> list[Evidence]:
    """The signals of thin or unfulfilling ties (ipt-method.md §3.4, §3.7 signal map; PRODUCT
    thresholds ``FEW_TIES`` and ``CLOSE_RINGS``)."""
    living = [r for r in case.relationships if r.status is LifeStatus.ALIVE]
    signals: list[Evidence] = []

    def add(text: str, source: SourceKind = SourceKind.INVENTORY) -> None:
        signals.append(Evidence(source, source.value, text))

    if len(living) <= FEW_TIES:
        add(f"Few relationships: {len(living)} living and in touch recorded in the inventory.")
    rings = [r.closeness_now for r in living if r.closeness_now is not None]
    if rings and min(rings) > CLOSE_RINGS:
        add(f"No one is placed in the inner {CLOSE_RINGS} rings of the closeness circle.")
    contact = [r.contact_frequency for r in living if r.contact_frequency is not None]
    if contact and not REGULAR_CONTACT.intersection(contact):
        add("Contact with everyone is monthly or less.")
    confide = [r.can_confide for r in living if r.can_confide is not None]
    if confide and not any(confide):
        add("There is no one they can confide in.")
    unfulfilling = [r for r in living if r.expectations_met is False]
    if len(unfulfilling) >= 2:
        add(
            "Several relationships leave expectations unmet: "
            + ", ".join(_who(r) for r in unfulfilling)
            + "."
        )
    if case.chronic_course:
        add("The course is chronic: long-standing low mood.", SourceKind.ONSET)
    return signals


# --- Combining -------------------------------------------------------------------------------

_STATUS_ORDER = {Status.SUGGESTED: 0, Status.POSSIBLE: 1, Status.EXCLUDED: 2}
_CONFIDENCE_ORDER = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}


def _finding_key(f: _Finding) -> tuple[int, int, int, int]:
    return (
        _STATUS_ORDER[f.status],
        _CONFIDENCE_ORDER[f.confidence],
        f.proximity if f.proximity is not None else 1 << 30,
        -(f.importance or 0),
    )


def _assess(
    area: ProblemArea,
    findings: list[_Finding],
    notes: list[str],
    case: Case,
    timing: _Timing,
) -> AreaAssessment:
    if not findings:
        return AreaAssessment(
            area=area,
            status=Status.EXCLUDED,
            confidence=None,
            evidence=(),
            exclusions=(_no_signal_reason(area, case, timing), *notes),
            rules=(Rule.GRIEF_NEEDS_DEATH,) if _needs_death(area, case) else (),
        )
    findings = sorted(findings, key=_finding_key)
    best = findings[0]
    stage_source = next((f for f in findings if f.stage is not None), None)
    return AreaAssessment(
        area=area,
        status=best.status,
        confidence=best.confidence,
        evidence=tuple(_unique(e for f in findings for e in f.evidence)),
        exclusions=tuple(notes),
        rules=tuple(_unique(r for f in findings for r in (f.rule, *f.also))),
        people=tuple(_unique(p for f in findings for p in f.people)),
        dispute_stage=stage_source.stage if stage_source else None,
        dispute_stage_recorded=stage_source.stage_recorded if stage_source else False,
    )


def _needs_death(area: ProblemArea, case: Case) -> bool:
    return area is ProblemArea.GRIEF and variant_config(case.variant).grief_requires_death


def _no_signal_reason(area: ProblemArea, case: Case, timing: _Timing) -> str:
    """Why an area found nothing: grief needs a death (R07, VARIANT); a dispute needs unmet
    expectations with conflict (§3.2, FIRM); a transition needs a dated change near the onset
    (§3.3 FIRM, R09 CONVENTION)."""
    if area is ProblemArea.GRIEF:
        if _needs_death(area, case):
            return (
                "Grief needs a death in this variant, and no significant death near the onset, "
                "or with signs of a complicated course, is recorded."
            )
        return "No death or other loss is recorded near the onset."
    if area is ProblemArea.ROLE_DISPUTE:
        return (
            "No current relationship shows unmet expectations together with open or hidden "
            "conflict."
        )
    return f"No life change on the timeline falls {timing.window_text()} or since."


def _excluded(area: ProblemArea, reason: str, rule: Rule) -> AreaAssessment:
    return AreaAssessment(
        area=area,
        status=Status.EXCLUDED,
        confidence=None,
        evidence=(),
        exclusions=(reason,),
        rules=(rule,),
    )


FIXED_ORDER = (ProblemArea.GRIEF, ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION)
"""The last resort when two areas are level on every ranking rule (PRODUCT): grief first, as a
death must not be missed (ipt-method.md §3.1 "hidden" deaths, §3.6 a discovered death
overrides); then a dispute, as it is with a current person and can be worked on directly; then a
transition. Such a tie is always shown to the therapist as a tie."""


def _rank(assessments: list[AreaAssessment], findings: Sequence[_Finding]) -> list[AreaAssessment]:
    """Order the areas by stated rules, best first; name any tie that the rules cannot break.

    Source: ipt-method.md §3.6 priority (CONVENTION/PRODUCT) and §3.7: first the area tied to
    the onset or persistence of the episode, then the one most important to the person,
    deficits last. Spelled out (PRODUCT):

    1. status (suggested, possible, excluded); deficits after the other areas;
    2. how strongly the area is tied to the episode (``link``: 0–2 points, one for timing —
       dated near the onset, or for a dispute a relationship that changed around it — and one
       for symptoms — they follow contact, got worse after the event, or are linked to the
       death);
    3. confidence;
    4. importance the service user gives the people involved;
    5. days between the dated evidence and the onset (dated evidence before undated), then how
       close the people involved are on the circle (inner ring first);
    6. the amount of evidence recorded;
    7. otherwise the areas are level: :data:`FIXED_ORDER` places them and each is marked as
       level with the other, so the therapist can see the order is not a preference.
    """

    def key(a: AreaAssessment) -> tuple[int, ...]:
        mine = [f for f in findings if f.area is a.area and f.status is a.status]
        rings = [f.closeness for f in mine if f.closeness is not None]
        return (
            _STATUS_ORDER[a.status],
            a.area is ProblemArea.INTERPERSONAL_DEFICITS,
            -max((f.link for f in mine), default=0),
            _CONFIDENCE_ORDER[a.confidence] if a.confidence else 3,
            -max((f.importance or 0 for f in mine), default=0),
            min((f.proximity for f in mine if f.proximity is not None), default=1 << 30),
            min(rings, default=1 << 10),
            -len(a.evidence),
        )

    def fixed(a: AreaAssessment) -> int:
        return FIXED_ORDER.index(a.area) if a.area in FIXED_ORDER else len(FIXED_ORDER)

    ranked = sorted(assessments, key=lambda a: (*key(a), fixed(a)))
    keys = [key(a) for a in ranked]
    result = []
    for i, a in enumerate(ranked):
        level = [
            other.area
            for j, other in enumerate(ranked)
            if j != i and keys[j] == keys[i] and other.status is not Status.EXCLUDED
        ]
        if level and a.status is not Status.EXCLUDED:
            a = replace(
                a,
                exclusions=(
                    *a.exclusions,
                    f"Level with {_area_list(level).lower()} on every ranking rule; the order "
                    "shown between them is not a preference. Choose with the service user.",
                ),
                rules=(*a.rules, Rule.LEVEL),
            )
        result.append(a)
    return result


def _cap_suggested(ranked: list[AreaAssessment]) -> tuple[AreaAssessment, ...]:
    """Never more than two suggested areas: later ones are held back to possible.

    Source: decisions.md §9 (PRODUCT hard limit); ipt-method.md §3.6 and R05 (one preferred,
    at most two).
    """
    kept = 0
    result = []
    for a in ranked:
        if a.status is Status.SUGGESTED:
            kept += 1
            if kept > MAX_SUGGESTED:
                a = replace(
                    a,
                    status=Status.POSSIBLE,
                    exclusions=(
                        *a.exclusions,
                        f"Held back to possible: no more than {MAX_SUGGESTED} focus areas are "
                        "suggested, and the others rank higher.",
                    ),
                    rules=(*a.rules, Rule.AT_MOST_TWO),
                )
        result.append(a)
    return tuple(sorted(result, key=lambda a: _STATUS_ORDER[a.status]))


def _no_focus_reason(
    case: Case, ranked: Sequence[AreaAssessment], findings: Sequence[_Finding]
) -> str | None:
    """Why no area is suggested (decisions.md §10 "no focus indicated yet", PRODUCT; §11 and
    ipt-method.md §11 for a recent normal bereavement)."""
    if any(a.status is Status.SUGGESTED for a in ranked):
        return None
    normal_grief = [f.normal_grief_note for f in findings if f.normal_grief_note]
    if normal_grief:
        detail = " ".join(normal_grief)
    elif not case.relationships and not case.events:
        detail = "The inventory and the timeline are empty."
    elif any(a.status is Status.POSSIBLE for a in ranked):
        detail = (
            "Only weaker signals were found; check the possible areas with the service user "
            "and complete the inventory and timeline."
        )
    else:
        detail = (
            "Nothing in the inventory or the timeline points to a problem area. Check for a "
            "death not yet mentioned, a hidden disagreement or a change around the onset."
        )
    return f"No focus indicated yet. {detail}"


# --- Small helpers ---------------------------------------------------------------------------


def _timing(case: Case, windows: SuggestionWindows) -> _Timing:
    reference = case.onset or ApproxDate(case.assessed_on)
    end = case.onset_until or reference
    return _Timing(
        reference=reference,
        reference_end=end,
        onset_known=case.onset is not None,
        window_start=reference.first_day - windows.before_onset,
        window_end=end.last_day + windows.after_onset,
    )


def _importance(case: Case, people: Iterable[str]) -> int | None:
    ratings = [p.importance for pid in people if (p := case.person(pid)) and p.importance]
    return max(ratings, default=None)


def _closeness(case: Case, people: Iterable[str]) -> int | None:
    rings = [p.closeness_now for pid in people if (p := case.person(pid)) and p.closeness_now]
    return min(rings, default=None)


def _is_deceased(person: Relationship | None) -> bool:
    return person is not None and person.status is LifeStatus.DECEASED


def _who(person: Relationship) -> str:
    roles = [person.relationship_type.value.replace("_", " ")]
    if person.second_type is not None:
        roles.append(person.second_type.value.replace("_", " "))
    return f"{person.label} ({' and '.join(roles)})"


def _quoted(event: LifeEvent) -> str:
    return f"“{event.description}”"


def _on(when: ApproxDate) -> str:
    return f"on {when}" if when.precision is DatePrecision.DAY else f"in {when}"


_PRECISION_ORDER = {DatePrecision.DAY: 0, DatePrecision.MONTH: 1, DatePrecision.YEAR: 2}


def _middle(span: ApproxDate) -> date:
    return date.fromordinal((span.first_day.toordinal() + span.last_day.toordinal()) // 2)


def _day(d: date) -> str:
    return str(ApproxDate(d))


def _duration(days: int) -> str:
    if days < 14:
        return f"{days} day" + ("" if days == 1 else "s")
    if days < 63:
        return f"{round(days / 7)} weeks"
    if days < 730:
        return f"{round(days / 30.44)} months"
    return f"{round(days / 365.25)} years"


def _area_list(areas: Sequence[ProblemArea]) -> str:
    names = {
        ProblemArea.GRIEF: "grief",
        ProblemArea.ROLE_DISPUTE: "a role dispute",
        ProblemArea.ROLE_TRANSITION: "a role transition",
        ProblemArea.INTERPERSONAL_DEFICITS: "interpersonal deficits",
    }
    words = [names[a] for a in areas]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


def _events_by_person(events: Iterable[LifeEvent]) -> dict[str, list[LifeEvent]]:
    """The events naming each person id, in the order given.

    Built once, so that finding each relationship's events keeps the suggester linear in the
    size of the case rather than scanning the whole timeline once per person.
    """
    by_person: dict[str, list[LifeEvent]] = {}
    for event in events:
        for person_id in dict.fromkeys(event.people):
            by_person.setdefault(person_id, []).append(event)
    return by_person


def _unique(items: Iterable[_H]) -> list[_H]:
    """The items without repeats, each where it first appears (a dict keeps insertion order)."""
    return list(dict.fromkeys(items))


__all__ = [
    "DEFAULT_WINDOWS",
    "MAX_SUGGESTED",
    "AreaAssessment",
    "Confidence",
    "Evidence",
    "FocusSuggestion",
    "Rule",
    "SourceKind",
    "Status",
    "suggest",
]
