"""The progress review is assembled from the course's own records (ipt-method.md §1.4)."""

from __future__ import annotations

from iptclinic.endings.selectors import progress_review
from iptclinic.letters.tests.scenes import prepare_client, run_course
from iptclinic.test import open_course_for


def test_the_review_brings_together_attendance_focus_scores_and_goals(cara, tess):
    prepare_client(cara)
    course = run_course(cara, tess)

    review = progress_review(course)

    assert (review.contracted, review.attended, review.missed) == (12, 12, 0)
    assert review.first_session < review.last_session
    assert [label for _, label in review.focus] == ["Role transitions"]
    scores = {s.instrument.code: s for s in review.scores}
    assert set(scores) == {"phq9", "gad7"}
    phq9 = scores["phq9"]
    assert (phq9.pair.first, phq9.pair.last) == (18, 4)
    assert (phq9.first_band, phq9.last_band) == ("Moderately severe", "None or minimal")
    assert phq9.reliable_change == "reliable improvement"
    assert "<svg" in phq9.series.chart and "PHQ-9 scores" in phq9.series.chart
    assert [(g.text, g.first, g.latest) for g in review.goals] == [
        ("Make one friend at work", 2, 7),
        ("Call my sister weekly", 2, 7),
    ]
    assert review.outcome.outcome.summary.startswith("recovered")


def test_a_course_with_nothing_recorded_gives_an_empty_review_not_an_error(cara, tess):
    course = open_course_for(cara, tess, weeks_ago=0)

    review = progress_review(course)

    assert (review.attended, review.first_session, review.focus) == (0, None, [])
    assert review.scores == [] and review.goals == [] and not review.has_scores
