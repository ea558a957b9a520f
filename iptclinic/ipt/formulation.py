"""A first draft of the interpersonal formulation, written for the service user to read.

Source: ``domain/ipt-method.md`` §0.1 (the episode is an illness the person is not to blame
for, FIRM), §0.4 "Interpersonal formulation" (names the diagnosis, links it to a problem area,
proposes the time-limited plan [S5][S8][S18]), §7 R04–R05 (one or two areas), §3.1 and §9 (in
the Stuart & Robertson variant grief covers losses other than a death, VARIANT). The therapist
edits the draft and the person agrees it (R28); nothing here is final.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from iptclinic.ipt.case import LifeEvent
from iptclinic.ipt.focus import MAX_SUGGESTED
from iptclinic.ipt.problem_areas import AreaMeaning, ProblemArea, area_meaning
from iptclinic.ipt.variants import Variant

_LINK: Mapping[AreaMeaning, str] = MappingProxyType(
    {
        AreaMeaning.GRIEF: (
            "the death of someone important to you. Grieving can get stuck, especially when "
            "the feelings are hard to face or there has been no room for them."
        ),
        AreaMeaning.GRIEF_AND_LOSS: (
            "losing someone or something important to you. It might be a death, a relationship "
            "that ended, your health or your work. Grieving a loss can get stuck, especially "
            "when the feelings are hard to face."
        ),
        AreaMeaning.ROLE_DISPUTE: (
            "a disagreement with someone who matters to you. You want different things from "
            "each other, and it has not been sorted out. That would wear anyone down."
        ),
        AreaMeaning.ROLE_TRANSITION: (
            "a big change in your life. A change brings losses as well as new demands, even "
            "when some of it is good. Getting used to it takes time and support."
        ),
        AreaMeaning.INTERPERSONAL_DEFICITS: (
            "feeling alone, or finding it hard to get close to people and stay close. Feeling "
            "low makes this harder, and feeling alone makes the low feelings worse."
        ),
    }
)

_WORK: Mapping[AreaMeaning, str] = MappingProxyType(
    {
        AreaMeaning.GRIEF: (
            "the person who died and your time together, making room for the feelings, and "
            "finding support and things that matter to you again"
        ),
        AreaMeaning.GRIEF_AND_LOSS: (
            "what you lost and what it meant to you, making room for the feelings, and finding "
            "support and things that matter to you again"
        ),
        AreaMeaning.ROLE_DISPUTE: (
            "what you and the other person each expect, and new ways to talk it through"
        ),
        AreaMeaning.ROLE_TRANSITION: (
            "what you have lost, what the new situation could offer, and the support you need"
        ),
        AreaMeaning.INTERPERSONAL_DEFICITS: (
            "how your relationships tend to go, and small steps towards people"
        ),
    }
)


def draft_formulation(
    *,
    preferred_name: str,
    areas: Sequence[ProblemArea | str],
    key_events: Sequence[LifeEvent | str],
    key_people: Sequence[str],
    contracted_sessions: int,
    end_date_text: str,
    presenting_problem: str = "depression",
    variant: Variant = Variant.LEAFLET,
) -> str:
    """A short plain-English draft linking the illness to the chosen area(s) and the plan.

    ``key_events`` are timeline events or short phrases; ``key_people`` are the names the
    person uses. Each area is worded as ``variant`` means it (:func:`area_meaning`). Raises ``ValueError`` for a blank name or end date, no area or more than two,
    or a number of sessions below one.
    """
    name = preferred_name.strip()
    chosen = list(dict.fromkeys(area_meaning(area, variant) for area in areas))
    if not name:
        raise ValueError("The draft needs the name the person likes to be called.")
    if not 1 <= len(chosen) <= MAX_SUGGESTED:
        raise ValueError(f"Choose one or two focus areas for the draft; got {len(chosen)}.")
    if isinstance(contracted_sessions, bool) or contracted_sessions < 1:
        raise ValueError("The number of sessions must be a whole number of at least 1.")
    if not end_date_text.strip():
        raise ValueError("The draft needs the date the sessions will end.")

    paragraphs = [
        f"{name}, this is a first draft of how we understand what has been happening for you. "
        "We will read it together and change anything that does not fit.",
        f"What you have been going through has a name: {presenting_problem.strip()}. It is a "
        "common illness. It is not your fault, and it is not a sign of weakness. It can get "
        "better with treatment.",
    ]
    for i, area in enumerate(chosen):
        lead = "It seems to be linked to" if i == 0 else "It also seems to be linked to"
        paragraphs.append(f"{lead} {_LINK[area]}")
    events = [_event_text(e) for e in key_events if _event_text(e)]
    if events:
        paragraphs.append(
            "Things that happened around the time it started:\n"
            + "\n".join(f"- {e}" for e in events)
        )
    people = [p.strip() for p in key_people if p.strip()]
    if people:
        paragraphs.append(f"The people who matter most in this are {_join(people)}.")
    sessions = "session" if contracted_sessions == 1 else "sessions"
    work = [f"In them we will work on {_WORK[chosen[0]]}."]
    work += [f"We will also work on {_WORK[area]}." for area in chosen[1:]]
    paragraphs.append(
        f"We suggest {contracted_sessions} {sessions}, ending by {end_date_text.strip()}. "
        f"A set number of sessions helps us both stay focused. {' '.join(work)} We will look "
        "at what is happening with the people in your life now, and try out new ways of "
        "handling it. When things get better with people, how you feel often gets better too."
    )
    paragraphs.append(
        "Please tell me what fits, what is wrong and what is missing. This is your plan as "
        "much as mine."
    )
    return "\n\n".join(paragraphs) + "\n"


def _event_text(event: LifeEvent | str) -> str:
    if isinstance(event, LifeEvent):
        text = f"{event.description.strip().rstrip('.')} ({event.when})"
    else:
        text = event.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
