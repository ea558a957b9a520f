"""Measures pages: who reaches them, what one request writes, and bad input kept and explained."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.measures import services
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert
from iptclinic.test import attend_next

from .helpers import gad7_total, phq9_total, post_answers


@pytest.fixture
def sessions(cara_course, tess):
    return attend_next(cara_course, tess, 3)


@pytest.fixture
def alerted(cara, tess, sessions):
    """Cara's PHQ-9 in session 1 answers item 9 with "Several days"."""
    return services.record_questionnaire(
        cara,
        actor=tess,
        instrument_code="phq9",
        answers=phq9_total(14, item9=1),
        appointment=sessions[0],
    )


def urls(cara, sessions, alerted) -> list[str]:
    alert = alerted.alerts.get()
    return [
        f"/clients/{cara.pk}/measures/",
        f"/clients/{cara.pk}/questionnaires/new/?instrument=phq9",
        f"/appointments/{sessions[1].pk}/questionnaires/new/?instrument=gad7",
        f"/questionnaires/{alerted.pk}/",
        f"/questionnaires/{alerted.pk}/edit/",
        f"/alerts/{alert.pk}/",
    ]


def one_event(client, method: str, url: str, data: dict | None = None) -> tuple[object, AuditEvent]:
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = getattr(client, method)(url, data or {})
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.count() == 1, f"{method.upper()} {url} wrote {[e.action for e in new]}"
    return response, new.get()


def test_otto_gets_404_on_every_measures_url_and_writes_nothing(
    client, otto, cara, sessions, alerted
):
    client.force_login(otto)
    before = AuditEvent.objects.exclude(action="access.refused").count()
    for url in urls(cara, sessions, alerted):
        assert client.get(url).status_code == 404, url
        assert client.post(url, post_answers(phq9_total(3))).status_code == 404, url
    assert AuditEvent.objects.exclude(action="access.refused").count() == before
    assert alerted.alerts.get().is_open


def test_a_supervisor_and_a_lead_read_but_do_not_record_questionnaires(
    client, sam, lee, cara, sessions, alerted
):
    for reader in (sam, lee):
        client.force_login(reader)
        for url in urls(cara, sessions, alerted)[:1] + urls(cara, sessions, alerted)[3:4]:
            assert client.get(url).status_code == 200, url
        for url in urls(cara, sessions, alerted)[1:3] + urls(cara, sessions, alerted)[4:5]:
            assert client.get(url).status_code == 404, url
    assert QuestionnaireResponse.objects.count() == 1


def test_each_measures_page_writes_one_client_view_event(client, tess, cara, sessions, alerted):
    client.force_login(tess)
    for url in urls(cara, sessions, alerted):
        response, event = one_event(client, "get", url)
        assert response.status_code == 200, url
        assert (event.action, event.client_id) == ("client.view", cara.pk)


def test_recording_in_a_session_saves_once_and_returns_to_the_session_record(
    client, tess, cara, sessions
):
    client.force_login(tess)
    url = f"/appointments/{sessions[1].pk}/questionnaires/new/?instrument=gad7"
    response, event = one_event(client, "post", url, post_answers(gad7_total(9)))
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{sessions[1].pk}/record/"
    assert event.action == "questionnaire.create"
    saved = QuestionnaireResponse.objects.get()
    assert (saved.total, saved.severity, saved.at_caseness) == (9, "Mild", True)
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == f"/questionnaires/{saved.pk}/edit/"


def test_a_questionnaire_page_shows_the_instruments_wording_and_answer_options(
    client, tess, cara, sessions
):
    client.force_login(tess)
    page = client.get(f"/appointments/{sessions[0].pk}/questionnaires/new/?instrument=phq9")
    html = page.content.decode()
    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in html
    assert html.count("More than half the days") == 9
    assert "Extremely difficult" in html and "(asked, but not added to the score)" in html


def test_an_unknown_questionnaire_offers_the_real_ones(client, tess, cara):
    client.force_login(tess)
    page = client.get(f"/clients/{cara.pk}/questionnaires/new/?instrument=bdi")
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is no questionnaire called “bdi”" in html
    assert "?instrument=wsas" in html


