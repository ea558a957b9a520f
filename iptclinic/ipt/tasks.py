"""The checklist of what a therapist covers in one session.

Source: ``domain/ipt-method.md`` §1.2 (initial tasks), §1.3 (middle), §1.4 (ending), §1.7 (session
plan templates, PRODUCT), §7 R04, R10, R12, R19, R20. The order follows §1.7; codes are stored in
the database, so they never change once released.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from iptclinic.ipt.phases import (
    Phase,
    ending_must_be_raised_by,
    ending_prompt_from,
    phase_for_session,
    phase_plan,
)
from iptclinic.ipt.variants import Variant


@dataclass(frozen=True)
class Task:
    """One item on a session checklist: a stable ``code`` and a plain label for staff."""

    code: str
    label: str
    phase: Phase


# Measures and a risk check open every session (R12, R13: FIRM in NHS Talking Therapies).
_EVERY_SESSION = (
    ("measures", "Complete the questionnaires and look at the scores together"),
    ("risk_check", "Check risk: suicidal thoughts, self-harm, harm to others, safeguarding"),
)

# §1.2 I-1 to I-7 (I-3, risk, is the shared risk check above).
_INITIAL = (
    ("symptom_review", "Review symptoms and agree the diagnosis"),
    ("history_and_medication", "Go over past episodes and treatment; consider medication"),
    (
        "psychoeducation",
        "Explain the illness as common, treatable and not the person's fault; give the sick role",
    ),
    ("inventory", "Build the interpersonal inventory: the important people and how things are"),
    ("timeline", "Build the timeline: what was happening when the symptoms started"),
)

# §1.2 I-8 to I-10: the middle phase cannot start without them (R04, FIRM).
_INITIAL_CLOSE = (
    (
        "formulation",
        "Offer the formulation linking the symptoms to one or two problem areas; check agreement",
    ),
    ("treatment_agreement", "Record the agreement: number of sessions, end date, focus and goals"),
)

# §1.3.
_MIDDLE = (
    (
        "interval_question",
        "Ask how things have been since last time; link mood changes to events with people",
    ),
    (
        "focus_work",
        "Work on the agreed focus with its strategies, starting from a recent event that stirred "
        "strong feelings",
    ),
    ("techniques", "Note the techniques used, such as communication analysis or role play"),
    ("options_to_try", "Agree what the person will try with others before next time"),
)

# §1.4 and R19 (content FIRM in the manuals).
_ENDING = (
    ("ending_feelings", "Talk about feelings about the ending, and about past losses"),
    ("progress_review", "Review progress on symptoms and on the focus"),
    ("credit_gains", "Give the person credit for the changes they have made"),
    ("warning_signs", "Agree early warning signs and a plan if they come back"),
    ("future_goals", "Agree goals to keep working on after therapy"),
)

# §1.4 and R20: if IPT did not help, the treatment failed, not the person.
_FINAL = (
    (
        "next_steps",
        "Decide what happens next: discharge, continuation or maintenance under a new "
        "agreement, or referral on to another treatment",
    ),
)


TASK_LABELS: dict[str, str] = {
    code: label
    for group in (_EVERY_SESSION, _INITIAL, _INITIAL_CLOSE, _MIDDLE, _ENDING, _FINAL)
    for code, label in group
}
"""Every checklist item's code and its label: a record's ticked items in words (subject access)."""


# Any of these ticked in a session record means the ending has been discussed (R10, R19): the
# reminder offered before the ending phase, or the ending phase's own work.
ENDING_TASK_CODES: frozenset[str] = frozenset(
    {"raise_ending", *(code for code, _label in (*_ENDING, *_FINAL))}
)


def raises_the_ending(tasks_done: Iterable[str]) -> bool:
    """Whether the tasks ticked in one session record show that the ending was discussed."""
    return not ENDING_TASK_CODES.isdisjoint(tasks_done)


def session_checklist(
    number: int,
    contracted: int,
    variant: Variant = Variant.LEAFLET,
    *,
    focus_agreed: bool = True,
) -> tuple[Task, ...]:
    """The tasks for attended session ``number`` of ``contracted``, in the order to do them.

    The phase comes from :func:`~iptclinic.ipt.phases.phase_for_session`. The formulation and
    agreement appear on the last initial session, and on every later session while the initial
    phase runs long (``focus_agreed=False``). From ``ending_prompt_from`` until the ending phase a
    "raise_ending" task keeps the time limit in view (R10, FIRM); it applies to an initial phase
    running that long too, because the time limit holds whatever the phase.
    """
    phase = phase_for_session(number, contracted, variant, focus_agreed=focus_agreed)
    after = contracted - number
    items: list[tuple[str, str]] = list(_EVERY_SESSION)

    if phase is Phase.INITIAL:
        items.extend(_INITIAL)
        if number >= phase_plan(contracted, variant).initial[-1]:
            items.extend(_INITIAL_CLOSE)
    elif phase is Phase.MIDDLE:
        items.extend(_MIDDLE)
        items.append(
            ("sessions_remaining", f"Say how many sessions are left: {after} after this one")
        )
    else:
        items.extend(_ENDING)
        if after == 0:
            items.extend(_FINAL)

    if phase is not Phase.ENDING and number >= ending_prompt_from(contracted, variant):
        deadline = ending_must_be_raised_by(contracted, variant)
        items.append(
            (
                "raise_ending",
                f"Talk about the ending: {_left(after)} (raise it by session {deadline})",
            )
        )

    return tuple(Task(code=code, label=label, phase=phase) for code, label in items)


def _left(after: int) -> str:
    noun = "session" if after == 1 else "sessions"
    return f"{after} {noun} left after this one"
