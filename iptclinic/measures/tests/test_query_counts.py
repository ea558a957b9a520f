"""Pages that show questionnaires and alerts cost the same queries for 5 clients as for 50."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iptclinic.courses.models import Appointment
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert
from tests.test_query_counts import add_clients, queries_for


def add_measures(clients, therapist) -> None:
    """A PHQ-9 and a GAD-7 for every attended session, and an open PHQ-9 alert per client."""
    attended = Appointment.objects.filter(
        course__referral__client__in=clients, status="attended"
    ).select_related("course__referral")
    responses = QuestionnaireResponse.objects.bulk_create(
        QuestionnaireResponse(
            client_id=a.course.referral.client_id,
            referral=a.course.referral,
            appointment=a,
            instrument=code,
            completed_on=timezone.localdate(a.starts_at),
            answers={"1": 2},
            total=total,
            severity="Moderate",
            at_caseness=True,
            risk="positive" if code == "phq9" else "",
            recorded_by=therapist,
        )
        for a in attended
        for code, total in (("phq9", 12), ("gad7", 9))
    )
    first_phq9 = {}
    for response in responses:
        if response.instrument == "phq9":
            first_phq9.setdefault(response.client_id, response)
    RiskAlert.objects.bulk_create(
        RiskAlert(
            client_id=client_id,
            source="questionnaire",
            summary="PHQ-9 item 9 answered “Several days (1)”.",
            questionnaire=response,
            raised_by=therapist,
            escalate_at=timezone.now() - timedelta(hours=1) * (client_id % 2),
        )
        for client_id, response in first_phq9.items()
    )


@pytest.mark.parametrize("role", ["tess", "sam", "lee", "otto"])
def test_the_caseload_with_alerts_costs_the_same_for_5_and_50_clients(
    client, request, role, team, tess, otto
):
    team.duty_clinician = otto
    team.save()
    client.force_login(request.getfixturevalue(role))
    add_measures(add_clients(team, tess, 5), tess)
    few = queries_for(client, "/caseload/")
    add_measures(add_clients(team, tess, 45, start=5), tess)
    many = queries_for(client, "/caseload/")
    assert few == many, f"caseload for {role}: {few} queries with 5 clients, {many} with 50"
    page = client.get("/caseload/").content.decode()
    if role == "otto":
        assert "Duty cover" in page
    else:
        assert page.count('class="alert-tag">Risk alert to review') == 50


@pytest.mark.parametrize("url", ["/clients/{}/", "/clients/{}/measures/"])
def test_a_client_page_costs_the_same_however_many_questionnaires_and_alerts(
    client, team, tess, url
):
    client.force_login(tess)
    clients = add_clients(team, tess, 5)
    add_measures(clients[:1], tess)
    first = clients[0]
    few = queries_for(client, url.format(first.pk))
    add_measures(add_clients(team, tess, 45, start=5), tess)
    course = first.referrals.get().courses.get()
    Appointment.objects.filter(course=course, status="planned").update(status="attended")
    RiskAlert.objects.filter(client=first).delete()
    QuestionnaireResponse.objects.filter(client=first).delete()
    add_measures([first], tess)
    many = queries_for(client, url.format(first.pk))
    assert QuestionnaireResponse.objects.filter(client=first).count() == 32
    assert few == many, f"{url}: {few} queries with 12 questionnaires, {many} with 32"