def test_an_out_of_range_answer_posted_by_hand_is_refused_and_every_answer_kept(
    client, tess, cara, sessions
):
    client.force_login(tess)
    data = {**post_answers(phq9_total(12, item9=1)), "item_3": "7"}
    url = f"/appointments/{sessions[0].pk}/questionnaires/new/?instrument=phq9"
    before = AuditEvent.objects.count()
    page = client.post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "Item 3: “7” is not one of its answers. Choose one of the answers shown (0 to 3)." in html
    )
    assert 'name="item_9" value="1" id="id_item_9_1" checked' in html
    assert 'name="item_1" value="3" id="id_item_1_3" checked' in html
    assert not QuestionnaireResponse.objects.exists() and not RiskAlert.objects.exists()
    # Only the page view is audited, no change.
    assert list(
        AuditEvent.objects.values_list("action", flat=True)[: AuditEvent.objects.count() - before]
    ) == ["client.view"]


def test_a_malformed_or_future_date_outside_a_session_is_explained_and_answers_kept(
    client, tess, cara
):
    client.force_login(tess)
    url = f"/clients/{cara.pk}/questionnaires/new/?instrument=phq9"
    referral = cara.referrals.get()
    data = {**post_answers(phq9_total(5)), "referral": referral.pk, "completed_on": "31/02/2026"}
    page = client.post(url, data)
    assert "Enter a real date" in page.content.decode()
    assert 'name="item_1" value="3" id="id_item_1_3" checked' in page.content.decode()
    data["completed_on"] = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert "The date cannot be in the future." in client.post(url, data).content.decode()
    data["completed_on"] = (referral.received_on - timedelta(days=1)).isoformat()
    assert "cannot be dated earlier" in client.post(url, data).content.decode()
    assert not QuestionnaireResponse.objects.exists()
    data["completed_on"] = referral.received_on.isoformat()
    assert client.post(url, data).status_code == 302
    assert QuestionnaireResponse.objects.get().appointment is None


def test_the_live_total_is_worked_out_from_the_posted_answers_without_touching_records(
    client, tess
):
    client.force_login(tess)
    before = AuditEvent.objects.count()
    partial = client.post(
        "/questionnaires/score/?instrument=phq9",
        post_answers({**phq9_total(8, item9=1), 2: None}),
        HTTP_HX_REQUEST="true",
    )
    html = partial.content.decode()
    assert partial.status_code == 200 and html.lstrip().startswith('<div id="live-score"')
    assert (
        "Total so far: 6 of 27" in html
    )  # 5 over 8 items × 9, half up and "(prorated: some answers missing)" in html
    assert "Saving raises a risk alert" in html
    assert AuditEvent.objects.count() == before
    assert client.post("/questionnaires/score/?instrument=nope", {}).status_code == 404


def test_editing_through_the_page_keeps_history_and_the_alert_stays_open(
    client, tess, cara, alerted
):
    client.force_login(tess)
    url = f"/questionnaires/{alerted.pk}/edit/"
    no_reason = client.post(url, {**post_answers(phq9_total(13, item9=0)), "version": 1})
    assert "Say why the answers are being changed." in no_reason.content.decode()
    response, event = one_event(
        client,
        "post",
        url,
        {**post_answers(phq9_total(13, item9=0)), "version": 1, "reason": "Misread item 9."},
    )
    assert response.status_code == 302 and event.action == "questionnaire.update"
    alerted.refresh_from_db()
    assert (alerted.total, alerted.version, alerted.risk) == (13, 2, "")
    assert alerted.alerts.get().is_open
    detail = client.get(f"/questionnaires/{alerted.pk}/").content.decode()
    assert "Misread item 9." in detail and "First recorded" in detail
    stale = client.post(
        url, {**post_answers(phq9_total(12)), "version": 1, "reason": "Another change"}
    )
    assert stale.status_code == 409
    assert "Someone else saved this questionnaire" in stale.content.decode()
    assert "Another change" in stale.content.decode()


def test_the_alert_shows_on_the_caseload_and_client_page_until_reviewed(
    client, tess, cara, alerted
):
    client.force_login(tess)
    alert = alerted.alerts.get()
    for url in ("/caseload/", f"/clients/{cara.pk}/"):
        html = client.get(url).content.decode()
        assert "Risk alert to review" in html and "answered “Several days (1)”" in html
        assert "Samaritans" in html  # crisis contacts with every alert
    review = f"/alerts/{alert.pk}/"
    empty = client.post(review, {"assessment": "Phoned Cara at 11:00.", "action": ""})
    assert "Say what action was taken" in empty.content.decode()
    assert "Phoned Cara at 11:00." in empty.content.decode()
    response, event = one_event(
        client, "post", review, {"assessment": "Phoned Cara.", "action": "Safety plan reviewed."}
    )
    assert response.status_code == 302 and event.action == "risk_alert.review"
    for url in ("/caseload/", f"/clients/{cara.pk}/"):
        assert "Risk alert to review" not in client.get(url).content.decode()
    history = client.get(f"/clients/{cara.pk}/measures/").content.decode()
    assert "Safety plan reviewed." in history


