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

Rows are written in bulk, as tuples in the column order of the project's models (one COPY per
table and batch on PostgreSQL): no signal, service or per-row save runs, so the history tables of django-simple-history hold no rows for
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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any

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
from iptclinic.ipt.variants import Variant  # noqa: E402
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


class JsonText(str):
    """A JSON value already serialised, written as it is: the generator serialises each distinct
    value once (a questionnaire's answers, a session's checklist) rather than for every row."""


def value_preparer(field: models.Field) -> Callable[[Any], Any] | None:
    """What turns a field's Python value into what the database driver takes, or None where the
    driver takes it as it is: the conversions of the fields' ``get_db_prep_value``, found once
    per column rather than for every value."""
    ops = connections[DEFAULT_DB_ALIAS].ops
    if isinstance(field, models.JSONField):
        dumps = partial(json.dumps, cls=field.encoder)
        return lambda value: value if isinstance(value, JsonText) else JsonText(dumps(value))
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    return None


class Table:
    """One model's rows, held until the batch is written: tuples in the order of the model's
    concrete fields (the schema stays the source of truth), each value as the driver takes it.
    A row is the values given, over the values every row of this build shares, over each field's
    default, as ``Model.__init__`` fills them; ``auto_now`` fields get the time of the build.
    Ids are given here, after the table's highest, so related rows can name them at once.

    No model instance is made: at 1k clients, making ~100,000 of them cost 2 s of a 13 s build.
    """

    def __init__(self, model: type[models.Model], *, now: datetime, **shared: Any) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.pk_name = model._meta.pk.attname
        self.columns = [field.column for field in fields]
        self.preparers = {
            field.attname: prepare
            for field in fields
            if (prepare := value_preparer(field)) is not None
        }
        defaults = {
            field.attname: now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default()
            for field in fields
        }
        self.check_names(shared, defaults)
        self.defaults = self.prepared(defaults | shared)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        highest = model.objects.aggregate(highest=models.Max("pk"))["highest"]
        self.next_id = (highest or 0) + 1

    def check_names(self, values: dict[str, Any], fields: dict[str, Any]) -> None:
        unknown = values.keys() - fields.keys()
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {', '.join(sorted(unknown))}")

    def prepared(self, values: dict[str, Any]) -> dict[str, Any]:
        for name, prepare in self.preparers.items():
            value = values.get(name)
            if value is not None:
                values[name] = prepare(value)
        return values

    def add(self, **values: Any) -> int:
        """Hold one row; its id."""
        pk = self.next_id
        self.next_id = pk + 1
        values[self.pk_name] = pk
        if self.preparers:  # on PostgreSQL most tables have none
            self.prepared(values)
        row = self.defaults | values
        if len(row) != len(self.columns):
            self.check_names(values, self.defaults)
        self.rows.append(tuple(row.values()))
        return pk

    def take(self) -> list[tuple[Any, ...]]:
        """The rows held, handed over to be written."""
        rows, self.rows = self.rows, []
        self.written += len(rows)
        return rows

    def copy(self, rows: list[tuple[Any, ...]]) -> None:
        """Write rows, by one COPY on PostgreSQL or one executemany on SQLite.

        Django's ``bulk_create`` compiles every value through its SQL compiler; profiled at 200
        clients (17,000 rows), when rows were still model instances, the whole build took 15.8 s
        with it and 5.8 s with this."""
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(self.columns))
                cursor.cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - model names
                    rows,
                )


def copy_batch(batch: list[tuple[Table, list[tuple[Any, ...]]]]) -> None:
    with transaction.atomic():
        for table, rows in batch:
            table.copy(rows)


def quick_commits() -> None:
    # A lost last second of a throwaway build costs nothing; waiting for each flush does.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")


