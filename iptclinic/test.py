"""Named personas for tests, built the same way in every test file (style.md §8).

- Tess, an IPT therapist, holds Cara; Sam supervises Tess; Otto is another therapist in the same
  team and must get 404 on Cara; Lee leads the team; Hana works in another team; Cara has a
  portal login.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

import django_otp
import pytest
from django.http import HttpRequest
from django.test import Client as HttpClient
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from iptclinic.accounts.models import Role, Team, User
from iptclinic.clients import services as client_services
from iptclinic.clients.models import Client
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.variants import Variant

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test accounts only
# The key of every persona's authenticator app in tests (hex), so a test can compute the code.
TOTP_KEY = "3132333435363738393031323334353637383930"

__all__ = [
    "PASSWORD",
    "TOTP_KEY",
    "VerifiedClient",
    "fresh_totp_code",
    "give_authenticator_app",
    "totp_code",
    "attend_next",
    "cara",
    "cara_course",
    "cara_user",
    "hana",
    "hana_client",
    "lee",
    "make_client",
    "make_user",
    "open_course_for",
    "password_signs_in",
    "record_the_past_as_missed",
    "run_background_work",
    "otto",
    "other_team",
    "ruth",
    "sam",
    "team",
    "tess",
]


def make_user(team: Team, username: str, role: Role | Iterable[Role], **extra: Any) -> User:
    """A person of ``team`` who holds ``role``, or each role of a set such as
    ``{Role.THERAPIST, Role.SUPERVISOR}``; their password is ``PASSWORD``."""
    roles = {role} if isinstance(role, str) else set(role)
    user = User(username=username, first_name=username.capitalize(), team=team, **extra)
    user.roles = roles
    user.set_password(PASSWORD)
    user.save()
    return user


def give_authenticator_app(user: User) -> Any:
    """A confirmed TOTP device with the known test key (one per person)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=TOTP_KEY, confirmed=True
    )


def totp_code(device: Any, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` steps later, as an app whose
    clock runs a little fast would: the server accepts one step either side)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def fresh_totp_code(user: User) -> str:
    """A code the server has not seen yet: a code is accepted once, and a journey may sign the
    same person in twice within one 30-second step. Then the next step's code is used (within
    the server's tolerance); if that was used too, the person's app is set up again."""
    import time

    device = give_authenticator_app(user)
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    for ahead in (0, 1):
        if device.last_t < now_step + ahead:
            return totp_code(device, ahead)
    device.delete()
    return totp_code(give_authenticator_app(user))


def password_signs_in(username: str, password: str) -> bool:
    """Whether the sign-in page accepts ``password`` for ``username`` (the first step only).

    The test client's ``login()`` cannot be used: the sign-in throttle needs the request."""
    browser = HttpClient()
    browser.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in browser.session


class VerifiedClient(HttpClient):
    """The test client whose ``force_login`` also passes the second factor, as a real sign-in
    does: the person gets an authenticator app (a real django-otp device), the session is
    verified with it through ``django_otp.login``, and it is marked as freshly confirmed.

    Tests of the second factor itself use a plain ``django.test.Client`` (the
    ``unverified_client`` fixture) to get a session that has passed only the password.
    """

    def force_login(self, user: Any, backend: str | None = None) -> None:
        from iptclinic.accounts import mfa

        super().force_login(user, backend)
        request = HttpRequest()
        request.session = self.session
        request.user = user
        django_otp.login(request, give_authenticator_app(user))
        # As mfa.mark_confirmed, but keeping the session key the client's cookie holds.
        request.session[mfa.CONFIRMED_AT] = timezone.now().isoformat()
        request.session.save()


def make_client(
    actor: User, therapist: User | None, given: str, family: str = "Example", **details: Any
) -> Client:
    return client_services.register_client(
        actor=actor,
        therapist=therapist,
        details={
            "given_name": given,
            "family_name": family,
            "date_of_birth": date(1985, 4, 23),
            **details,
        },
        referral={
            "received_on": timezone.localdate() - timedelta(weeks=30),
            "referrer": "Dr Example, Mill Lane Surgery",
            "reason": "Low mood.",
            "presenting_problem": "depression",
        },
    )


def open_course_for(
    client: Client,
    therapist: User,
    *,
    weeks_ago: int = 6,
    contracted: int = 16,
    variant: Variant = Variant.LEAFLET,
) -> Course:
    start = timezone.localdate() - timedelta(weeks=weeks_ago)
    return course_services.open_course(
        client.referrals.get(),
        actor=therapist,
        contracted_sessions=contracted,
        start_date=start,
        weekday=start.weekday(),
        session_time=time(10, 0),
        variant=variant,
    )


def record_the_past_as_missed(course: Course, actor: User) -> None:
    """Mark every planned appointment that has already started as did-not-attend.

    Only appointments whose start has passed: one later today is still in the future, so the
    result is the same whatever the hour the suite runs at.
    """
    now = timezone.now()
    for appointment in course.appointments.filter(status="planned", starts_at__lte=now):
        course_services.set_attendance(appointment, actor=actor, status="did_not_attend")


def run_background_work() -> None:
    """Run every task that is ready, as a background worker would, until none is left.

    The worker's own loop is not used: it closes database connections between tasks, which
    would end the test's transaction on PostgreSQL.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while (ready := DBTaskResult.objects.ready().first()) is not None:
        ready.claim(worker.worker_id)
        worker.run_task(ready)


def attend_next(course: Course, actor: User, count: int = 1) -> list[Appointment]:
    """Mark the next ``count`` planned appointments as attended."""
    attended = []
    for appointment in course.appointments.filter(status="planned").order_by("starts_at")[:count]:
        attended.append(course_services.set_attendance(appointment, actor=actor, status="attended"))
    return attended


@pytest.fixture
def team(db: None) -> Team:
    return Team.objects.create(name="Riverside IPT Service")


@pytest.fixture
def other_team(db: None) -> Team:
    return Team.objects.create(name="Hillside IPT Service")


@pytest.fixture
def sam(team: Team) -> User:
    return make_user(team, "sam", Role.SUPERVISOR)


@pytest.fixture
def tess(team: Team, sam: User) -> User:
    return make_user(team, "tess", Role.THERAPIST, supervisor=sam)


@pytest.fixture
def otto(team: Team) -> User:
    return make_user(team, "otto", Role.THERAPIST)


@pytest.fixture
def lee(team: Team) -> User:
    return make_user(team, "lee", Role.SERVICE_LEAD)


@pytest.fixture
def hana(other_team: Team) -> User:
    return make_user(other_team, "hana", Role.THERAPIST)


@pytest.fixture
def cara(tess: User) -> Client:
    return make_client(tess, tess, "Cara", "Whitfield", nhs_number="9434765919", large_print=True)


@pytest.fixture
def cara_user(cara: Client) -> User:
    user = make_user(cara.team, "cara", Role.SERVICE_USER)
    cara.portal_user = user
    cara.save(update_fields=["portal_user"])
    return user


@pytest.fixture
def cara_course(cara: Client, tess: User) -> Course:
    return open_course_for(cara, tess)


@pytest.fixture
def ruth(otto: User) -> Client:
    return make_client(otto, otto, "Ruth", "Adeyemi")


@pytest.fixture
def hana_client(hana: User) -> Client:
    return make_client(hana, hana, "Ingrid", "Hall")
