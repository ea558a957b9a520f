"""Invented trust-scale data for the load bench (issue 12 item 1): ``make bench-data SIZE=1k``.

One team shaped like a large IPT service: therapists (40 from 10k clients; fewer below, so that
each still holds 25-40 open courses while most courses have ended), two supervisors, a service
lead, and ``SIZE`` clients. Each client has a referral and a course of 12-16 weekly sessions (one
in ten a second, earlier referral and course); most courses have ended (completed with an ending
record, or early with a reason), each therapist holds 25-40 open ones, and a few people wait
unallocated. Attended sessions have signed records and a PHQ-9 and GAD-7 (WSAS at the first,
middle and last session) whose scores the pure core computes; a risk answer raises a risk alert
(reviewed unless recent); ended courses have letters; the audit log holds the events of
registering, opening, attendance, ending, letters and reviews, chained as the app chains them.

Everything is written with the project's models in bulk (``bulk_create`` in batches): no signal,
service or per-row save runs, so the history tables of django-simple-history hold no rows for
this data, and the audit events are chained here exactly as ``AuditEvent.save`` chains them
(``manage.py verify_audit`` passes). Names and NHS numbers are invented: numbers come from the
999 range, which is never issued, each with the check digit of the core.

    .venv/bin/python bench/data.py 1k          # bench/bench.sqlite3, made afresh
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/data.py 100k

The database must be empty or made by this generator (then it is emptied and built again);
anything else is refused.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = {"tiny": 200, "1k": 1_000, "10k": 10_000, "100k": 100_000}
DEFAULT_DATABASE = Path(__file__).resolve().parent / "bench.sqlite3"
TEAM_PREFIX = "Bench trust IPT service"


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE}"


import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:  # run as a script or by bench/load.py; the tests have set Django up already
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iptclinic.settings")
    django.setup()

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from iptclinic.accounts.models import Role, Team, User  # noqa: E402
from iptclinic.audit import chain as hash_chain  # noqa: E402
from iptclinic.audit.models import AuditChainHead, AuditEvent  # noqa: E402
from iptclinic.clients.management.commands.load_demo import (  # noqa: E402
    DEMO_ENDING,
    NO_RISK_FOUND,
    NOTES,
)
from iptclinic.clients.models import Client, Referral  # noqa: E402
from iptclinic.courses.models import Appointment, Course, SessionRecord  # noqa: E402
from iptclinic.courses.schedule import weekly_slots  # noqa: E402
from iptclinic.endings.models import EndingRecord  # noqa: E402
from iptclinic.ipt.attendance import Attendance  # noqa: E402
from iptclinic.ipt.instruments import GAD7, PHQ9, WSAS, Instrument  # noqa: E402
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason  # noqa: E402
from iptclinic.ipt.nhs_number import check_digit  # noqa: E402
from iptclinic.ipt.tasks import session_checklist  # noqa: E402
from iptclinic.letters.models import IssuedLetter, LetterKind  # noqa: E402
from iptclinic.measures.models import (  # noqa: E402
    AlertSource,
    QuestionnaireResponse,
    QuestionnaireRevision,
    RiskAlert,
    answers_to_json,
)
from iptclinic.measures.services import (  # noqa: E402
    _apply_score,
    _risk_summary,
    _score,
    escalation_time,
)
from iptclinic.reports.services import rebuild_outcomes  # noqa: E402

BATCH_CLIENTS = 1_000
GIVEN = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Ema",
    "Finn",
    "Gita",
    "Hal",
    "Iris",
    "Jon",
    "Kira",
    "Leo",
    "Mina",
    "Ned",
    "Olu",
    "Pia",
    "Quin",
    "Rhea",
    "Sol",
    "Tam",
    "Uma",
    "Vik",
    "Wren",
    "Xan",
    "Yara",
    "Zed",
]
FAMILY = [
    "Ashdown",
    "Brierley",
    "Calloway",
    "Dunmore",
    "Elsworth",
    "Fairholme",
    "Garside",
    "Hartwell",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marchbank",
    "Netherby",
    "Oakridge",
    "Pendleton",
    "Quarry",
    "Rushton",
    "Stainforth",
    "Thornbury",
    "Underhill",
    "Varley",
    "Westerby",
    "Yardley",
]
REFERRERS = ("Dr Ana Silva, Mill Lane Surgery", "Dr Ian Roe, Quay Street Practice", "Self-referral")
REASONS = (
    "Low mood for several months after changes at home and work.",
    "Low mood and withdrawal since a bereavement last year.",
    "Arguments at home and low mood since moving in with a partner.",
)
WAITING_SHARE = 0.02  # referred, not yet allocated: the service's waiting list
SECOND_REFERRAL_SHARE = 0.1  # 110,000 courses for 100,000 clients, as in the trust
HISTORY_DAYS = 6 * 365
OPEN_COURSES = (25, 40)
RISK_ANSWER_SHARE = 0.02  # of PHQ-9s: item 9 answered above 0, which raises a risk alert
OPEN_ALERT_DAYS = 14  # alerts of open courses raised in the last fortnight are not yet reviewed


def team_name(size: str) -> str:
    return f"{TEAM_PREFIX} ({size})"


def nhs_numbers() -> Iterator[str]:
    """Valid NHS numbers in the never-issued 999 range, in order (about 909,000 of them)."""
    for serial in range(1_000_000):
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield f"{first_nine}{digit}"


def therapist_count(clients: int) -> int:
    """40 therapists at trust scale; fewer for a small set, so that each still holds 25-40 open
    courses and most courses have ended."""
    return max(1, min(40, clients // 80))


M = TypeVar("M", bound=models.Model)


def letter(
    client: Client, course: Course, kind: LetterKind, by: User, at: datetime
) -> IssuedLetter:
    """A letter issued in English (its files are not made: no page reads them in bulk)."""
    return IssuedLetter(
        client=client,
        course=course,
        kind=kind,
        language="en",
        language_name="English",
        translation_status="Original wording.",
        subject=kind.label,
        issued_by=by,
        issued_at=at,
    )


def value_preparer(field: models.Field) -> Callable[[Any], Any] | None:
    """What turns a field's Python value into what the database driver takes, or None where the
    driver takes it as it is: the conversions of the fields' ``get_db_prep_value``, found once
    per column rather than for every value (related rows are built from saved objects, so each
    foreign key's id is already set)."""
    ops = connections[DEFAULT_DB_ALIAS].ops
    if isinstance(field, models.JSONField):
        return partial(json.dumps, cls=field.encoder)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    return None


class Writer:
    """Writes model instances in bulk, the fast way for each database: COPY on PostgreSQL, one
    executemany on SQLite. Ids are given here (the tables start empty), so related rows can be
    built at once; each value is converted for the driver as its model field converts it.

    Django's ``bulk_create`` compiles every value through its SQL compiler; profiled at 200
    clients (17,000 rows) the whole build took 15.8 s with it and 5.8 s with this.
    """

    def __init__(self) -> None:
        self.next_id: dict[type[models.Model], int] = {}

    def insert(self, model: type[M], rows: Sequence[M]) -> Sequence[M]:
        if not rows:
            return rows
        if model not in self.next_id:
            highest = model.objects.aggregate(highest=models.Max("pk"))["highest"]
            self.next_id[model] = (highest or 0) + 1
        first = self.next_id[model]
        self.next_id[model] = first + len(rows)
        fields = model._meta.concrete_fields
        prepare = [value_preparer(field) for field in fields]
        stamped = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        names = [field.attname for field in fields]
        values = []
        for number, row in enumerate(rows, start=first):
            row.pk = number
            for stamp in stamped:
                stamp.pre_save(row, True)
            state = row.__dict__
            values.append(
                [
                    value if how is None or value is None else how(value)
                    for value, how in zip((state[name] for name in names), prepare, strict=True)
                ]
            )
            row._state.adding = False
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row_values in values:
                        copy.write_row(row_values)
            else:
                marks = ", ".join("?" * len(fields))
                cursor.cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - model names
                    values,
                )
        return rows

    def close(self) -> None:
        """Move each table's id sequence past the ids given here (PostgreSQL)."""
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_id))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@dataclass
class Staff:
    team: Team
    therapists: list[User]
    supervisors: list[User]
    lead: User


