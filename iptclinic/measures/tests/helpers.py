"""Small builders shared by the measures tests."""

from __future__ import annotations

from iptclinic.ipt.scoring import Answer

RISK_CLEAR = {
    "suicidal_thoughts": "no",
    "suicidal_plans": "no",
    "suicidal_intent": "no",
    "self_harm": "no",
    "harm_to_others": "no",
    "safeguarding_concern": "no",
    "risk_level": "none",
    "risk_action": "",
}


def phq9(values: list[int | None], difficulty: int | None = 1) -> dict[int, Answer]:
    """PHQ-9 answers for items 1-9 in order, plus the difficulty item 10."""
    assert len(values) == 9
    return {**dict(enumerate(values, start=1)), 10: difficulty}


def phq9_total(total: int, item9: int | None = 0) -> dict[int, Answer]:
    """PHQ-9 answers adding up to ``total`` with item 9 as given (None: unanswered)."""
    rest = total - (item9 or 0)
    values: list[int | None] = []
    for _ in range(8):
        take = min(3, rest)
        values.append(take)
        rest -= take
    assert rest == 0, total
    return phq9([*values, item9])


def gad7_total(total: int) -> dict[int, Answer]:
    values = []
    rest = total
    for _ in range(7):
        take = min(3, rest)
        values.append(take)
        rest -= take
    assert rest == 0, total
    return {**dict(enumerate(values, start=1)), 8: 0}


def post_answers(answers: dict[int, Answer]) -> dict[str, str]:
    return {
        f"item_{number}": "" if value is None else str(value) for number, value in answers.items()
    }
