"""Speed benchmarks for IPT Clinic (``make bench``). Targets live here, never in timed tests.

Builds a throwaway database (SQLite by default, or BENCH_DATABASE_URL) with a large team, then
times the pages a therapist and a service lead open most, the pure rules used on every page, and
issuing a letter: the request (which must answer at once) and the worker making it (reported).
Then, over HTTP against a threaded live server, times a signed-in therapist's caseload alone and
while 500 sign-in attempts flood the sign-in page from several threads (from one address, then
each from another address): throttled sign-in must keep the caseload answering.
Prints median and 95th percentile per case and whether it meets its target; exits 1 on a miss.
"""

from __future__ import annotations

import json
import logging
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import OpenerDirector, Request, build_opener

# The flood comes through one trusted reverse proxy, so that each attempt can carry its address.
os.environ["IPTCLINIC_TRUSTED_PROXIES"] = "1"

import throwaway  # noqa: E402, F401 - Django set up on the throwaway database
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from iptclinic.accounts.models import Team, User  # noqa: E402
from iptclinic.attention.services import sync_team  # noqa: E402
from iptclinic.clients.models import Client  # noqa: E402
from iptclinic.courses.models import Course  # noqa: E402
from iptclinic.ipt.case import (  # noqa: E402
    ApproxDate,
    Case,
    Conflict,
    DatePrecision,
    EventKind,
    LifeEvent,
    LifeStatus,
    Relationship,
    RelationshipType,
)
from iptclinic.ipt.focus import suggest  # noqa: E402
from iptclinic.ipt.phases import phase_for_session  # noqa: E402
from iptclinic.letters.models import LetterRequest, RequestStatus  # noqa: E402
from iptclinic.letters.tasks import make_letter  # noqa: E402
from iptclinic.test import VerifiedClient as HttpClient  # noqa: E402

CLIENTS_PER_THERAPIST = 25
THERAPISTS = 8
REPEATS = 30
ISSUE = "issue a letter: the request (audio, Braille)"
MAKE = "issue a letter: the worker making it"
COPY = "copy of a whole record: the worker making it"
PORTAL_HOME = "portal home (100 past questionnaires)"
PORTAL_SCORES = "portal scores page (100 past questionnaires)"
# Milliseconds at the median, on a 2-core machine with SQLite. None: measured and reported only.
TARGETS_MS: dict[str, int | None] = {
    "caseload (therapist, 25 clients)": 150,
    "caseload (service lead, 200 clients)": 600,
    "client page": 100,
    "phase_for_session x 1000": 20,
    # Measured median 244 ms (190-410 ms) on the 2-core machine while other suites ran; 20 s
    # (up to 29 s) before repeats were removed with a dict instead of a list scan. The target
    # leaves room for a busy machine and still fails at once if a step turns quadratic again.
    "suggest focus (20,000 events)": 1000,
    # One periodic run of the rules for the whole team (the steady state, after the first run
    # opened the items): measured 192 ms median on a busy 2-core machine; it runs every 5 minutes,
    # so even 10 times the clients leaves the workers idle most of the time.
    "safety net run (team of 200 clients)": 500,
    # About 150 open items for one therapist (every client has records to write and sign):
    # measured 86 ms median.
    "needs attention (therapist)": 150,
    # Issue 11 item 3: a service user's portal pages with 100 past questionnaires (their query
    # count is flat: tests/test_query_counts.py); the scores page draws three charts.
    PORTAL_HOME: 150,
    PORTAL_SCORES: 200,
    # The person presses "Issue the letter" and must get the progress page at once.
    ISSUE: 300,
    # Seconds of rendering (speech most); nobody waits on a request for it, the progress page
    # shows it coming. Reported so a slower format or tool shows up here.
    MAKE: None,
    # Subject access: reading every section, finding third parties, rendering the PDF and the
    # JSON for one client of the benchmark (a 16-session course, six attended). Made in the
    # background with progress shown; reported so a slower section or layout shows up here.
    COPY: None,
}
# Making a letter takes seconds, so fewer runs; each request is for another of the therapist's
# 25 clients.
REPEATS_OF = {MAKE: 5, ISSUE: 20, COPY: 5}
FOCUS_EVENTS = 20_000
FOCUS_PEOPLE = 40