@dataclass
class PlannedCourse:
    """One course as planned in memory before it is written."""

    client_index: int
    therapist: User
    received_on: date
    start: date
    contracted: int
    state: CourseState
    attended: int = 0
    missed_at: frozenset[int] = frozenset()
    ended_on: date | None = None
    reason: str = ""
    severity: float = 0.0  # the PHQ-9 total at the first session, before noise
    improvement: float = 0.0  # the share of it gone by the last contracted session
    slots: list[datetime] = field(default_factory=list)
    statuses: list[Attendance] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def session_time(self) -> clock:
        return clock(9 + self.client_index % 8, 0)


@dataclass
class Chain:
    """The team's audit chain: events are hashed in order as ``AuditEvent.save`` would."""

    name: str
    sequence: int = 0
    previous: str = hash_chain.GENESIS
    waiting: list[AuditEvent] = field(default_factory=list)

    def add(self, event: AuditEvent) -> None:
        event.chain = self.name
        event.detail = hash_chain.normalised(event.detail or {})
        self.sequence += 1
        event.sequence = self.sequence
        event.previous_hash = self.previous
        event.hash = hash_chain.event_hash(
            hash_chain.fields_of(event),
            chain=self.name,
            sequence=self.sequence,
            previous_hash=self.previous,
        )
        self.previous = event.hash
        self.waiting.append(event)

    def write(self, writer: Writer) -> None:
        # AuditEvent.objects refuses bulk_create because the model chains each event as it is
        # saved; these are chained above in the same way, so they are written as they are.
        writer.insert(AuditEvent, self.waiting)
        self.waiting = []

    def close(self) -> None:
        AuditChainHead.objects.update_or_create(
            chain=self.name,
            defaults={"last_sequence": self.sequence, "last_hash": self.previous},
        )


