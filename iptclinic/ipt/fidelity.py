"""Adherence to IPT in one session: the checklist, its score, and where two raters differ.

Issue 13 item 2. After a session the therapist may rate how far it covered the IPT tasks of its
phase; the supervisor may rate the same session from a recording or from being present. The
checklist is the session's own task list (:func:`~iptclinic.ipt.tasks.session_checklist`, the
one the session record shows) and, in the middle phase, the strategies of the focus area(s) in
force at that session (:func:`~iptclinic.ipt.strategies.strategies_for`). Each item is scored
0 (not done), 1 (partly) or 2 (done); a strategy may also be "not this session" and is then not
counted, since a session works on some strategies, not all of them.

Source: ``domain/ipt-method.md`` §5.2 (the IPT Quality and Adherence Scale: self and supervisor
ratings of the same session are compared in supervision; item-by-item 0-2 scoring) and §1.2-1.4,
§3.1-3.4 for the items. This is a short adherence checklist for feedback in supervision, not a
validated competence scale and never a score on the therapist (PRODUCT, issue 13; docs/fidelity.md).

Plain Python, no Django: the app stores the checklist with the first rating and calls these
functions to score and compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from fractions import Fraction

from iptclinic.ipt.phases import Phase
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.strategies import strategies_for
from iptclinic.ipt.tasks import session_checklist
from iptclinic.ipt.variants import Variant

ITEM_DIFFERENCE = 2
"""Two ratings of one item differ when they are this many points apart or more (0 against 2)."""

OVERALL_DIFFERENCE = 20
"""Two ratings of one session differ overall when their scores are this many percentage points
apart or more. A convention of this product, to be reviewed with supervisors (PRODUCT)."""


class Mark(IntEnum):
    """The score of one item."""

    NOT_DONE = 0
    PARTLY = 1
    DONE = 2


MARK_LABELS: Mapping[Mark, str] = {
    Mark.NOT_DONE: "Not done",
    Mark.PARTLY: "Partly",
    Mark.DONE: "Done",
}

NOT_THIS_SESSION_LABEL = "Not this session"
"""A strategy the session did not set out to work on: left out of the score (stored as None)."""

Answer = Mark | None
"""One item's answer: a mark, or None for a strategy not worked on in this session."""

Given = Mapping[str, int | None]
"""Answers as they come in or are stored: 0, 1, 2 or None by item code."""


class ItemKind(StrEnum):
    TASK = "task"
    STRATEGY = "strategy"


@dataclass(frozen=True)
class Item:
    """One line of the checklist: a stable ``code``, the words staff read, and its kind."""

    code: str
    label: str
    kind: ItemKind

    @property
    def may_be_skipped(self) -> bool:
        """Only a strategy may be "not this session"; every task of the phase is expected."""
        return self.kind is ItemKind.STRATEGY


@dataclass(frozen=True)
class Checklist:
    phase: Phase
    items: tuple[Item, ...]


@dataclass(frozen=True)
class FocusSpell:
    """One focus decision as the rules need it: when it was chosen and when it was replaced."""

    decided_at: datetime
    superseded_at: datetime | None
    areas: tuple[str, ...]
    dispute_stage: str | None = None


def focus_in_force(spells: Iterable[FocusSpell], at: datetime) -> FocusSpell | None:
    """The focus in force at ``at``: the earliest one not yet replaced by then.

    That is the decision current at the time when one had been taken; when the first decision was
    written down only after the session (a record caught up later), it is that first decision, as
    the middle phase cannot start without an agreed focus (R04).
    """
    live = [s for s in spells if s.superseded_at is None or s.superseded_at > at]
    return min(live, key=lambda s: s.decided_at, default=None)