def portal_person(therapist: User, client_id: int) -> User:
    """The benchmark's first client signed up to the portal, with 100 past questionnaires."""
    from tests.test_query_counts import add_past_questionnaires, portal_user_for

    someone = Client.objects.get(pk=client_id)
    add_past_questionnaires(someone, therapist, 100)
    return portal_user_for(someone)


def portal_queries(user: User, url: str) -> int:
    from django.test.utils import CaptureQueriesContext

    http = HttpClient()
    http.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert http.get(url).status_code == 200, url
    return len(context)


def build() -> tuple[User, User, int]:
    from tests.test_query_counts import add_clients

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Benchmark IPT Service")
    therapists = [
        User.objects.create_user(f"therapist{i}", password=None, team=team, is_therapist=True)
        for i in range(THERAPISTS)
    ]
    lead = User.objects.create_user("lead", password=None, team=team, is_service_lead=True)
    first = None
    for number, therapist in enumerate(therapists):
        clients = add_clients(
            team, therapist, CLIENTS_PER_THERAPIST, start=number * CLIENTS_PER_THERAPIST
        )
        first = first or clients[0]
    return therapists[0], lead, first.pk


def large_case(events: int = FOCUS_EVENTS, people: int = FOCUS_PEOPLE) -> Case:
    """A case far past any real inventory: many people and a timeline of every kind of event
    spread over the two years before the assessment, so that every rule has work to do."""
    rng = random.Random(2026)  # noqa: S311 (the same case every run, not a secret)
    assessed_on = date(2025, 6, 2)
    ids = [f"p{i}" for i in range(people)]
    relationships = tuple(
        Relationship(
            person_id=pid,
            label=f"Person {i}",
            relationship_type=rng.choice(list(RelationshipType)),
            status=rng.choice(list(LifeStatus)),
            importance=rng.choice([None, 1, 2, 3, 4, 5]),
            expectations_met=rng.choice([None, True, False]),
            conflict=rng.choice([None, *Conflict]),
        )
        for i, pid in enumerate(ids)
    )
    timeline = tuple(
        LifeEvent(
            event_id=f"e{i}",
            when=ApproxDate(
                assessed_on - timedelta(days=rng.randrange(730)), rng.choice(list(DatePrecision))
            ),
            kind=rng.choice(list(EventKind)),
            description=f"Event {i}",
            people=tuple(sorted({rng.choice(ids), rng.choice(ids)})),
        )
        for i in range(events)
    )
    onset = ApproxDate(date(2025, 1, 1), DatePrecision.MONTH)
    return Case(assessed_on=assessed_on, onset=onset, relationships=relationships, events=timeline)


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    action()  # warm caches and templates
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def page(user: User, url: str) -> Callable[[], object]:
    http = HttpClient()
    http.force_login(user)

    def get() -> object:
        response = http.get(url)
        assert response.status_code == 200, url
        return response

    return get


def issue_letter(therapist: User) -> Callable[[], object]:
    """POST "Issue the letter" with audio and Braille, the slowest formats to make, for each of
    the therapist's clients in turn: asking again for a letter being made returns the same
    request, so each POST here is a new one."""
    from iptclinic.letters.tests.scenes import prepare_client

    urls = []
    for client in Client.objects.filter(therapist=therapist).order_by("pk"):
        prepare_client(client, audio=True, braille=True)
        course = Course.objects.get(referral__client=client)
        urls.append(f"/courses/{course.pk}/letters/appointments/")
    http = HttpClient()
    http.force_login(therapist)
    turn = iter(urls)

    def post() -> object:
        formats = ["pdf", "large_print", "audio", "braille"]  # some clients need large print
        response = http.post(next(turn), {"formats": formats})
        assert response.status_code == 302, response.content.decode()[:2000]
        return response

    return post


def make_waiting_letter() -> object:
    """What a worker does with the oldest request left by the issue case."""
    waiting = LetterRequest.objects.filter(status=RequestStatus.WAITING).order_by("pk").first()
    assert waiting is not None, "the issue case leaves requests to make"
    outcome = make_letter.call(waiting.pk)
    assert outcome == "made", outcome
    return outcome