def test_the_supervisor_may_review_the_lead_may_not(client, sam, lee, alerted):
    alert = alerted.alerts.get()
    client.force_login(lee)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200
    assert (
        client.post(f"/alerts/{alert.pk}/", {"assessment": "x", "action": "y"}).status_code == 404
    )
    client.force_login(sam)
    response = client.post(f"/alerts/{alert.pk}/", {"assessment": "Called.", "action": "Plan."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.reviewed_by == sam


@pytest.mark.time_machine(datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Europe/London")))
def test_the_duty_clinician_sees_an_overdue_alert_on_the_caseload_and_can_review_it(
    client, otto, team, cara, alerted
):
    team.duty_clinician = otto
    team.save()
    alert = alerted.alerts.get()
    client.force_login(otto)
    assert "Duty cover" not in client.get("/caseload/").content.decode()
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    RiskAlert.objects.filter(pk=alert.pk).update(escalate_at=timezone.now() - timedelta(hours=1))
    caseload = client.get("/caseload/").content.decode()
    assert "Duty cover" in caseload and "Cara Whitfield" in caseload
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "because you are the duty clinician" in page and "Samaritans" in page
    assert client.get(f"/clients/{cara.pk}/").status_code == 404
    response = client.post(f"/alerts/{alert.pk}/", {"assessment": "Called.", "action": "Plan."})
    assert response["Location"] == "/caseload/"
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404


def test_the_session_record_lists_its_questionnaires_as_part_of_the_checklist(
    client, tess, sessions, alerted
):
    client.force_login(tess)
    first = client.get(f"/appointments/{sessions[0].pk}/record/").content.decode()
    assert "Questionnaires this session" in first
    assert "WSAS: due, not recorded yet" in first  # session 1 stands for assessment
    assert "GAD-7: due, not recorded yet" in first
    assert f'href="/questionnaires/{alerted.pk}/">PHQ-9</a>' in first
    second = client.get(f"/appointments/{sessions[1].pk}/record/").content.decode()
    assert "WSAS: due" not in second and "record a WSAS" in second


def test_the_measures_page_draws_a_chart_per_instrument_beside_its_table(
    client, tess, cara, sessions
):
    for number, appointment in enumerate(sessions):
        for code, answers in (
            ("phq9", phq9_total(16 - 3 * number)),
            ("gad7", gad7_total(12 - 2 * number)),
        ):
            services.record_questionnaire(
                cara, actor=tess, instrument_code=code, answers=answers, appointment=appointment
            )
    client.force_login(tess)
    html = client.get(f"/clients/{cara.pk}/measures/").content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" id="chart-') == 2
    assert "Caseness (≥ 10)" in html and "first score 16 ± 6" in html
    assert "<caption>PHQ-9 scores: caseness is 10 or more" in html
    assert "style=" not in html
    assert "So far" in html or "so far" in html


def test_team_settings_are_for_the_service_lead_and_refuse_a_bad_time(client, lee, tess, sam, team):
    client.force_login(tess)
    assert client.get("/team/measures/").status_code == 404
    client.force_login(lee)
    # The page's own values, as a lead who changes nothing would send them back.
    page = client.get("/team/measures/")
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and value is not False
    }
    data.update({"duty_clinician": sam.pk, "working_day_ends": "25:00", "gad7_prorating": "on"})
    page = client.post("/team/measures/", data)
    assert "Enter a time such as 10:00" in page.content.decode()
    data["working_day_ends"] = "16:30"
    data["net_waiting_weeks_for_first_session"] = "8"
    assert client.post("/team/measures/", data).status_code == 302
    team.refresh_from_db()
    assert (team.duty_clinician, team.working_day_ends, team.gad7_prorating) == (
        sam,
        time(16, 30),
        True,
    )
    assert team.safety_net_settings.waiting_weeks_for_first_session == 8


def test_the_duty_clinician_cannot_be_left_empty(client, lee, sam, team):
    client.force_login(lee)
    data = {
        name: value
        for name, value in client.get("/team/measures/").context["form"].initial.items()
        if value is not None and value is not False
    }
    data["duty_clinician"] = ""
    page = client.post("/team/measures/", data)
    assert page.status_code == 200
    assert "Choose the duty clinician" in page.content.decode()