class Writer:
    """The build's tables, written together once a batch of clients is held, in the order they
    were made (parents first), in one transaction.

    On PostgreSQL a thread writes each batch on a connection of its own while the next is built:
    checking the batch's foreign keys at commit and the end of each COPY kept the generator
    waiting for about a third of the build (10k clients: 20 s of 45). Inside a caller's
    transaction (the tests) batches are written on that transaction's connection, in turn.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.tables: list[Table] = []
        self.thread: ThreadPoolExecutor | None = None
        self.writing: Future[None] | None = None

    def table(self, model: type[models.Model], **shared: Any) -> Table:
        table = Table(model, now=self.now, **shared)
        self.tables.append(table)
        return table

    def write(self) -> None:
        """Write the rows held: at once, or in the thread once the batch before is written."""
        batch = [(table, table.take()) for table in self.tables]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            copy_batch(batch)
            return
        if self.thread is None:
            self.thread = ThreadPoolExecutor(1, initializer=quick_commits)
        self.wait()
        self.writing = self.thread.submit(copy_batch, batch)

    def wait(self) -> None:
        """Until the batch being written is written (its error, if it failed)."""
        if self.writing is not None:
            self.writing.result()
            self.writing = None

    def close(self) -> None:
        """Finish writing; then move each table's id sequence past the ids given here
        (PostgreSQL)."""
        from django.core.management.color import no_style

        if self.thread is not None:
            self.wait()
            self.thread.submit(connections.close_all).result()
            self.thread.shutdown()

        models_written = [table.model for table in self.tables]
        statements = connection.ops.sequence_reset_sql(no_style(), models_written)
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

    @property
    def session_time(self) -> clock:
        return clock(9 + self.client_index % 8, 0)


@dataclass
class Chain:
    """The team's audit chain: events are hashed in order as ``AuditEvent.save`` would."""

    name: str
    events: Table
    sequence: int = 0
    previous: str = hash_chain.GENESIS

    def add(
        self,
        *,
        actor: User,
        client_id: int,
        model: type[models.Model],
        object_id: int,
        action: str,
        at: datetime,
        detail: dict[str, object] | None = None,
    ) -> None:
        self.sequence += 1
        values = {
            "occurred_at": at,
            "actor_id": actor.pk,
            "team_id": actor.team_id,
            "action": action,
            "client_id": client_id,
            "object_type": model._meta.label_lower,
            "object_id": str(object_id),
            "detail": hash_chain.normalised(detail or {}),
            "chain": self.name,
            "sequence": self.sequence,
            "previous_hash": self.previous,
        }
        self.previous = hash_chain.event_hash(
            self.events.defaults | values,
            chain=self.name,
            sequence=self.sequence,
            previous_hash=values["previous_hash"],
        )
        # AuditEvent.objects refuses bulk_create because the model chains each event as it is
        # saved; these are chained here in the same way, so they are written as they are.
        self.events.add(**values, hash=self.previous)

    def close(self) -> None:
        AuditChainHead.objects.update_or_create(
            chain=self.name,
            defaults={"last_sequence": self.sequence, "last_hash": self.previous},
        )


