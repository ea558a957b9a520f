"""An acute course ended with maintenance agreed: the start of every maintenance IPT test."""

from __future__ import annotations

from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client
from iptclinic.courses import services
from iptclinic.courses.models import Course
from iptclinic.endings.tests.helpers import write_ending
from iptclinic.inventory import services as inventory_services
from iptclinic.inventory.tests.helpers import dispute_case
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.test import attend_next, open_course_for


def ended_acute_course(client: Client, therapist: User, disposition: str = "maintenance") -> Course:
    """Twelve weekly sessions attended, the last a week ago, with an inventory and a dispute
    focus; ended today as completed, its ending record saying ``disposition``."""
    course = open_course_for(client, therapist, weeks_ago=12, contracted=12)
    dispute_case(course, therapist)
    inventory_services.choose_focus(
        course,
        actor=therapist,
        areas=[ProblemArea.ROLE_DISPUTE],
        reason="The rows with Sam began as the low mood did.",
        dispute_stage=DisputeStage.IMPASSE,
    )
    attend_next(course, therapist, 12)
    write_ending(course, therapist, disposition=disposition)
    return services.end_course(
        course, actor=therapist, target=CourseState.COMPLETED, ended_on=timezone.localdate()
    )
