"""A whole course of IPT, built through the services, for letter and ending tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.clients.models import Client
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course
from iptclinic.endings import services as ending_services
from iptclinic.inventory import services as inventory_services
from iptclinic.inventory.models import Goal, GoalRating
from iptclinic.ipt.ending import Disposition
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.ipt.variants import Variant
from iptclinic.letters.models import IssuedLetter, LetterFormat, LetterKind
from iptclinic.letters.services import request_letter
from iptclinic.measures import services as measure_services
from iptclinic.measures.models import RiskAlert
from iptclinic.test import attend_next, open_course_for, run_background_work

TEAM_CONTACTS = {
    "phone": "0161 496 0000",
    "address": "Riverside Centre\n2 Mill Lane\nNorthtown",
    "email": "ipt.riverside@example.nhs.uk",
    "care_coordination_phone": "0161 496 0001",
    "interpreting_contact": "0161 496 0002",
    "bsl_video_relay": "https://relay.example.org/riverside",
    "complaints_service": "Patient Advice and Liaison Service (PALS)",
    "complaints_phone": "0161 496 0100",
    "complaints_freephone": "0800 000 0000",
    "complaints_email": "pals@example.nhs.uk",
}
CLIENT_DETAILS = {
    "address": "14 Orchard Road\nNorthtown",
    "postcode": "NT1 2AB",
    "gp_practice": "Mill Lane Surgery",
    "gp_address": "Mill Lane Surgery\n1 Mill Lane\nNorthtown NT3 4CD",
}
ENDING = {
    "kind": "full",
    "feelings_about_ending": "Sad to stop, and proud of the work.",
    "past_losses": "Leaving her old job came back to mind.",
    "progress_review": "Mood lifted as she settled into the new role; back in touch with friends.",
    "what_helped": "Telling your sister how the move felt, and asking for help at work.",
    "warning_signs": "Sleeping badly and not answering calls.",
    "relapse_plan": "Ring your sister, keep walking, and see your GP if it lasts two weeks.",
    "share_plan": False,
    "future_goals": "Join the walking group in the spring.",
    "gp_consent": True,
    "disposition": Disposition.DISCHARGE.value,
}
PHQ9_HIGH = {n: 2 for n in range(1, 10)} | {10: 1}
PHQ9_LOW = {1: 1, 2: 1, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0, 9: 0, 10: 0}
GAD7_HIGH = {n: 2 for n in range(1, 8)} | {8: 1}
GAD7_LOW = {1: 1, 2: 0, 3: 1, 4: 0, 5: 0, 6: 1, 7: 0, 8: 0}


@dataclass
class Scene:
    client: Client
    course: Course
    therapist: User


def set_team_contacts(team: Team) -> Team:
    for name, value in TEAM_CONTACTS.items():
        setattr(team, name, value)
    team.save()
    return team


def prepare_client(client: Client, **needs: object) -> Client:
    for name, value in {**CLIENT_DETAILS, **needs}.items():
        setattr(client, name, value)
    client.save()
    set_team_contacts(client.team)
    return client


def _date(appointment: Appointment):
    return timezone.localdate(appointment.starts_at)


def run_course(
    client: Client,
    therapist: User,
    *,
    contracted: int = 12,
    leave: int = 0,
    variant: Variant = Variant.LEAFLET,
    area: ProblemArea = ProblemArea.ROLE_TRANSITION,
    people: Sequence[Mapping[str, Any]] = (),
) -> Course:
    """A course with focus, formulation, agreement, goals, ratings and questionnaires, every
    session attended but the last ``leave``, and not yet ended. ``people`` go into the
    inventory before the focus on ``area`` is chosen."""
    course = open_course_for(
        client, therapist, weeks_ago=contracted + 1, contracted=contracted, variant=variant
    )
    for person in people:
        inventory_services.add_relationship(course, actor=therapist, data=person)
    first = attend_next(course, therapist, 3)
    for code, answers in (("phq9", PHQ9_HIGH), ("gad7", GAD7_HIGH)):
        measure_services.record_questionnaire(
            client, actor=therapist, instrument_code=code, answers=answers, appointment=first[0]
        )
    inventory_services.choose_focus(
        course,
        actor=therapist,
        areas=[area],
        reason="Low mood began with the move to a new job.",
    )
    inventory_services.save_formulation(
        course,
        actor=therapist,
        text="Your low mood began when you moved for a new job and lost daily contact with friends.",
        expected_version=None,
    )
    agreed = _date(first[-1])
    inventory_services.share_formulation(course, actor=therapist, shared_on=agreed)
    inventory_services.record_treatment_agreement(
        course,
        actor=therapist,
        agreed_on=agreed,
        contracted_sessions=contracted,
        goals={area: ["Make one friend at work", "Call my sister weekly"]},
    )
    rest = attend_next(course, therapist, contracted - 3 - leave)
    goals = list(Goal.objects.filter(course=course))
    for appointment, rating in ((rest[0], 2), (rest[-2], 7)):
        GoalRating.objects.bulk_create(
            GoalRating(goal=goal, appointment=appointment, rating=rating) for goal in goals
        )
    for code, answers in (("phq9", PHQ9_LOW), ("gad7", GAD7_LOW)):
        measure_services.record_questionnaire(
            client, actor=therapist, instrument_code=code, answers=answers, appointment=rest[-1]
        )
    return Course.objects.get(pk=course.pk)


def finish_course(course: Course, therapist: User, **ending: object) -> Course:
    ending_services.save_ending_record(
        course, actor=therapist, data={**ENDING, **ending}, expected_version=None
    )
    # The first PHQ-9 answers item 9 above 0; its alert is reviewed as the course ends.
    reviews = {
        alert.pk: ("Spoke with the client: no current thoughts of suicide.", "Safety plan kept.")
        for alert in RiskAlert.objects.open().filter(client=course.referral.client)
    }
    return course_services.end_course(
        course,
        actor=therapist,
        target=CourseState.COMPLETED,
        ended_on=timezone.localdate(),
        alert_reviews=reviews,
    )


def completed_course(client: Client, therapist: User, **needs: object) -> Scene:
    prepare_client(client, **needs)
    course = finish_course(run_course(client, therapist), therapist)
    client.refresh_from_db()
    return Scene(client=client, course=course, therapist=therapist)


def open_course_with_appointments(client: Client, therapist: User, **needs: object) -> Scene:
    prepare_client(client, **needs)
    course = open_course_for(client, therapist, weeks_ago=2, contracted=16)
    attend_next(course, therapist, 2)
    client.refresh_from_db()
    return Scene(client=client, course=course, therapist=therapist)


def issue_now(
    course: Course,
    *,
    actor: User,
    kind: LetterKind,
    formats: list[LetterFormat] | list[str],
    **options: object,
) -> IssuedLetter:
    """Ask for a letter and run the background work, as a worker would: the letter made."""
    asked = request_letter(
        course,
        actor=actor,
        kind=kind,
        formats=[LetterFormat(fmt) for fmt in formats],
        **options,  # type: ignore[arg-type]
    )
    run_background_work()
    return IssuedLetter.objects.get(request=asked)