def make_record_copy(lead: User, client_id: int) -> Callable[[], object]:
    """A lead records a request for the client's whole record; a worker makes the copy (the
    request is recorded outside the timing)."""
    from iptclinic.subject_access import services as subject_access
    from iptclinic.subject_access.tasks import make_copy

    client = Client.objects.get(pk=client_id)

    def make() -> object:
        asked = subject_access.record_request(
            client,
            actor=lead,
            received_on=timezone.localdate(),
            requester="person",
            requester_note="",
            identity_check="known",
            identity_note="",
        )
        outcome = make_copy.call(asked.pk)
        assert outcome == "made", outcome
        return outcome

    return make


# The sign-in flood (issue 9): 500 attempts from FLOOD_THREADS threads against a threaded live
# server, while the signed-in therapist's caseload is timed over HTTP. Each password check costs
# about 0.4 s of a core (Django's PBKDF2, unchanged); unthrottled, 500 of them would hold both
# cores of the host for over a minute and a half.
FLOOD_ATTEMPTS = 500
FLOOD_THREADS = 8
CASELOAD_HTTP = "caseload over HTTP (therapist)"
FLOOD_ONE = "caseload over HTTP, 500 sign-ins from one address"
FLOOD_MANY = "caseload over HTTP, 500 sign-ins from 500 addresses"
SIGNIN_CHECKED = "a sign-in whose password is checked (CPU)"
SIGNIN_REFUSED = "a sign-in refused by a lock (CPU)"
# Measured on the shared 2-core machine while other suites ran: the caseload alone 62-200 ms;
# during the floods 240-475 ms (one address) and 100-360 ms (500 addresses). Each refused try
# still costs a request's work (a few ms), and this live server is one process whose threads share
# one interpreter lock, so a flood of cheap requests slows it some; limiting the request rate is
# the reverse proxy's job (docs/security/sign-in.md). Unthrottled, every try would hash.
FLOOD_TARGETS_MS = {
    CASELOAD_HTTP: 200,
    FLOOD_ONE: 600,
    FLOOD_MANY: 600,
    # Django's PBKDF2 on purpose (measured 329 ms of CPU); reported so a cheaper hasher shows.
    SIGNIN_CHECKED: 1000,
    # Measured 4.7 ms: about 70 times cheaper than a password check.
    SIGNIN_REFUSED: 20,
}


def live_server() -> tuple[threading.Thread, str]:
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", lambda handler: handler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://127.0.0.1:{server.port}"


def fetch(opener: OpenerDirector, request: Request | str) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return int(response.status)
    except HTTPError as error:
        error.read()
        return int(error.code)


def caseload_over_http(base: str, therapist: User) -> Callable[[], float]:
    """Milliseconds for one GET of the caseload with the therapist's session cookie."""
    from django.conf import settings

    http = HttpClient()
    http.force_login(therapist)
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    opener = build_opener()

    def get() -> float:
        started = time.perf_counter()
        request = Request(f"{base}/caseload/", headers={"Cookie": cookie})  # noqa: S310 - our own server
        status = fetch(opener, request)
        assert status == 200, status
        return (time.perf_counter() - started) * 1000

    return get


