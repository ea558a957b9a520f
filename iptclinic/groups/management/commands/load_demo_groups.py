"""Add an invented group to the demo (run after ``load_demo``; safe to run again).

Tess leads "Tuesday morning group" with Otto: six invented members who each had their individual
meeting before the group, and two group sessions held (one member missed the second). Everyone
who came filled in a PHQ-9; Rosa's second answers item 9 with "Several days", so the demo shows a
group member's risk alert owned by the facilitator.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import Team, User
from iptclinic.clients import services as client_services
from iptclinic.clients.management.commands.load_demo import demo_nhs_number
from iptclinic.courses import services as course_services
from iptclinic.groups import services
from iptclinic.groups.models import Group, MemberMeeting
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.scoring import Answer
from iptclinic.lib.demo import DemoCommand
from iptclinic.measures import services as measure_services

DEMO_TEAM = "Riverside IPT Service"
GROUP_NAME = "Tuesday morning group"
# (given, family, born, PHQ-9 at group sessions 1 and 2; None: did not come to session 2)
MEMBERS: tuple[tuple[str, str, date, tuple[int, int | None]], ...] = (
    ("Grace", "Hollis", date(1988, 3, 14), (16, 14)),
    ("Idris", "Khan", date(1992, 11, 2), (13, 12)),
    ("Lena", "Fischer", date(1979, 6, 25), (18, 15)),
    ("Malik", "Osei", date(1985, 1, 9), (15, None)),
    ("Rosa", "Delgado", date(1990, 8, 17), (17, 17)),
    ("Sunil", "Varma", date(1983, 12, 5), (12, 10)),
)
RISK_ANSWER = "Rosa"


def phq9(total: int, item9: int = 0) -> dict[int, Answer]:
    rest, answers = total - item9, {}
    for number in range(1, 9):
        answers[number] = min(3, rest)
        rest -= answers[number]
    return {**answers, 9: item9, 10: 1}


class Command(DemoCommand):
    help = "Load an invented group with two sessions held (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        team = Team.objects.filter(name=DEMO_TEAM).first()
        if team is None:
            raise CommandError("Load the demo data first: python manage.py load_demo")
        if Group.objects.filter(team=team, name=GROUP_NAME).exists():
            self.stdout.write("The demo group is already loaded.")
            return
        with transaction.atomic():
            self._load(team)
        self.stdout.write(self.style.SUCCESS("Loaded the demo group."))

    def _load(self, team: Team) -> None:
        tess = User.objects.get(username="tess")
        otto = User.objects.get(username="otto")
        today = timezone.localdate()
        first = today - timedelta(days=8)  # sessions 1 and 2 are behind, session 3 is ahead
        joined = first - timedelta(days=10)
        group = services.create_group(
            actor=tess,
            team=team,
            name=GROUP_NAME,
            lead_facilitator=tess,
            co_facilitators=[otto],
            start_date=first,
            weekday=first.weekday(),
            session_time=time(10, 0),
            place="Group room, Riverside Health Centre",
            rules=(
                "What is said in the group stays in the group.\n"
                "Let each person finish speaking.\n"
                "Tell a facilitator if you cannot come."
            ),
        )
        referrals = []
        for serial, (given, family, born, _scores) in enumerate(MEMBERS, start=201):
            client = client_services.register_client(
                actor=tess,
                therapist=tess,
                details={
                    "given_name": given,
                    "family_name": family,
                    "date_of_birth": born,
                    "nhs_number": demo_nhs_number(serial * 1000),
                    "address": f"{serial} Example Street\nExampletown",
                    "postcode": "EX1 9ZZ",
                    "gp_practice": "Mill Lane Surgery",
                },
                referral={
                    "received_on": joined - timedelta(weeks=3),
                    "referrer": "Dr Ana Silva, Mill Lane Surgery",
                    "reason": "Low mood and feeling cut off from people.",
                    "presenting_problem": "depression",
                },
            )
            referrals.append(client.referrals.get())
        services.add_members(group, actor=tess, referrals=referrals, on=joined)
        meetings = MemberMeeting.objects.select_related(
            "appointment__course__referral__client", "group_session"
        ).filter(membership__group=group, number__lte=3)
        scores = {given: s for given, _f, _b, s in MEMBERS}
        for meeting in meetings.order_by("appointment__starts_at", "membership__position"):
            client = meeting.appointment.course.referral.client
            session = meeting.group_session.number if meeting.group_session else 0
            total = scores[client.given_name][session - 1] if session else None
            came = session == 0 or total is not None
            course_services.set_attendance(
                meeting.appointment,
                actor=tess,
                status=Attendance.ATTENDED if came else Attendance.DID_NOT_ATTEND,
            )
            if session and total is not None:
                item9 = 1 if client.given_name == RISK_ANSWER and session == 2 else 0
                measure_services.record_questionnaire(
                    client,
                    actor=tess,
                    instrument_code="phq9",
                    answers=phq9(total, item9),
                    appointment=meeting.appointment,
                )
