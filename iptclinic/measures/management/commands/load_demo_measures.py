"""Add invented questionnaires to the demo clients (run after ``load_demo``; safe to run again).

Every attended session gets a PHQ-9 and a GAD-7 on a made-up path from the first score towards
the last, WSAS follows the team's schedule, and each referral has an assessment before its course.
Priya's latest PHQ-9 answers item 9 with "Several days", so the demo shows an open risk alert;
Jonah's scores rise reliably, so the safety net has a deterioration to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.management.base import CommandError
from django.db import transaction

from iptclinic.accounts.models import Team
from iptclinic.clients.models import Client
from iptclinic.courses.models import Course
from iptclinic.ipt.measure_schedule import due_at_session
from iptclinic.ipt.scoring import Answer
from iptclinic.lib.demo import DemoCommand
from iptclinic.measures import services
from iptclinic.measures.models import QuestionnaireResponse

DEMO_TEAM = "Riverside IPT Service"


@dataclass(frozen=True)
class Path:
    phq9: tuple[int, int]
    gad7: tuple[int, int]
    wsas: tuple[int, int]
    item9_last: int = 0


PATHS = {
    "Cara": Path((17, 9), (13, 7), (24, 14)),
    # Jonah's PHQ-9 rises reliably (by 6): the safety net asks Tess to review it.
    "Jonah": Path((12, 18), (9, 12), (18, 22)),
    "Amira": Path((21, 8), (16, 6), (30, 12)),
    "Owen": Path((15, 11), (11, 9), (22, 18)),
    "Priya": Path((14, 16), (12, 13), (20, 22), item9_last=1),
    "Marcus": Path((19, 6), (15, 5), (28, 9)),
    "Ruth": Path((11, 9), (8, 7), (16, 14)),
    "Tomasz": Path((16, 13), (14, 9), (25, 20)),
}


def spread(total: int, items: int, top: int) -> list[int]:
    """Item values adding up to ``total``, as even as possible."""
    values = [total // items + (1 if i < total % items else 0) for i in range(items)]
    assert max(values) <= top
    return values


def answers_for(code: str, total: int, item9: int = 0) -> dict[int, Answer]:
    if code == "phq9":
        return {**dict(enumerate([*spread(total - item9, 8, 3), item9], start=1)), 10: 1}
    if code == "gad7":
        return {**dict(enumerate(spread(total, 7, 3), start=1)), 8: 1}
    return dict(enumerate(spread(total, 5, 8), start=1))


def along(path: tuple[int, int], step: int, steps: int) -> int:
    first, last = path
    if steps <= 1:
        return first
    wobble = (step * 7) % 3 - 1 if 0 < step < steps - 1 else 0
    return max(0, round(first + (last - first) * step / (steps - 1)) + wobble)


class Command(DemoCommand):
    help = "Add invented questionnaires to the demo clients (after load_demo; safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        team = Team.objects.filter(name=DEMO_TEAM).first()
        if team is None:
            raise CommandError("Load the demo data first: python manage.py load_demo")
        if QuestionnaireResponse.objects.filter(client__team=team).exists():
            self.stdout.write("The demo questionnaires are already loaded.")
            return
        with transaction.atomic():
            for client in Client.objects.filter(team=team, therapist__isnull=False):
                path = PATHS.get(client.given_name)
                if path:
                    self._client(client, path)
        self.stdout.write(self.style.SUCCESS("Loaded the demo questionnaires."))

    def _client(self, client: Client, path: Path) -> None:
        therapist = client.therapist
        for course in Course.objects.filter(referral__client=client).prefetch_related(
            "appointments"
        ):
            referral = course.referral
            assessed_on = max(referral.received_on, course.start_date - timedelta(days=7))
            for code in ("phq9", "gad7", "wsas"):
                services.record_questionnaire(
                    client,
                    actor=therapist,
                    instrument_code=code,
                    answers=answers_for(code, getattr(path, code)[0]),
                    referral=referral,
                    completed_on=assessed_on,
                )
            rows = [row for row in course.timeline().rows if row.number]
            for step, row in enumerate(rows, start=1):
                due = due_at_session(row.number, course.contracted_sessions, client.team.schedule)
                for code in due:
                    total = along(getattr(path, code), step, len(rows) + 1)
                    last = step == len(rows)
                    item9 = path.item9_last if code == "phq9" and last else 0
                    services.record_questionnaire(
                        client,
                        actor=therapist,
                        instrument_code=code,
                        answers=answers_for(code, max(total, item9), item9),
                        appointment=row.appointment,
                    )