def during_flood(
    sample: Callable[[], float], base: str, attempts: list[tuple[str, str]]
) -> tuple[list[float], Counter[int], float]:
    """Caseload times taken while bench/flood.py posts the attempts from a process of its own
    (as an attacker's would be: it does not share this process's interpreter lock)."""
    started = time.perf_counter()
    flood = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(Path(__file__).with_name("flood.py")), base, str(FLOOD_THREADS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert flood.stdin is not None and flood.stdout is not None
    flood.stdin.write(json.dumps(attempts))
    flood.stdin.close()
    samples = []
    while flood.poll() is None or len(samples) < 5:
        samples.append(sample())
    answers = Counter({int(k): v for k, v in json.loads(flood.stdout.read()).items()})
    assert flood.wait() == 0
    return samples, answers, time.perf_counter() - started


def signin_cpu(victim: User) -> dict[str, tuple[list[float], str]]:
    """CPU time (this thread's, so a busy machine does not inflate it) of one sign-in that
    checks a password, and of one refused by a lock: what each flood attempt costs the host."""
    http = HttpClient()
    http.get("/accounts/login/")

    def attempt() -> float:
        started = time.thread_time()
        http.post("/accounts/login/", {"username": victim.username, "password": "guess-1234"})
        return (time.thread_time() - started) * 1000

    checked = [attempt() for _ in range(settings.AXES_FAILURE_LIMIT)]
    refused = [attempt() for _ in range(REPEATS)]
    return {
        SIGNIN_CHECKED: (checked, f"{len(checked)} runs, CPU time"),
        SIGNIN_REFUSED: (refused, f"{len(refused)} runs, CPU time"),
    }


def flood_cases(therapist: User) -> int:
    """Print the caseload alone and under each flood; return how many targets were missed."""
    from axes.models import AccessAttempt

    # Every refusal would otherwise print a warning line.
    for name in ("django.request", "axes"):
        logging.getLogger(name).setLevel(logging.ERROR)
    victim = User.objects.exclude(pk=therapist.pk).filter(is_therapist=True).first()
    assert victim is not None
    victim.set_password("the-victims-real-password")
    victim.save()
    _server, base = live_server()
    sample = caseload_over_http(base, therapist)
    sample()  # warm
    runs: dict[str, tuple[list[float], str]] = {
        CASELOAD_HTTP: ([sample() for _ in range(REPEATS)], f"{REPEATS} runs")
    }
    floods = {
        FLOOD_ONE: [(victim.username, "198.51.100.1")] * FLOOD_ATTEMPTS,
        FLOOD_MANY: [
            (f"nobody{n}", f"10.{n // 250}.{n % 250}.{n % 7 + 1}") for n in range(FLOOD_ATTEMPTS)
        ],
    }
    for name, attempts in floods.items():
        AccessAttempt.objects.all().delete()
        samples, answers, seconds = during_flood(sample, base, attempts)
        told = ", ".join(f"{count} answered {status}" for status, count in sorted(answers.items()))
        runs[name] = (samples, f"{len(samples)} runs; flood {seconds:.1f} s: {told}")
    AccessAttempt.objects.all().delete()
    runs.update(signin_cpu(victim))
    missed = 0
    for name, (samples, note) in runs.items():
        median = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        target = FLOOD_TARGETS_MS[name]
        verdict = "ok" if median <= target else "MISSED"
        missed += verdict == "MISSED"
        print(
            f"  {name:<52} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
            f"target {target} ms   {verdict}\n      ({note})"
        )
    return missed


def main() -> int:
    setup_test_environment()
    therapist, lead, client_id = build()
    case = large_case()
    person = portal_person(therapist, client_id)
    cases = {
        "caseload (therapist, 25 clients)": page(therapist, "/caseload/"),
        "caseload (service lead, 200 clients)": page(lead, "/caseload/"),
        "client page": page(therapist, f"/clients/{client_id}/"),
        "phase_for_session x 1000": lambda: [
            phase_for_session(n % 16 + 1, 16) for n in range(1000)
        ],
        "suggest focus (20,000 events)": lambda: suggest(case),
        "safety net run (team of 200 clients)": lambda: sync_team(lead.team),
        "needs attention (therapist)": page(therapist, "/attention/"),
        ISSUE: issue_letter(therapist),
        MAKE: make_waiting_letter,
        COPY: make_record_copy(lead, client_id),
        PORTAL_HOME: page(person, "/portal/"),
        PORTAL_SCORES: page(person, "/portal/scores/"),
    }
    queries = {
        PORTAL_HOME: portal_queries(person, "/portal/"),
        PORTAL_SCORES: portal_queries(person, "/portal/scores/"),
    }
    print(
        f"Database: {connection.vendor}; {THERAPISTS * CLIENTS_PER_THERAPIST} clients; "
        f"{REPEATS} runs each unless shown"
    )
    missed = 0
    if sys.argv[1:] == ["sign-in"]:  # only the sign-in flood: bench/run.py sign-in
        cases = {}
    for name, action in cases.items():
        repeats = REPEATS_OF.get(name, REPEATS)
        samples = timed(action, repeats)
        median = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        target = TARGETS_MS[name]
        if target is None:
            verdict = f"no target ({repeats} runs)"
        else:
            verdict = "ok" if median <= target else "MISSED"
            missed += verdict == "MISSED"
        print(
            f"  {name:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
            f"target {target or '-'} ms   {verdict}"
            + (f"   {queries[name]} queries" if name in queries else "")
        )
    missed += flood_cases(therapist)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
