"""Who reaches a course's eating log: anyone who may see the course, and only for an IPT-ED course.

The course is reached through ``courses.access`` first, so strangers get 404 and nobody sees
across teams. Only the client's therapist writes (``clients.access.can_edit_clinical_record``).
The service user has no page here: the log, and the weight above all, stay with staff.
"""

from __future__ import annotations

from django.http import Http404

from iptclinic.accounts.models import Team, User
from iptclinic.courses.access import appointment_for, course_for
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.variants import Variant

from .models import ConfiguredMeasure


def keeps_eating_log(course: Course) -> bool:
    return course.variant == Variant.IPT_ED


def eating_course_for(user: User, course_id: int) -> Course:
    course = course_for(user, course_id)
    if not keeps_eating_log(course):
        raise Http404
    return course


def eating_appointment_for(user: User, course: Course, appointment_id: int) -> Appointment:
    appointment = appointment_for(user, appointment_id)
    if appointment.course_id != course.pk:
        raise Http404
    return appointment


def measure_for(team: Team, measure_id: str) -> ConfiguredMeasure:
    """One of the team's configured questionnaires, or 404."""
    try:
        return ConfiguredMeasure.objects.get(team=team, pk=int(measure_id))
    except (ValueError, ConfiguredMeasure.DoesNotExist):
        raise Http404 from None
