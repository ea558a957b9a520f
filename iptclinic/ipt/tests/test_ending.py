from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iptclinic.ipt.ending import (
    DISPOSITION_LABELS,
    DISPOSITIONS_FOR,
    EARLY_ENDING_ITEMS,
    FULL_ENDING_ITEMS,
    Disposition,
    EndingAnswers,
    EndingKind,
    ending_gaps,
    needs_new_contract,
)

TODAY = date(2026, 3, 10)

COMPLETE_FULL = EndingAnswers(
    kind=EndingKind.FULL,
    feelings_about_ending="Sad, and a little relieved.",
    progress_review="Mood much better; talks with her sister again.",
    what_helped="Saying what she needs out loud.",
    warning_signs="Sleeping badly, avoiding calls.",
    relapse_plan="Ring her sister; call the GP if it lasts two weeks.",
    future_goals="Join the walking group.",
    disposition=Disposition.DISCHARGE,
)
COMPLETE_EARLY = EndingAnswers(
    kind=EndingKind.EARLY,
    early_summary="Four sessions on the move to a new city.",
    disposition=Disposition.DISCHARGE,
)


def test_a_complete_full_ending_has_no_gaps() -> None:
    assert ending_gaps(COMPLETE_FULL, today=TODAY) == ()


def test_a_complete_early_ending_needs_only_a_summary_and_what_happens_next() -> None:
    assert ending_gaps(COMPLETE_EARLY, today=TODAY) == ()


@pytest.mark.parametrize(("field", "label"), FULL_ENDING_ITEMS)
def test_each_task_of_the_final_checklist_is_required(field: str, label: str) -> None:
    blank: dict[str, Any] = {field: "   "}
    answers = replace(COMPLETE_FULL, **blank)
    assert ending_gaps(answers) == (f"Record {label}.",)


@pytest.mark.parametrize(("field", "label"), EARLY_ENDING_ITEMS)
def test_the_early_record_needs_its_summary(field: str, label: str) -> None:
    blank: dict[str, Any] = {field: ""}
    assert ending_gaps(replace(COMPLETE_EARLY, **blank)) == (f"Record {label}.",)


def test_past_losses_are_asked_about_but_never_required() -> None:
    assert ending_gaps(replace(COMPLETE_FULL, past_losses="")) == ()


@pytest.mark.parametrize("kind", list(EndingKind))
def test_what_happens_next_is_always_required(kind: EndingKind) -> None:
    answers = COMPLETE_FULL if kind is EndingKind.FULL else COMPLETE_EARLY
    assert ending_gaps(replace(answers, disposition=None)) == ("Choose what happens next.",)


@pytest.mark.parametrize("disposition", [Disposition.CONTINUATION, Disposition.MAINTENANCE])
def test_an_early_ending_cannot_plan_more_ipt_on_the_same_course(
    disposition: Disposition,
) -> None:
    gaps = ending_gaps(replace(COMPLETE_EARLY, disposition=disposition))
    assert len(gaps) == 1 and "new course" in gaps[0]


def test_referring_on_names_the_other_treatment() -> None:
    answers = replace(COMPLETE_FULL, disposition=Disposition.REFER_ON)
    assert ending_gaps(answers) == ("Record the other treatment offered and who will provide it.",)
    assert ending_gaps(replace(answers, alternative_plan="CBT with the step 3 team.")) == ()


def test_the_refer_on_wording_puts_the_failure_on_the_treatment_not_the_person() -> None:
    label = DISPOSITION_LABELS[Disposition.REFER_ON].lower()
    assert "ipt has not helped" in label
    for blame in ("failed to engage", "did not engage", "non-compliant", "unmotivated"):
        assert blame not in label


@pytest.mark.parametrize(
    ("name", "consent", "expected"),
    [
        ("", date(2026, 3, 3), ("Name the person the relapse plan is shared with.",)),
        (
            "Her sister Ann",
            None,
            ("Record the date the person agreed to share their relapse plan.",),
        ),
        (
            "Her sister Ann",
            date(2026, 3, 11),
            ("The date of consent to share cannot be in the future.",),
        ),
        ("Her sister Ann", date(2026, 3, 10), ()),
    ],
)
def test_sharing_the_relapse_plan_needs_a_named_person_and_dated_consent(
    name: str, consent: date | None, expected: tuple[str, ...]
) -> None:
    answers = replace(
        COMPLETE_FULL, share_plan=True, share_with_name=name, share_consent_on=consent
    )
    assert ending_gaps(answers, today=TODAY) == expected


def test_every_disposition_has_a_label_and_full_endings_allow_them_all() -> None:
    assert set(DISPOSITION_LABELS) == set(Disposition)
    assert set(DISPOSITIONS_FOR[EndingKind.FULL]) == set(Disposition)


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        (Disposition.DISCHARGE, False),
        (Disposition.CONTINUATION, True),
        (Disposition.MAINTENANCE, True),
        (Disposition.REFER_ON, False),
        (None, False),
    ],
)
def test_only_continuation_and_maintenance_need_a_new_contract(
    disposition: Disposition | None, expected: bool
) -> None:
    assert needs_new_contract(disposition) is expected


texts = st.text(alphabet=st.sampled_from("ab \n"), max_size=6)


@settings(deadline=None)
@given(
    kind=st.sampled_from(EndingKind),
    values=st.fixed_dictionaries(
        {name: texts for name, _ in FULL_ENDING_ITEMS + EARLY_ENDING_ITEMS}
    ),
    disposition=st.none() | st.sampled_from(Disposition),
    share=st.booleans(),
)
def test_gaps_are_plain_sentences_and_none_means_every_required_item_is_there(
    kind: EndingKind, values: dict[str, str], disposition: Disposition | None, share: bool
) -> None:
    texts: dict[str, Any] = values
    answers = EndingAnswers(kind=kind, disposition=disposition, share_plan=share, **texts)
    gaps = ending_gaps(answers, today=TODAY)
    for gap in gaps:
        assert gap[0].isupper() and gap.endswith(".")
    items = FULL_ENDING_ITEMS if kind is EndingKind.FULL else EARLY_ENDING_ITEMS
    if not gaps:
        assert all(values[name].strip() for name, _ in items)
        assert disposition in DISPOSITIONS_FOR[kind]
        assert not share
