"""The outcomes report: the worked examples of measures-and-standards.md §2.1 through the database,
scoping to the reader, bad periods, CSV, one audit event and a flat query count."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Appointment, Course
from iptclinic.inventory.models import FocusDecision
from iptclinic.measures.models import QuestionnaireResponse
from iptclinic.reports.services import refresh_outcomes

END = timezone.localdate() - timedelta(days=10)

# measures-and-standards.md §2.1: (name, PHQ first, last, GAD first, last, sessions, ended)
WORKED = [
    ("P1", 18, 7, 14, 6, 6, True),
    ("P2", 12, 9, 9, 7, 5, True),
    ("P3", 22, 15, 17, 10, 10, True),
    ("P4", 8, 5, 6, 4, 4, True),
    ("P5", 10, 9, 7, 7, 3, True),
    ("P6", 9, 3, 8, 2, 6, True),
    ("P7", 15, 21, 12, 16, 5, True),
    ("P8", 16, 9, 10, 15, 8, True),
    ("P9", 14, 9, 9, 8, 7, True),
    ("P10", 20, 4, 18, 3, 1, True),
    ("P11", 11, 11, 15, 11, 6, True),
    ("P12", 13, 8, 5, 9, 4, True),
    ("P13", 6, 12, 4, 6, 3, True),
    ("P14", 11, 6, 12, 5, 6, True),
    ("P15", 19, 8, 15, 6, 4, False),
]


def build_referral(
    team,
    therapist,
    name: str,
    scores: tuple[int | None, int | None, int | None, int | None],
    sessions: int,
    *,
    ended: bool = True,
    ended_on: date = END,
    problem: str = "depression",
    focus: list[str] | None = None,
) -> Referral:
    start = ended_on - timedelta(weeks=sessions + 2)
    client = Client.objects.create(
        team=team,
        therapist=therapist,
        given_name=name,
        family_name="Example",
        date_of_birth=date(1980, 1, 1),
    )
    referral = Referral.objects.create(
        client=client,
        received_on=start - timedelta(weeks=4),
        referrer="GP",
        reason="Low mood.",
        presenting_problem=problem,
    )
    course = Course.objects.create(
        referral=referral,
        contracted_sessions=16,
        state="ended_early" if ended else "active",
        start_date=start,
        weekday=start.weekday(),
        session_time=time(10),
        ended_on=ended_on if ended else None,
        early_end_reason="other" if ended else "",
    )
    Appointment.objects.bulk_create(
        Appointment(
            course=course,
            starts_at=timezone.make_aware(
                timezone.datetime.combine(start + timedelta(weeks=n), time(10))
            ),
            status="attended",
        )
        for n in range(sessions)
    )
    phq_first, phq_last, gad_first, gad_last = scores
    QuestionnaireResponse.objects.bulk_create(
        QuestionnaireResponse(
            client=client,
            referral=referral,
            instrument=code,
            completed_on=when,
            total=total,
            recorded_by=therapist,
        )
        for code, when, total in (
            ("phq9", start, phq_first),
            ("gad7", start, gad_first),
            ("phq9", ended_on, phq_last),
            ("gad7", ended_on, gad_last),
        )
        if total is not None
    )
    if focus:
        FocusDecision.objects.create(
            course=course, areas=focus, reason="Agreed.", decided_by=therapist
        )
    # Built in bulk, not through the services, so the stored outcome is brought up to date here.
    refresh_outcomes([referral.pk])
    return referral


@pytest.fixture
def worked(team, tess, otto):
    for index, (name, pf, pl, gf, gl, sessions, ended) in enumerate(WORKED):
        build_referral(
            team,
            tess if index % 3 else otto,
            name,
            (pf, pl, gf, gl),
            sessions,
            ended=ended,
            focus=[["grief"], ["role_dispute"], ["role_dispute", "role_transition"]][index % 3],
        )


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def period(start: date = END - timedelta(days=30), end: date = END) -> str:
    return f"?start={start.isoformat()}&end={end.isoformat()}"


def test_the_report_on_the_worked_examples_matches_the_published_aggregate(client, lee, worked):
    client.force_login(lee)
    response = client.get("/reports/outcomes/" + period())
    report = response.context["report"]
    total = report.cohorts[0].total
    assert (total.referrals, total.finished, total.not_at_caseness) == (14, 13, 2)
    assert [(r.numerator, r.denominator, str(r.percent)) for r in total.rates] == [
        (5, 11, "45.5"),
        (5, 13, "38.5"),
        (3, 13, "23.1"),
        (3, 11, "27.3"),
    ]
    html = response.content.decode()
    assert "recovered / (finished with paired scores - not at caseness at start)" in html
    assert '<strong>45.5%</strong><span class="workings">5 / 11</span>' in html
    by_therapist = {row.group: row.rates.referrals for row in report.cohorts[0].breakdowns[0].rows}
    assert by_therapist == {"Tess": 9, "Otto": 5}
    by_focus = {row.group: row.rates.referrals for row in report.cohorts[0].breakdowns[1].rows}
    assert by_focus == {
        "Grief (complicated bereavement)": 5,
        "Role dispute": 9,
        "Role transition": 4,
    }
    assert report.cohorts[1].total.referrals == 0


def test_a_supervisor_sees_only_the_clients_of_their_supervisees(client, sam, worked):
    client.force_login(sam)
    report = client.get("/reports/outcomes/" + period()).context["report"]
    assert report.cohorts[0].total.referrals == 9
    assert {row.group for row in report.cohorts[0].breakdowns[0].rows} == {"Tess"}


def test_eating_disorder_referrals_are_reported_apart(client, lee, team, tess):
    build_referral(team, tess, "Ed", (18, 7, 14, 6), 6, problem="bulimia_nervosa")
    build_referral(team, tess, "Dee", (18, 7, 14, 6), 6)
    client.force_login(lee)
    report = client.get("/reports/outcomes/" + period()).context["report"]
    depression, eating = report.cohorts
    assert depression.total.referrals == 1 and eating.total.referrals == 1
    assert [row.group for row in eating.breakdowns[2].rows] == ["Bulimia nervosa"]
    assert [row.group for row in eating.breakdowns[1].rows] == ["No focus recorded"]


def test_only_referrals_that_ended_in_the_period_count(client, lee, team, tess):
    build_referral(team, tess, "Before", (18, 7, 14, 6), 6, ended_on=END - timedelta(days=60))
    build_referral(team, tess, "Inside", (18, 7, 14, 6), 6)
    build_referral(team, tess, "Open", (18, 7, 14, 6), 6, ended=False)
    client.force_login(lee)
    report = client.get("/reports/outcomes/" + period()).context["report"]
    assert report.cohorts[0].total.referrals == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?start=2026-05-01&end=2026-04-01",
            "The end of the period (1 April 2026) is before its start (1 May 2026).",
        ),
        ("?start=2026-13-01&end=2026-04-01", "Enter a real date as day/month/year"),
        ("?start=&end=2026-04-01", "This field is required."),
    ],
)
def test_a_bad_period_is_explained_and_what_was_typed_is_kept(client, lee, query, message):
    client.force_login(lee)
    before = AuditEvent.objects.count()
    response = client.get("/reports/outcomes/" + query)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'value="2026-04-01"' in html
    assert response.context["report"] is None
    assert AuditEvent.objects.count() == before
    assert client.get("/reports/outcomes.csv" + query).status_code == 200
    assert message in client.get("/reports/outcomes.csv" + query).content.decode()


def test_the_csv_has_every_numerator_and_denominator(client, lee, worked):
    client.force_login(lee)
    response = client.get("/reports/outcomes.csv" + period())
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    everyone = rows[0]
    assert (everyone["cohort"], everyone["breakdown"], everyone["group"]) == (
        "Depression and other referrals",
        "All",
        "All",
    )
    assert (
        everyone["recovered"],
        everyone["recovery_denominator"],
        everyone["recovery_percent"],
    ) == ("5", "11", "45.5")
    assert everyone["reliable_deterioration"] == "3" and everyone["no_reliable_change"] == "5"
    assert {row["breakdown"] for row in rows} == {
        "All",
        "By therapist",
        "By focus area",
        "By presenting problem",
    }


def test_each_report_request_writes_one_event_with_the_period_and_the_counts(client, lee, worked):
    client.force_login(lee)
    for url, action in (
        ("/reports/outcomes/", "report.outcomes"),
        ("/reports/outcomes.csv", "report.outcomes_csv"),
    ):
        before = AuditEvent.objects.count()
        client.get(url + period())
        assert AuditEvent.objects.count() == before + 1
        event = AuditEvent.objects.first()
        assert event.action == action
        assert event.detail == {
            "start": (END - timedelta(days=30)).isoformat(),
            "end": END.isoformat(),
            "roles": ["service_lead"],
            "referrals": 14,
        }


@pytest.mark.parametrize("who", ["tess", "otto", "hana", "cara_user"])
def test_therapists_and_service_users_get_404(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/reports/outcomes/").status_code == 404
    assert client.get("/reports/outcomes.csv").status_code == 404


def test_the_report_costs_the_same_queries_for_5_and_50_referrals(client, lee, team, tess):
    client.force_login(lee)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/reports/outcomes/" + period()).status_code == 200
        return len(context)

    for i in range(5):
        build_referral(team, tess, f"A{i}", (18, 7, 14, 6), 6, focus=["grief"])
    few = queries()
    for i in range(45):
        build_referral(team, tess, f"B{i}", (12, 9, 9, 7), 5, focus=["role_dispute"])
    many = queries()
    assert few == many, f"{few} queries for 5 referrals, {many} for 50"


def test_a_therapist_name_that_looks_like_a_formula_is_exported_as_text(client, lee, worked):
    therapist = Client.objects.filter(given_name="P1").get().therapist
    therapist.first_name, therapist.last_name = '=HYPERLINK("http://evil.example","Tess")', "-1"
    therapist.save()
    client.force_login(lee)
    response = client.get("/reports/outcomes.csv" + period())
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    groups = {row["group"] for row in rows if row["breakdown"] == "By therapist"}
    assert not any(group.startswith(("=", "+", "-", "@")) for group in groups)
    assert any(group.startswith("'=HYPERLINK(") for group in groups), groups
