"""The ending of a course: what the final sessions must cover and what happens next.

Source: ``domain/ipt-method.md`` §1.4 (termination tasks, FIRM in the manuals), §1.5 (maintenance
under a separate contract), §7 R19 (final checklist, CONVENTION with FIRM content), R20 (if IPT
did not help, the treatment failed, not the person: FIRM), R21 (continuation or maintenance needs
a new contract: FIRM); ``decisions.md`` §6 (early endings), §7 (a continuation course joins its
referral) and §21 (consent to share a relapse plan with a named person).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class EndingKind(StrEnum):
    """A full ending in the final sessions, or the shorter record of an early ending."""

    FULL = "full"
    EARLY = "early"


class Disposition(StrEnum):
    """What happens after the course (ipt-method.md §1.4 last task, §8 disposition, R20, R21)."""

    DISCHARGE = "discharge"
    CONTINUATION = "continuation"
    MAINTENANCE = "maintenance"
    REFER_ON = "refer_on"


DISPOSITION_LABELS: Mapping[Disposition, str] = MappingProxyType(
    {
        Disposition.DISCHARGE: "Discharge: no further IPT is needed now",
        Disposition.CONTINUATION: "Continuation IPT under a new contract",
        Disposition.MAINTENANCE: "Maintenance IPT under a new contract",
        # R20 (FIRM): the words put the failure on the treatment, never on the person.
        Disposition.REFER_ON: "IPT has not helped enough: another treatment is offered",
    }
)

KIND_LABELS: Mapping[EndingKind, str] = MappingProxyType(
    {EndingKind.FULL: "Ending of a completed course", EndingKind.EARLY: "Early ending"}
)

# A course that stopped early has no final sessions to plan more IPT in; a new course can still be
# opened on the referral later (decisions.md §7).
DISPOSITIONS_FOR: Mapping[EndingKind, tuple[Disposition, ...]] = MappingProxyType(
    {
        EndingKind.FULL: tuple(Disposition),
        EndingKind.EARLY: (Disposition.DISCHARGE, Disposition.REFER_ON),
    }
)

# R19: each task of the final checklist and the field that records it, in the order of §1.4.
FULL_ENDING_ITEMS: tuple[tuple[str, str], ...] = (
    ("feelings_about_ending", "feelings about the ending"),
    ("progress_review", "the review of progress on symptoms and on the focus"),
    ("what_helped", "the person's own account of what helped"),
    ("warning_signs", "personal early warning signs"),
    ("relapse_plan", "what to do if the warning signs come back"),
    ("future_goals", "goals to keep working on"),
)
EARLY_ENDING_ITEMS: tuple[tuple[str, str], ...] = (
    ("early_summary", "what was covered before the course ended"),
)


@dataclass(frozen=True)
class EndingAnswers:
    """What the ending record holds, as plain values (empty text: not recorded)."""

    kind: EndingKind
    feelings_about_ending: str = ""
    past_losses: str = ""
    progress_review: str = ""
    what_helped: str = ""
    warning_signs: str = ""
    relapse_plan: str = ""
    future_goals: str = ""
    share_plan: bool = False
    share_with_name: str = ""
    share_consent_on: date | None = None
    disposition: Disposition | None = None
    alternative_plan: str = ""
    early_summary: str = ""


def ending_gaps(answers: EndingAnswers, *, today: date | None = None) -> tuple[str, ...]:
    """What is still missing before the ending is complete, each as a plain sentence.

    An empty tuple means the record is complete. A full ending needs every task of the final
    checklist (R19) and a disposition; an early ending needs a summary and a disposition. Past
    losses are asked about but may not come up, so they are never required (§1.4). Referring on
    needs the other treatment offered (R20). Sharing the relapse plan needs the person named and
    the date they consented (decisions.md §21), which cannot be in the future.
    """
    items = FULL_ENDING_ITEMS if answers.kind is EndingKind.FULL else EARLY_ENDING_ITEMS
    gaps = [f"Record {label}." for name, label in items if not getattr(answers, name).strip()]
    if answers.disposition is None:
        gaps.append("Choose what happens next.")
    elif answers.disposition not in DISPOSITIONS_FOR[answers.kind]:
        gaps.append(
            "After an early ending, choose discharge or another treatment: more IPT needs a new "
            "course."
        )
    elif answers.disposition is Disposition.REFER_ON and not answers.alternative_plan.strip():
        gaps.append("Record the other treatment offered and who will provide it.")
    if answers.share_plan:
        if not answers.share_with_name.strip():
            gaps.append("Name the person the relapse plan is shared with.")
        if answers.share_consent_on is None:
            gaps.append("Record the date the person agreed to share their relapse plan.")
        elif today is not None and answers.share_consent_on > today:
            gaps.append("The date of consent to share cannot be in the future.")
    return tuple(gaps)


def needs_new_contract(disposition: Disposition | None) -> bool:
    """Whether more IPT follows: continuation and maintenance are a new course with a new
    contract under the same referral (R21, FIRM; decisions.md §7)."""
    return disposition in (Disposition.CONTINUATION, Disposition.MAINTENANCE)
