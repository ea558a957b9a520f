"""focus_areas_by_course: the current focus of many courses in one query."""

from __future__ import annotations

from django.utils import timezone

from iptclinic.inventory.models import FocusDecision
from iptclinic.inventory.selectors import focus_areas_by_course
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.test import make_client, open_course_for


def test_it_gives_the_current_focus_of_each_course_in_one_query(
    tess, cara_course, django_assert_num_queries
):
    other = open_course_for(make_client(tess, tess, "Dev", "Patel"), tess)
    empty = open_course_for(make_client(tess, tess, "Ola", "Nowak"), tess)
    FocusDecision.objects.create(
        course=cara_course,
        areas=["grief"],
        reason="First thought.",
        decided_by=tess,
        superseded_at=timezone.now(),
    )
    FocusDecision.objects.create(
        course=cara_course, areas=["role_dispute", "role_transition"], reason="R", decided_by=tess
    )
    FocusDecision.objects.create(
        course=other, areas=["interpersonal_deficits"], reason="R", decided_by=tess
    )
    with django_assert_num_queries(1):
        found = focus_areas_by_course([cara_course.pk, other.pk, empty.pk])
    assert found == {
        cara_course.pk: [ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION],
        other.pk: [ProblemArea.INTERPERSONAL_DEFICITS],
        empty.pk: [],
    }


def test_it_answers_an_empty_question_with_an_empty_dict(db):
    assert focus_areas_by_course([]) == {}