@dataclass
class Output:
    """Where the build's rows go: a table for each model, with the values all its rows share,
    and the team's audit chain."""

    clients: Table
    referrals: Table
    courses: Table
    appointments: Table
    records: Table
    responses: Table
    revisions: Table
    alerts: Table
    endings: Table
    letters: Table
    chain: Chain

    @classmethod
    def for_team(cls, writer: Writer, team: Team) -> Output:
        return cls(
            clients=writer.table(
                Client, team_id=team.pk, postcode="EX1 9ZZ", gp_practice="Mill Lane Surgery"
            ),
            referrals=writer.table(Referral),
            courses=writer.table(Course),
            appointments=writer.table(Appointment),
            records=writer.table(
                SessionRecord,
                agenda="Questionnaires, the week's events, then the focus.",
                **NO_RISK_FOUND,
            ),
            responses=writer.table(QuestionnaireResponse),
            revisions=writer.table(QuestionnaireRevision, version=1),
            alerts=writer.table(RiskAlert, source=AlertSource.QUESTIONNAIRE),
            endings=writer.table(EndingRecord, **DEMO_ENDING),
            # Letters are issued in English; their files are not made (no page reads them in bulk).
            letters=writer.table(
                IssuedLetter,
                language="en",
                language_name="English",
                translation_status="Original wording.",
            ),
            chain=Chain(hash_chain.chain_for(team.pk), writer.table(AuditEvent)),
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
        self.zone = timezone.get_current_timezone()
        self.variant = Variant(Course._meta.get_field("variant").get_default())
        # What repeats across rows, found once: a session's checklist (its stored tasks and the
        # notes of its phase), an instrument's item numbers and top answer, a response's columns.
        self.checklists: dict[tuple[int, int], tuple[JsonText, str]] = {}
        self.form_shapes: dict[str, tuple[list[int], int]] = {}
        self.scores: dict[tuple[str | int | None, ...], dict[str, Any]] = {}
        self.rows = 0  # written, besides the audit events
        self.writer = Writer(self.now)

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
        out = Output.for_team(self.writer, staff.team)
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(total=self.count, unit="client", desc=f"bench data {self.size}")
        for first in range(0, self.count, BATCH_CLIENTS):
            batch = list(islice(plans, BATCH_CLIENTS))
            for index, courses in enumerate(batch, start=first):
                self.add_client(staff, out, index, courses)
            self.writer.write()
            if bar is not None:
                bar.update(len(batch))
        if bar is not None:
            bar.close()
        self.rows = sum(
            table.written for table in self.writer.tables if table is not out.chain.events
        )
        self.writer.close()
        out.chain.close()
        # The rows above bypass the services, which keep the outcomes report's stored rows current.
        rebuild_outcomes()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "postgresql":
                # As docs/deploy.md asks of a deployment: the data is in memory or on SSD, so an
                # index lookup costs about what a sequential read does. The bench's connections
                # open after this and take it.
                cursor.execute(
                    f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                    "SET random_page_cost = 1.1"
                )
        return staff

    def at(self, day: date, hour: int = 9) -> datetime:
        return datetime.combine(day, clock(hour, self.rng.randrange(60)), tzinfo=self.zone)

    def add_client(
        self, staff: Staff, out: Output, index: int, courses: list[PlannedCourse]
    ) -> None:
        rng = self.rng
        therapist = courses[-1].therapist if courses else None
        client_id = out.clients.add(
            therapist_id=therapist.pk if therapist else None,
            given_name=GIVEN[index % len(GIVEN)],
            family_name=f"{FAMILY[index // len(GIVEN) % len(FAMILY)]}-{index}",
            date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000)),
            nhs_number=next(self.numbers),
            large_print=rng.random() < 0.05,
        )
        out.chain.add(
            actor=therapist or staff.lead,
            client_id=client_id,
            model=Client,
            object_id=client_id,
            action="client.register",
            at=self.at(courses[0].received_on if courses else self.today),
        )
        if not courses:
            out.referrals.add(
                client_id=client_id,
                received_on=self.today - timedelta(days=rng.randint(1, 60)),
                referrer=rng.choice(REFERRERS),
                reason=rng.choice(REASONS),
            )
        for plan in courses:
            self.add_course(staff.team, out, client_id, plan)

    def add_course(self, team: Team, out: Output, client_id: int, plan: PlannedCourse) -> None:
        referral_id = out.referrals.add(
            client_id=client_id,
            received_on=plan.received_on,
            referrer=self.rng.choice(REFERRERS),
            reason=self.rng.choice(REASONS),
            closed_on=plan.ended_on,
        )
        agreed = plan.start + timedelta(weeks=3)
        reached_agreement = plan.state != CourseState.ACTIVE or agreed < self.today
        course_id = out.courses.add(
            referral_id=referral_id,
            contracted_sessions=plan.contracted,
            contract_agreed_on=agreed if reached_agreement else None,
            middle_phase_allowed_on=agreed + timedelta(days=1) if reached_agreement else None,
            state=plan.state,
            start_date=plan.start,
            weekday=plan.start.weekday(),
            session_time=plan.session_time,
            ended_on=plan.ended_on,
            early_end_reason=plan.reason,
            ending_raised_on=plan.start + timedelta(weeks=max(plan.contracted - 4, 1))
            if plan.state == CourseState.COMPLETED
            else None,
        )
        therapist = plan.therapist
        out.chain.add(
            actor=therapist,
            client_id=client_id,
            model=Course,
            object_id=course_id,
            action="course.open",
            at=self.at(plan.start),
        )
        number = 0
        for slot, status in zip(plan.slots, plan.statuses, strict=True):
            planned = status is Attendance.PLANNED
            appointment_id = out.appointments.add(
                course_id=course_id,
                starts_at=slot,
                status=status,
                status_changed_at=None if planned else slot,
                status_changed_by_id=None if planned else therapist.pk,
            )
            if planned:
                continue
            out.chain.add(
                actor=therapist,
                client_id=client_id,
                model=Appointment,
                object_id=appointment_id,
                action="appointment.attendance",
                at=slot + timedelta(hours=1),
                detail={"status": status},
            )
            if status is Attendance.ATTENDED:
                number += 1
                self.add_record(out, plan, appointment_id, slot, number)
                for form in self.forms_due(number, plan):
                    self.add_response(
                        team, out, plan, client_id, referral_id, appointment_id, slot, form, number
                    )
        if plan.state != CourseState.ACTIVE:
            self.add_ending(out, plan, client_id, course_id)
        self.add_letter(
            out,
            plan,
            client_id,
            course_id,
            LetterKind.APPOINTMENTS,
            self.at(plan.start - timedelta(days=7)),
        )

    def forms_due(self, number: int, plan: PlannedCourse) -> list[Instrument]:
        """PHQ-9 and GAD-7 at every attended session; WSAS at the first, middle and last
        (decisions §12), the last being known only for an ended course."""
        middle = max(plan.contracted // 2, 1)
        last = plan.state != CourseState.ACTIVE and number == plan.attended
        if number in (1, middle) or last:
            return [PHQ9, GAD7, WSAS]
        return [PHQ9, GAD7]

    def add_record(
        self, out: Output, plan: PlannedCourse, appointment_id: int, slot: datetime, number: int
    ) -> None:
        # The latest session of some open courses is not written yet: "records to write".
        if plan.state == CourseState.ACTIVE and number == plan.attended and self.rng.random() < 0.3:
            return
        key = (number, plan.contracted)
        if key not in self.checklists:
            checklist = session_checklist(number, plan.contracted, self.variant)
            tasks = out.records.prepared({"tasks_done": [t.code for t in checklist]})
            self.checklists[key] = (tasks["tasks_done"], NOTES[checklist[-1].phase.value])
        tasks, notes = self.checklists[key]
        out.records.add(
            appointment_id=appointment_id,
            notes=notes,
            tasks_done=tasks,
            created_by_id=plan.therapist.pk,
            signed_at=slot + timedelta(hours=3),
            signed_by_id=plan.therapist.pk,
        )

    def answers(self, form: Instrument, plan: PlannedCourse, number: int) -> dict[int, int | None]:
        """Answers whose total follows the course's trajectory, with noise; now and then one
        item is left blank (the core prorates or gives no total) or PHQ-9 item 9 is above 0."""
        draw = self.rng.random
        if form.code not in self.form_shapes:
            items = form.scored_items
            self.form_shapes[form.code] = (
                [item.number for item in items],
                max(o.value for o in items[0].options),
            )
        numbers, top = self.form_shapes[form.code]
        progress = min((number - 1) / max(plan.contracted - 1, 1), 1.0)
        share = plan.severity / 27 * (1 - plan.improvement * progress) + 0.16 * draw() - 0.08
        share = min(max(share, 0.0), 1.0)
        # Each item is within one of the share of its top answer, as rounding share * top + U(-1, 1).
        centre = share * top - 1
        answers: dict[int, int | None] = {
            item: min(top, max(0, round(centre + 2 * draw()))) for item in numbers
        }
        if form is PHQ9:
            answers[form.risk_item] = 1 if draw() < RISK_ANSWER_SHARE else 0
        if draw() < 0.01:
            answers[self.rng.choice(numbers)] = None
        return answers

    def scored(
        self, team: Team, out: Output, form: Instrument, answers: dict[int, int | None]
    ) -> dict[str, Any]:
        """The stored answers and score of a response, from the core, as its columns. Answers
        repeat (a small space per instrument), so each distinct set is scored and serialised once."""
        key = (form.code, *answers.values())
        columns = self.scores.get(key)
        if columns is None:
            # The service's own mapping of a score to a response's fields (it only sets them).
            score_fields = SimpleNamespace()
            _apply_score(score_fields, _score(team, form, answers))
            stored = out.responses.prepared({"answers": answers_to_json(answers)})
            columns = stored | vars(score_fields)
            self.scores[key] = columns
        return columns

    def add_response(
        self,
        team: Team,
        out: Output,
        plan: PlannedCourse,
        client_id: int,
        referral_id: int,
        appointment_id: int,
        slot: datetime,
        form: Instrument,
        number: int,
    ) -> None:
        answers = self.answers(form, plan, number)
        scored = self.scored(team, out, form, answers)
        therapist_id = plan.therapist.pk
        response_id = out.responses.add(
            client_id=client_id,
            referral_id=referral_id,
            appointment_id=appointment_id,
            instrument=form.code,
            completed_on=slot.astimezone(self.zone).date(),
            recorded_by_id=therapist_id,
            **scored,
        )
        out.revisions.add(
            response_id=response_id,
            answers=scored["answers"],
            total=scored["total"],
            prorated=scored["prorated"],
            risk=scored["risk"],
            changed_by_id=therapist_id,
        )
        if scored["risk"]:
            self.add_alert(team, out, plan, client_id, response_id, slot, form, scored["answers"])

    def add_alert(
        self,
        team: Team,
        out: Output,
        plan: PlannedCourse,
        client_id: int,
        response_id: int,
        slot: datetime,
        form: Instrument,
        answers: str,
    ) -> None:
        """A risk answer raises an alert; it is reviewed unless recent and the course open (a
        course never ends with an alert nobody has looked at)."""
        raised = slot + timedelta(minutes=50)
        still_open = plan.state == CourseState.ACTIVE and raised >= self.now - timedelta(
            days=OPEN_ALERT_DAYS
        )
        therapist = plan.therapist
        reviewed_at = None if still_open else raised + timedelta(hours=2)
        answered = QuestionnaireResponse(instrument=form.code, answers=json.loads(answers))
        alert_id = out.alerts.add(
            client_id=client_id,
            summary=_risk_summary(answered),
            questionnaire_id=response_id,
            raised_by_id=therapist.pk,
            raised_at=raised,
            escalate_at=escalation_time(raised, team),
            reviewed_by_id=None if still_open else therapist.pk,
            reviewed_at=reviewed_at,
            assessment="" if still_open else "Talked it through in the session.",
            action="" if still_open else "Safety plan reviewed; crisis numbers given.",
        )
        if reviewed_at is not None:
            out.chain.add(
                actor=therapist,
                client_id=client_id,
                model=RiskAlert,
                object_id=alert_id,
                action="risk_alert.review",
                at=reviewed_at,
            )

    def add_ending(self, out: Output, plan: PlannedCourse, client_id: int, course_id: int) -> None:
        assert plan.ended_on is not None
        when = self.at(plan.ended_on, 16)
        therapist_id = plan.therapist.pk
        if plan.state == CourseState.COMPLETED:
            out.endings.add(
                course_id=course_id,
                created_by_id=therapist_id,
                updated_by_id=therapist_id,
                updated_at=when,
            )
        out.chain.add(
            actor=plan.therapist,
            client_id=client_id,
            model=Course,
            object_id=course_id,
            action="course.end",
            at=when,
            detail={"state": str(plan.state), "reason": plan.reason},
        )
        self.add_letter(
            out, plan, client_id, course_id, LetterKind.GP_SUMMARY, when + timedelta(days=1)
        )

    def add_letter(
        self,
        out: Output,
        plan: PlannedCourse,
        client_id: int,
        course_id: int,
        kind: LetterKind,
        at: datetime,
    ) -> None:
        letter_id = out.letters.add(
            client_id=client_id,
            course_id=course_id,
            kind=kind,
            subject=kind.label,
            issued_by_id=plan.therapist.pk,
            issued_at=at,
        )
        out.chain.add(
            actor=plan.therapist,
            client_id=client_id,
            model=IssuedLetter,
            object_id=letter_id,
            action="letter.issue",
            at=at,
            detail={"kind": kind},
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
        quick_commits()
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