def checklist_for(
    number: int,
    contracted: int,
    variant: Variant = Variant.LEAFLET,
    *,
    focus_agreed: bool = True,
    focus: FocusSpell | None = None,
) -> Checklist:
    """The items to rate for attended session ``number`` of ``contracted``.

    The tasks of the session's phase, exactly as the session record lists them, then in the
    middle phase the strategies of each focus area in force (and of the dispute's stage).
    """
    tasks = session_checklist(number, contracted, variant, focus_agreed=focus_agreed)
    phase = tasks[0].phase
    items = [Item(task.code, task.label, ItemKind.TASK) for task in tasks]
    if phase is Phase.MIDDLE and focus is not None:
        stage = DisputeStage(focus.dispute_stage) if focus.dispute_stage else None
        for guide in strategies_for(focus.areas, stage, variant):
            area = ProblemArea(guide.area).value
            items.extend(
                Item(f"{area}.{i}", text, ItemKind.STRATEGY)
                for i, text in enumerate(guide.strategies, start=1)
            )
            if guide.stage is not None:
                items.extend(
                    Item(f"{area}.{guide.stage.stage.value}.{i}", text, ItemKind.STRATEGY)
                    for i, text in enumerate(guide.stage.steps, start=1)
                )
    return Checklist(phase=phase, items=tuple(items))


class RatingError(ValueError):
    """A rating that cannot be scored, with words for the person rating."""


def check_answers(items: Sequence[Item], answers: Given) -> dict[str, Answer]:
    """The answers as marks, one per item in checklist order; ``RatingError`` if any is wrong.

    Every item needs an answer; only a strategy may be "not this session" (None).
    """
    known = {item.code for item in items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise RatingError(f"These are not items of this session's checklist: {', '.join(unknown)}.")
    checked: dict[str, Answer] = {}
    missing: list[str] = []
    for item in items:
        if item.code not in answers:
            missing.append(item.label)
            continue
        value = answers[item.code]
        if value is None:
            if not item.may_be_skipped:
                raise RatingError(f"Every task of the phase needs a mark: {item.label}")
            checked[item.code] = None
        elif isinstance(value, bool) or value not in (0, 1, 2):
            raise RatingError(f"A mark is 0, 1 or 2, not {value!r}: {item.label}")
        else:
            checked[item.code] = Mark(value)
    if missing:
        raise RatingError(f"Give a mark for every item. Not yet marked: {'; '.join(missing)}")
    return checked


@dataclass(frozen=True)
class Score:
    """Points over the most possible (2 for each item counted)."""

    points: int
    counted: int

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.points, 2 * self.counted) if self.counted else None

    @property
    def percent(self) -> int | None:
        """Whole percent, halves rounded up (so 62.5 shows as 63)."""
        share = self.fraction
        return None if share is None else int(share * 100 + Fraction(1, 2))

    @property
    def display(self) -> str:
        return "—" if self.percent is None else f"{self.percent}%"


def score(answers: Given) -> Score:
    """Points and items counted; a "not this session" answer counts for neither."""
    marks = [int(value) for value in answers.values() if value is not None]
    return Score(points=sum(marks), counted=len(marks))


@dataclass(frozen=True)
class ItemDifference:
    item: Item
    first: Mark
    second: Mark

    @property
    def first_label(self) -> str:
        return MARK_LABELS[self.first].lower()

    @property
    def second_label(self) -> str:
        return MARK_LABELS[self.second].lower()


@dataclass(frozen=True)
class Comparison:
    """Where two ratings of one session differ: items ``ITEM_DIFFERENCE`` apart, and overall."""

    first: Score
    second: Score
    items: tuple[ItemDifference, ...]

    @property
    def gap(self) -> Fraction | None:
        """The second score minus the first, in percentage points; None if either counts none."""
        a, b = self.first.fraction, self.second.fraction
        return None if a is None or b is None else (b - a) * 100

    @property
    def points_apart(self) -> int | None:
        """How far apart the two scores are, in whole percentage points (halves rounded up)."""
        gap = self.gap
        return None if gap is None else int(abs(gap) + Fraction(1, 2))

    @property
    def overall_differs(self) -> bool:
        gap = self.gap
        return gap is not None and abs(gap) >= OVERALL_DIFFERENCE

    @property
    def differs(self) -> bool:
        return self.overall_differs or bool(self.items)


def compare(items: Sequence[Item], first: Given, second: Given) -> Comparison:
    """Compare two ratings of the same checklist (the therapist's first, the supervisor's second).

    An item differs only when both marked it; "not this session" on one side is not a difference.
    """
    different = tuple(
        ItemDifference(item, Mark(a), Mark(b))
        for item in items
        if (a := first.get(item.code)) is not None
        and (b := second.get(item.code)) is not None
        and abs(int(a) - int(b)) >= ITEM_DIFFERENCE
    )
    return Comparison(first=score(first), second=score(second), items=different)