class Generator:
    def __init__(self, size: str, *, seed: int = 12, progress: bool = True) -> None:
        self.size = size
        self.count = SIZES[size]
        self.rng = random.Random(seed)  # noqa: S311 - invented data, the same every run
        self.progress = progress
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.numbers = nhs_numbers()
        self.checklists: dict[tuple[int, int], tuple[list[str], str]] = {}
        self.rows = 0
        self.writer = Writer()

    # --- staff ------------------------------------------------------------------------------

    def staff(self) -> Staff:
        team = Team.objects.create(
            name=team_name(self.size),
            phone="0300 555 0100",
            address="Bench Health Centre\n1 Example Road\nExampletown EX1 1AA",
        )

        def person(username: str, first: str, last: str, roles: set[Role], **extra: object) -> User:
            user = User(username=username, first_name=first, last_name=last, team=team, **extra)
            user.roles = roles
            user.set_unusable_password()
            return user

        supervisors = User.objects.bulk_create(
            person(f"bench-supervisor-{n}", "Super", f"Visor{n}", {Role.SUPERVISOR}) for n in (1, 2)
        )
        lead = User.objects.bulk_create(
            [person("bench-lead", "Lena", "Lead", {Role.SERVICE_LEAD})]
        )[0]
        therapists = User.objects.bulk_create(
            person(
                f"bench-therapist-{n:02d}",
                GIVEN[n % len(GIVEN)],
                f"Therapist{n:02d}",
                {Role.THERAPIST},
                supervisor=supervisors[n % 2],
            )
            for n in range(therapist_count(self.count))
        )
        team.duty_clinician = therapists[0]
        team.save(update_fields=["duty_clinician"])
        return Staff(team, therapists, supervisors, lead)

    # --- planning ---------------------------------------------------------------------------

    def plan(self, staff: Staff) -> Iterator[list[PlannedCourse]]:
        """Each client's courses, oldest first; an empty list is a client waiting unallocated.
        A generator, so that only one batch of plans is held at a time."""
        rng = self.rng
        therapists = staff.therapists
        open_left = {t.pk: rng.randint(*OPEN_COURSES) for t in therapists}
        for index in range(self.count):
            if rng.random() < WAITING_SHARE:
                yield []
                continue
            therapist = therapists[index % len(therapists)]
            courses = []
            if open_left[therapist.pk] > 0:
                open_left[therapist.pk] -= 1
                courses.append(self.open_course(index, therapist))
            else:
                courses.append(self.ended_course(index, therapist, latest=self.today))
            if rng.random() < SECOND_REFERRAL_SHARE:
                earlier = courses[0].received_on - timedelta(days=rng.randint(200, 900))
                courses.insert(0, self.ended_course(index, therapist, latest=earlier))
            yield courses

    def _shape(self, course: PlannedCourse) -> PlannedCourse:
        course.severity = self.rng.uniform(11, 23)
        course.improvement = self.rng.uniform(-0.1, 0.8)
        self.schedule(course)
        return course

    def schedule(self, plan: PlannedCourse) -> None:
        """Weekly appointments and their attendance. A missed one uses no session and gets a
        slot added at the end (decisions §4). An ended course ends a few days after its last
        recorded appointment; an early ending cancels the next one, as ``end_course`` cancels
        what was still planned. An open course has planned sessions ahead."""
        slots = weekly_slots(
            plan.start,
            plan.start.weekday(),
            plan.session_time,
            plan.contracted + 2,
            "Europe/London",
        )
        statuses: list[Attendance] = []
        attended = 0
        for n, slot in enumerate(slots):
            if plan.state == CourseState.ACTIVE:
                if attended + statuses.count(Attendance.PLANNED) >= plan.contracted:
                    break
                if slot > self.now:
                    statuses.append(Attendance.PLANNED)
                    continue
            elif attended >= plan.attended:
                break
            if n + 1 in plan.missed_at:
                statuses.append(
                    self.rng.choice((Attendance.DID_NOT_ATTEND, Attendance.CANCELLED_BY_CLIENT))
                )
                continue
            attended += 1
            statuses.append(Attendance.ATTENDED)
        if plan.state != CourseState.ACTIVE:
            last_day = timezone.localdate(slots[len(statuses) - 1])
            plan.ended_on = last_day + timedelta(days=self.rng.randint(1, 6))
            if plan.state == CourseState.ENDED_EARLY:
                statuses.append(Attendance.CANCELLED_BY_SERVICE)
        plan.attended = attended
        plan.slots = slots[: len(statuses)]
        plan.statuses = statuses

    def open_course(self, index: int, therapist: User) -> PlannedCourse:
        rng = self.rng
        start = self.today - timedelta(weeks=rng.randint(0, 15), days=rng.randint(0, 6))
        course = PlannedCourse(
            client_index=index,
            therapist=therapist,
            received_on=start - timedelta(days=rng.randint(14, 60)),
            start=start,
            contracted=rng.choice((12, 14, 16, 16, 16)),
            state=CourseState.ACTIVE,
            missed_at=frozenset(rng.sample(range(1, 12), k=rng.choice((0, 0, 1, 2)))),
        )
        return self._shape(course)

    def ended_course(self, index: int, therapist: User, *, latest: date) -> PlannedCourse:
        rng = self.rng
        ends_before = min(latest, self.today - timedelta(days=7))
        start = ends_before - timedelta(days=rng.randint(130, HISTORY_DAYS))
        contracted = rng.choice((12, 14, 16, 16, 16))
        missed = frozenset(rng.sample(range(1, contracted), k=rng.choice((0, 0, 1, 2))))
        course = PlannedCourse(
            client_index=index,
            therapist=therapist,
            received_on=start - timedelta(days=rng.randint(14, 90)),
            start=start,
            contracted=contracted,
            state=CourseState.COMPLETED,
            attended=contracted,
            missed_at=missed,
        )
        if rng.random() < 0.3:
            course.state = CourseState.ENDED_EARLY
            course.attended = rng.randint(1, contracted - 2)
            course.reason = rng.choice(list(EarlyEndReason)[:4])
        return self._shape(course)

    # --- writing ----------------------------------------------------------------------------

    def build(self) -> Staff:
        staff = self.staff()
        plans = self.plan(staff)
        chain = Chain(hash_chain.chain_for(staff.team.pk))
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(total=self.count, unit="client", desc=f"bench data {self.size}")
        for first in range(0, self.count, BATCH_CLIENTS):
            with transaction.atomic():
                self.write_clients(staff, list(islice(plans, BATCH_CLIENTS)), first, chain)
                chain.write(self.writer)
            if bar is not None:
                bar.update(min(BATCH_CLIENTS, self.count - first))
        if bar is not None:
            bar.close()
        chain.close()
        self.writer.close()
        # The rows above bypass the services, which keep the outcomes report's stored rows current.
        rebuild_outcomes()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return staff

    def insert(self, model: type[M], rows: Sequence[M]) -> Sequence[M]:
        self.rows += len(rows)
        return self.writer.insert(model, rows)

    def at(self, day: date, hour: int = 9) -> datetime:
        return timezone.make_aware(datetime.combine(day, clock(hour, self.rng.randint(0, 59))))

    def write_clients(
        self, staff: Staff, plans: list[list[PlannedCourse]], first: int, chain: Chain
    ) -> None:
        rng = self.rng
        team = staff.team
        clients = self.insert(
            Client,
            [
                Client(
                    team=team,
                    therapist=courses[-1].therapist if courses else None,
                    given_name=GIVEN[(first + n) % len(GIVEN)],
                    family_name=f"{FAMILY[(first + n) // len(GIVEN) % len(FAMILY)]}-{first + n}",
                    date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000)),
                    nhs_number=next(self.numbers),
                    postcode="EX1 9ZZ",
                    gp_practice="Mill Lane Surgery",
                    large_print=rng.random() < 0.05,
                )
                for n, courses in enumerate(plans)
            ],
        )
        for client, courses in zip(clients, plans, strict=True):
            chain.add(
                AuditEvent(
                    occurred_at=self.at(courses[0].received_on if courses else self.today),
                    actor_id=(courses[-1].therapist if courses else staff.lead).pk,
                    team_id=team.pk,
                    action="client.register",
                    client_id=client.pk,
                    object_type="clients.client",
                    object_id=str(client.pk),
                )
            )
        waiting = [
            Referral(
                client_id=client.pk,
                received_on=self.today - timedelta(days=rng.randint(1, 60)),
                referrer=rng.choice(REFERRERS),
                reason=rng.choice(REASONS),
            )
            for client, courses in zip(clients, plans, strict=True)
            if not courses
        ]
        planned = [
            (client, course)
            for client, courses in zip(clients, plans, strict=True)
            for course in courses
        ]
        referrals = self.insert(
            Referral,
            [
                Referral(
                    client_id=client.pk,
                    received_on=course.received_on,
                    referrer=rng.choice(REFERRERS),
                    reason=rng.choice(REASONS),
                    closed_on=course.ended_on,
                )
                for client, course in planned
            ]
            + waiting,
        )
        courses = self.insert(
            Course,
            [
                self.course_row(course, referral)
                for (_client, course), referral in zip(planned, referrals, strict=False)
            ],
        )
        for (client, plan), course in zip(planned, courses, strict=True):
            chain.add(
                self.event(plan.therapist, client.pk, course, "course.open", self.at(plan.start))
            )
        self.write_sessions(team, planned, courses, referrals, chain)
        self.write_endings(staff, planned, courses, chain)

    def course_row(self, plan: PlannedCourse, referral: Referral) -> Course:
        weekday = plan.start.weekday()
        agreed = plan.start + timedelta(weeks=3)
        reached_agreement = plan.state != CourseState.ACTIVE or agreed < self.today
        return Course(
            referral_id=referral.pk,
            contracted_sessions=plan.contracted,
            contract_agreed_on=agreed if reached_agreement else None,
            middle_phase_allowed_on=agreed + timedelta(days=1) if reached_agreement else None,
            state=plan.state,
            start_date=plan.start,
            weekday=weekday,
            session_time=plan.session_time,
            ended_on=plan.ended_on,
            early_end_reason=plan.reason,
            end_note="",
            ending_raised_on=plan.start + timedelta(weeks=max(plan.contracted - 4, 1))
            if plan.state == CourseState.COMPLETED
            else None,
        )

    def event(
        self,
        actor: User,
        client_id: int,
        obj: models.Model,
        action: str,
        when: datetime,
        detail: dict[str, object] | None = None,
    ) -> AuditEvent:
        return AuditEvent(
            occurred_at=when,
            actor_id=actor.pk,
            team_id=actor.team_id,
            action=action,
            client_id=client_id,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            detail=detail or {},
        )

    def write_sessions(
        self,
        team: Team,
        planned: list[tuple[Client, PlannedCourse]],
        courses: list[Course],
        referrals: list[Referral],
        chain: Chain,
    ) -> None:
        rows = []
        for (_client, plan), course in zip(planned, courses, strict=True):
            plan.appointments = [
                Appointment(
                    course_id=course.pk,
                    starts_at=slot,
                    status=status,
                    status_changed_at=None if status is Attendance.PLANNED else slot,
                    status_changed_by_id=None
                    if status is Attendance.PLANNED
                    else plan.therapist.pk,
                )
                for slot, status in zip(plan.slots, plan.statuses, strict=True)
            ]
            rows.extend(plan.appointments)
        self.insert(Appointment, rows)
        records, responses = [], []
        for (client, plan), course, referral in zip(planned, courses, referrals, strict=False):
            attended = [a for a in plan.appointments if a.status == Attendance.ATTENDED]
            for a in plan.appointments:
                if a.status != Attendance.PLANNED:
                    chain.add(
                        self.event(
                            plan.therapist,
                            client.pk,
                            a,
                            "appointment.attendance",
                            a.starts_at + timedelta(hours=1),
                            {"status": a.status},
                        )
                    )
            for number, appointment in enumerate(attended, start=1):
                records.append(self.record(plan, course, appointment, number, len(attended)))
                for form in self.forms_due(number, len(attended), plan):
                    responses.append(
                        (
                            plan,
                            self.response(team, plan, client, referral, appointment, form, number),
                        )
                    )
        self.insert(SessionRecord, [r for r in records if r is not None])
        self.insert(QuestionnaireResponse, [r for _plan, r in responses])
        self.insert(
            QuestionnaireRevision,
            [
                QuestionnaireRevision(
                    response_id=r.pk,
                    version=1,
                    answers=r.answers,
                    total=r.total,
                    prorated=r.prorated,
                    risk=r.risk,
                    changed_by_id=r.recorded_by_id,
                )
                for _plan, r in responses
            ],
        )
        starts_at = {a.pk: a.starts_at for _c, plan in planned for a in plan.appointments}
        self.write_alerts(team, responses, starts_at, chain)

    def forms_due(self, number: int, attended: int, plan: PlannedCourse) -> list[Instrument]:
        """PHQ-9 and GAD-7 at every attended session; WSAS at the first, middle and last
        (decisions §12), the last being known only for an ended course."""
        forms = [PHQ9, GAD7]
        middle = max(plan.contracted // 2, 1)
        last = plan.state != CourseState.ACTIVE and number == attended
        if number in (1, middle) or last:
            forms.append(WSAS)
        return forms

    def record(
        self, plan: PlannedCourse, course: Course, appointment: Appointment, number: int, of: int
    ) -> SessionRecord | None:
        # The latest session of some open courses is not written yet: "records to write".
        if plan.state == CourseState.ACTIVE and number == of and self.rng.random() < 0.3:
            return None
        key = (number, plan.contracted)
        if key not in self.checklists:
            checklist = session_checklist(number, plan.contracted, course.variant_enum)
            self.checklists[key] = ([t.code for t in checklist], checklist[-1].phase.value)
        tasks, phase = self.checklists[key]
        signed = appointment.starts_at + timedelta(hours=3)
        return SessionRecord(
            appointment_id=appointment.pk,
            agenda="Questionnaires, the week's events, then the focus.",
            notes=NOTES[phase],
            tasks_done=tasks,
            **NO_RISK_FOUND,
            created_by_id=plan.therapist.pk,
            signed_at=signed,
            signed_by_id=plan.therapist.pk,
        )

    def answers(self, form: Instrument, plan: PlannedCourse, number: int) -> dict[int, int | None]:
        """Answers whose total follows the course's trajectory, with noise; now and then one
        item is left blank (the core prorates or gives no total) or PHQ-9 item 9 is above 0."""
        rng = self.rng
        progress = min((number - 1) / max(plan.contracted - 1, 1), 1.0)
        items = form.scored_items
        top = max(o.value for o in items[0].options)
        share = plan.severity / 27 * (1 - plan.improvement * progress) + rng.uniform(-0.08, 0.08)
        share = min(max(share, 0.0), 1.0)
        answers: dict[int, int | None] = {
            item.number: min(top, max(0, round(share * top + rng.uniform(-1, 1)))) for item in items
        }
        if form is PHQ9:
            answers[form.risk_item] = 1 if rng.random() < RISK_ANSWER_SHARE else 0
        if rng.random() < 0.01:
            answers[rng.choice(items).number] = None
        return answers

    def response(
        self,
        team: Team,
        plan: PlannedCourse,
        client: Client,
        referral: Referral,
        appointment: Appointment,
        form: Instrument,
        number: int,
    ) -> QuestionnaireResponse:
        answers = self.answers(form, plan, number)
        response = QuestionnaireResponse(
            client_id=client.pk,
            referral_id=referral.pk,
            appointment_id=appointment.pk,
            instrument=form.code,
            completed_on=timezone.localdate(appointment.starts_at),
            answers=answers_to_json(answers),
            recorded_by_id=plan.therapist.pk,
        )
        _apply_score(response, _score(team, form, answers))
        return response

    def write_alerts(
        self,
        team: Team,
        responses: list[tuple[PlannedCourse, QuestionnaireResponse]],
        starts_at: dict[int, datetime],
        chain: Chain,
    ) -> None:
        """A risk answer raises an alert; it is reviewed unless recent and the course open (a
        course never ends with an alert nobody has looked at)."""
        recent = self.now - timedelta(days=OPEN_ALERT_DAYS)
        alerts = []
        for plan, response in responses:
            if not response.risk:
                continue
            raised = starts_at[response.appointment_id] + timedelta(minutes=50)
            still_open = plan.state == CourseState.ACTIVE and raised >= recent
            therapist = plan.therapist
            alerts.append(
                RiskAlert(
                    client_id=response.client_id,
                    source=AlertSource.QUESTIONNAIRE,
                    summary=_risk_summary(response),
                    questionnaire_id=response.pk,
                    raised_by=therapist,
                    raised_at=raised,
                    escalate_at=escalation_time(raised, team),
                    reviewed_by=None if still_open else therapist,
                    reviewed_at=None if still_open else raised + timedelta(hours=2),
                    assessment="" if still_open else "Talked it through in the session.",
                    action="" if still_open else "Safety plan reviewed; crisis numbers given.",
                )
            )
        for alert in self.insert(RiskAlert, alerts):
            if alert.reviewed_at is not None:
                chain.add(
                    self.event(
                        alert.raised_by,
                        alert.client_id,
                        alert,
                        "risk_alert.review",
                        alert.reviewed_at,
                    )
                )

    def write_endings(
        self,
        staff: Staff,
        planned: list[tuple[Client, PlannedCourse]],
        courses: list[Course],
        chain: Chain,
    ) -> None:
        endings, letters = [], []
        ended = [
            (client, plan, course)
            for (client, plan), course in zip(planned, courses, strict=True)
            if plan.state != CourseState.ACTIVE
        ]
        for client, plan, course in ended:
            when = self.at(plan.ended_on, 16)
            if plan.state == CourseState.COMPLETED:
                endings.append(
                    EndingRecord(
                        course=course,
                        **DEMO_ENDING,
                        created_by=plan.therapist,
                        updated_by=plan.therapist,
                        updated_at=when,
                    )
                )
            letters.append(
                letter(
                    client, course, LetterKind.GP_SUMMARY, plan.therapist, when + timedelta(days=1)
                )
            )
            chain.add(
                self.event(
                    plan.therapist,
                    client.pk,
                    course,
                    "course.end",
                    when,
                    {"state": str(plan.state), "reason": plan.reason},
                )
            )
        for client, plan, course in (
            (c, p, course) for (c, p), course in zip(planned, courses, strict=True)
        ):
            letters.append(
                letter(
                    client,
                    course,
                    LetterKind.APPOINTMENTS,
                    plan.therapist,
                    self.at(plan.start - timedelta(days=7)),
                )
            )
        self.insert(EndingRecord, endings)
        for issued in self.insert(IssuedLetter, letters):
            chain.add(
                self.event(
                    issued.issued_by,
                    issued.client_id,
                    issued,
                    "letter.issue",
                    issued.issued_at,
                    {"kind": issued.kind},
                )
            )


# --- the database ------------------------------------------------------------------------------


class NotOurs(Exception):
    """The database holds data this generator did not make."""


def made_here() -> bool:
    """True for an empty database, or one holding only a team this generator made; raises
    NotOurs otherwise, so that nobody's data is emptied by a mistyped address."""
    tables = set(connection.introspection.table_names())
    if not tables:
        return False
    if Team._meta.db_table not in tables:
        raise NotOurs(f"it has tables ({len(tables)}) but none of IPT Clinic's teams")
    names = list(Team.objects.values_list("name", flat=True))
    if not names:
        if Client.objects.exists() or User.objects.exists():
            raise NotOurs("it holds people or clients but no team")
        return True
    if any(not name.startswith(TEAM_PREFIX) for name in names):
        raise NotOurs(f"it holds teams this generator did not make ({len(names)} teams)")
    return True


def empty_database() -> None:
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        path.unlink()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def generate(size: str, *, progress: bool = True) -> tuple[Staff, Generator]:
    """Migrate an empty database and fill it; the caller has checked it may be emptied."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A lost last second of a throwaway build costs nothing; waiting for each flush does.
            cursor.execute("SET synchronous_commit TO off")
    generator = Generator(size, progress=progress)
    return generator.build(), generator


def main(argv: list[str]) -> int:
    size = argv[0] if argv else "1k"
    if size not in SIZES:
        print(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}.", file=sys.stderr)
        return 2
    try:
        if made_here():
            empty_database()
    except NotOurs as refusal:
        print(
            f"Refusing to build bench data in {connection.settings_dict['NAME']}: {refusal}. "
            "Give BENCH_DATABASE_URL an empty database, or one this generator made.",
            file=sys.stderr,
        )
        return 1
    started = time.perf_counter()
    staff, generator = generate(size)
    seconds = time.perf_counter() - started
    print(
        f"{connection.vendor}: {generator.count:,} clients, {len(staff.therapists)} therapists, "
        f"{generator.rows:,} rows and {AuditEvent.objects.count():,} audit events "
        f"in {seconds:.0f} s ({connection.settings_dict['NAME']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
