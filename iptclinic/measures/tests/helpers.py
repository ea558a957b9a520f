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


def record_phq9(appointment, actor, *, total: int = 8, item9: int | None = 0):  # type: ignore[no-untyped-def]
    """Record a PHQ-9 in an attended session, adding up to ``total`` with item 9 as given."""
    from iptclinic.measures.services import record_questionnaire

    return record_questionnaire(
        appointment.course.referral.client,
        actor=actor,
        instrument_code="phq9",
        answers=phq9_total(total, item9=item9),
        appointment=appointment,
    )
