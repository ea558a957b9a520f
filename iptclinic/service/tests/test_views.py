"""The service lead's pages: who may open them, the period, the lists, the files, the audit."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.service.models import TherapistCapacity
from iptclinic.test import VerifiedClient, attend_next, make_client, open_course_for

PAGES = [
    ("service:dashboard", {}),
    ("service:figure", {"figure": "waiting"}),
    ("service:dashboard_csv", {}),
    ("service:capacity", {}),
    ("service:export", {}),
    ("service:export_referrals", {}),
    ("service:export_contacts", {}),
]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response).decode())))


@pytest.mark.parametrize("name", ["tess", "otto", "sam", "hana", "cara_user"])
def test_everyone_but_a_service_lead_gets_404(client, request, name):
    client.force_login(request.getfixturevalue(name))
    for page, query in PAGES:
        assert client.get(reverse(page), query).status_code == 404, page
    assert client.post(reverse("service:capacity"), {"therapist": 1}).status_code == 404


def test_the_lead_sees_every_figure_with_its_numerator_and_denominator(
    client, lee, cara, cara_course, tess
):
    attend_next(cara_course, tess, 2)
    client.force_login(lee)
    page = client.get(reverse("service:dashboard"), {"period": "3"})
    assert page.status_code == 200
    text = page.content.decode()
    # Cara was referred 30 weeks ago and first seen 6 weeks ago: 24 weeks, more than 18.
    assert text.count("0 of 1 (0.0%)") >= 2
    assert "0 of 2 (0.0%)" in text  # no did-not-attend of 2 appointments
    assert "0 of 0 (no data)" in text  # no course ended
    assert "the clinician who delivered most of its attended sessions" in text
    assert AuditEvent.objects.filter(action="service.dashboard", actor=lee).count() == 1


def test_a_bad_period_gets_a_clear_message_and_keeps_what_was_typed(client, lee):
    client.force_login(lee)
    page = client.get(
        reverse("service:dashboard"),
        {"period": "dates", "start": "2026-05-01", "end": "2026-04-01"},
    )
    assert page.context["board"] is None
    assert "is before its start" in page.content.decode()
    page = client.get(reverse("service:dashboard"), {"period": "dates", "start": "31/02/2026"})
    assert "Enter a real date" in page.content.decode()
    page = client.get(reverse("service:dashboard"), {"period": "dates", "start": "2026-01-01"})
    assert "Enter both dates" in page.content.decode()
    assert not AuditEvent.objects.filter(action="service.dashboard").exists()


def test_the_lead_sees_only_their_own_teams_clients(client, lee, hana, hana_client):
    course = open_course_for(hana_client, hana, weeks_ago=2)
    attend_next(course, hana, 2)
    client.force_login(lee)
    board = client.get(reverse("service:dashboard"), {"period": "3"}).context["board"]
    assert board.attendance.did_not_attend.denominator == 0
    listed = client.get(reverse("service:figure"), {"period": "3", "figure": "appointments"})
    assert listed.context["rows"] == []


def test_a_figures_list_names_the_people_and_writes_one_event_naming_them(
    client, lee, cara, cara_course, tess
):
    first, second = attend_next(cara_course, tess, 2)
    course_services.set_attendance(second, actor=tess, status=Attendance.DID_NOT_ATTEND)
    client.force_login(lee)
    page = client.get(
        reverse("service:figure"),
        {"period": "12", "figure": "appointments", "status": "did_not_attend"},
    )
    assert [row.client for row in page.context["rows"]] == [cara]
    assert "Cara" in page.content.decode()
    event = AuditEvent.objects.get(action="service.figure_list")
    assert event.detail["client_ids"] == [cara.pk]
    assert event.detail["search"]["status"] == "did_not_attend"


def test_an_unknown_list_is_404(client, lee):
    client.force_login(lee)
    assert client.get(reverse("service:figure"), {"figure": "nobody"}).status_code == 404
    assert (
        client.get(reverse("service:figure"), {"figure": "appointments", "band": "99"}).status_code
        == 404
    )


def test_the_figures_download_as_csv_with_numerators_and_denominators(
    client, lee, cara, cara_course, tess
):
    attend_next(cara_course, tess, 1)
    client.force_login(lee)
    response = client.get(reverse("service:dashboard_csv"), {"period": "12"})
    rows = read_csv(response)
    assert rows[0] == [
        "period_start",
        "period_end",
        "section",
        "figure",
        "group",
        "numerator",
        "denominator",
        "percent",
    ]
    assert rows[[r[3:5] for r in rows].index(["Did not attend", "All"])][3:] == [
        "Did not attend",
        "All",
        "0",
        "1",
        "0.0",
    ]


def test_the_lead_sets_a_capacity_and_it_is_audited(client, lee, tess):
    client.force_login(lee)
    response = client.post(
        reverse("service:capacity"), {"therapist": tess.pk, "open_courses": "30"}
    )
    assert response.status_code == 302
    assert TherapistCapacity.objects.get(therapist=tess).open_courses == 30
    event = AuditEvent.objects.get(action="service.capacity")
    assert event.detail == {"therapist": tess.pk, "from": None, "to": 30}
    page = client.post(reverse("service:capacity"), {"therapist": tess.pk, "open_courses": "lots"})
    assert "Enter a whole number of courses" in page.content.decode()
    assert TherapistCapacity.objects.get(therapist=tess).open_courses == 30


def test_a_capacity_cannot_be_set_for_another_teams_therapist(client, lee, hana):
    client.force_login(lee)
    response = client.post(reverse("service:capacity"), {"therapist": hana.pk, "open_courses": "3"})
    assert response.status_code == 404
    assert not TherapistCapacity.objects.exists()


def test_the_caseload_is_compared_with_the_capacity(client, lee, tess, cara, cara_course):
    client.force_login(lee)
    client.post(reverse("service:capacity"), {"therapist": tess.pk, "open_courses": "4"})
    board = client.get(reverse("service:dashboard"), {"period": "3"}).context["board"]
    row = next(r for r in board.caseload if r.therapist == tess)
    assert str(row.share) == "1 of 4 (25.0%)"


def test_the_export_asks_for_a_fresh_confirmation(lee):
    browser = VerifiedClient()
    browser.force_login(lee)
    session = browser.session
    session.pop("iptclinic.confirmed_at", None)
    session.save()
    response = browser.get(reverse("service:export_referrals"), {"period": "12"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))


def test_the_export_has_pseudonymous_codes_nhs_attendance_codes_and_an_audit_without_rows(
    client, lee, cara, cara_course, tess
):
    first, second = attend_next(cara_course, tess, 2)
    course_services.set_attendance(second, actor=tess, status=Attendance.DID_NOT_ATTEND)
    client.force_login(lee)
    referrals = read_csv(client.get(reverse("service:export_referrals"), {"period": "12"}))
    contacts = read_csv(client.get(reverse("service:export_contacts"), {"period": "12"}))
    text = str(referrals) + str(contacts)
    for private in (cara.given_name, cara.family_name, cara.nhs_number or "no number"):
        assert private not in text
    assert len(referrals) == 2
    header = contacts[0]
    codes = [row[header.index("attendance_code")] for row in contacts[1:]]
    assert codes[:2] == ["5", "3"]
    assert set(codes[2:]) <= {"0"}
    assert referrals[1][0] == contacts[1][0]  # the same person code in both files
    events = AuditEvent.objects.filter(action="service.export").order_by("id")
    assert [(e.detail["file"], e.detail["rows"]) for e in events] == [
        ("referrals", 1),
        ("care-contacts", len(contacts) - 1),
    ]
    assert all("client_ids" not in e.detail and e.client_id is None for e in events)


def test_the_dashboard_costs_the_same_queries_for_1_and_6_clients(
    client, lee, tess, otto, django_assert_num_queries
):
    def counted() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("service:dashboard"), {"period": "12"}).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            client.get(reverse("service:figure"), {"period": "12", "figure": "appointments"})
        return len(queries) + 1000 * len(listed)

    client.force_login(lee)
    person = make_client(tess, tess, "One")
    attend_next(open_course_for(person, tess), tess, 2)
    few = counted()
    for index in range(5):
        therapist = otto if index % 2 else tess
        person = make_client(therapist, therapist, f"More{index}")
        attend_next(open_course_for(person, therapist), therapist, 3)
    assert counted() == few


def test_the_outcome_columns_are_blank_while_the_referral_is_open(client, lee, cara_course, tess):
    """An open referral's stored outcome holds the figures so far: an analyst would read them as
    a result, so the export gives them only once the referral has ended."""
    _, second = attend_next(cara_course, tess, 2)
    client.force_login(lee)
    outcome_columns = ["recovered", "reliable_change", "reliable_recovery", "outcome_status"]

    def outcome_of_the_referral() -> dict[str, str]:
        header, row = read_csv(client.get(reverse("service:export_referrals"), {"period": "12"}))
        return {name: row[header.index(name)] for name in outcome_columns}

    assert outcome_of_the_referral() == dict.fromkeys(outcome_columns, "")
    course_services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(second.starts_at),
        reason=EarlyEndReason.DROPPED_OUT,
    )
    assert outcome_of_the_referral()["outcome_status"] == "finished_no_paired_scores"
