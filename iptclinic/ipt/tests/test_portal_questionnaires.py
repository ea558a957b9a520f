"""When questionnaires open in the portal, and the plain words for a person's own scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.instruments import INSTRUMENTS, PHQ9
from iptclinic.ipt.measure_schedule import DEFAULT_SCHEDULE, Frequency
from iptclinic.ipt.portal_questionnaires import (
    OPENS_BEFORE,
    PLAIN_WORDS,
    due_in_portal,
    is_open,
    plain_band,
    plain_band_rows,
)

LONDON = ZoneInfo("Europe/London")
SESSION = datetime(2026, 11, 2, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (SESSION - timedelta(days=3, seconds=1), False),
        (SESSION - timedelta(days=3), True),
        (SESSION - timedelta(minutes=1), True),
        (SESSION, False),
        (SESSION + timedelta(hours=1), False),
    ],
)
def test_questionnaires_open_three_days_before_a_session_and_close_when_it_starts(
    now: datetime, open_: bool
) -> None:
    assert is_open(now, SESSION) is open_


def test_the_window_is_exact_time_across_the_clock_change() -> None:
    # 25 October 2026 the clocks go back: exactly three days (72 hours) before 10:00 GMT on the
    # 27th is 11:00 summer time on the 24th, not 10:00.
    session = datetime(2026, 10, 27, 10, 0, tzinfo=LONDON)
    assert is_open(datetime(2026, 10, 24, 10, 59, tzinfo=LONDON), session) is False
    assert is_open(datetime(2026, 10, 24, 10, 0, tzinfo=UTC), session) is True


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_open(datetime(2026, 11, 1, 10, 0), SESSION)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("attended", "contracted", "done", "due"),
    [
        (0, 16, set(), ("phq9", "gad7", "wsas")),  # assessment: all three
        (1, 16, set(), ("phq9", "gad7")),
        (7, 16, set(), ("phq9", "gad7", "wsas")),  # session 8 is the middle of 16
        (15, 16, {"phq9"}, ("gad7", "wsas")),  # the last session, PHQ-9 already in
        # Beyond the contract the session counts as the end, as in clinic (``session_measures``).
        (16, 16, set(), ("phq9", "gad7", "wsas")),
        (2, 16, {"phq9", "gad7"}, ()),
    ],
)
def test_what_is_due_before_the_next_session(
    attended: int, contracted: int, done: set[str], due: tuple[str, ...]
) -> None:
    assert due_in_portal(attended, contracted, done) == due


def test_the_teams_schedule_decides() -> None:
    schedule = {**DEFAULT_SCHEDULE, "gad7": Frequency.NOT_ROUTINE}
    assert due_in_portal(1, 16, set(), schedule) == ("phq9",)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        due_in_portal(-1, 16, set())


@given(
    attended=st.integers(min_value=0, max_value=40),
    contracted=st.integers(min_value=1, max_value=30),
    done=st.sets(st.sampled_from(sorted(INSTRUMENTS))),
)
def test_nothing_already_done_is_ever_due_again(
    attended: int, contracted: int, done: set[str]
) -> None:
    due = due_in_portal(attended, contracted, done)
    assert not set(due) & done
    assert list(due) == [code for code in INSTRUMENTS if code in due]


def test_every_band_of_every_questionnaire_has_plain_words() -> None:
    for code, form in INSTRUMENTS.items():
        rows = plain_band_rows(form)
        assert len(rows) == len(form.bands) == len(PLAIN_WORDS[code].bands)
        assert rows[0][0] == "0 to " + str(form.bands[0].high)


@given(st.integers(min_value=0, max_value=PHQ9.max_total))
def test_plain_words_follow_the_band_of_the_score(total: int) -> None:
    band = PHQ9.band_for(total)
    assert plain_band(PHQ9, total) == PLAIN_WORDS["phq9"].bands[PHQ9.bands.index(band)]


def test_the_plain_words_use_no_clinical_labels() -> None:
    clinical = ("severe", "caseness", "psychopathology", "clinical", "impairment", "disorder")
    for words in PLAIN_WORDS.values():
        for phrase in (words.about, *words.bands):
            assert not any(term in phrase.lower() for term in clinical), phrase


def test_the_window_is_three_days() -> None:
    assert timedelta(days=3) == OPENS_BEFORE
