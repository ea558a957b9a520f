"""The demo's initial-phase stories go through the services and open the middle phase."""

from __future__ import annotations

from iptclinic.inventory.demo import add_demo_initial_phase
from iptclinic.inventory.models import TreatmentAgreement
from iptclinic.ipt.phases import Phase
from iptclinic.test import attend_next, make_client, open_course_for

from .helpers import day_of


def test_each_demo_story_ends_in_an_agreement_and_a_middle_phase(tess):
    for i in range(3):
        course = open_course_for(make_client(tess, tess, f"Demo{i}"), tess, weeks_ago=6)
        third = attend_next(course, tess, 3)[-1]
        add_demo_initial_phase(course, therapist=tess, agreed_on=day_of(third))
        attend_next(course, tess)
        course.refresh_from_db()
        assert course.timeline().current_phase is Phase.MIDDLE
    assert TreatmentAgreement.objects.count() == 3
    assert {a.focus.areas[0] for a in TreatmentAgreement.objects.all()} == {
        "grief",
        "role_dispute",
        "role_transition",
    }
