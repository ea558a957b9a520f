"""Questionnaires before each session in the portal, and the person's own scores (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from iptclinic.accounts.models import User
from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.measures import services as measure_services
from iptclinic.measures.models import (
    QuestionnaireDraft,
    QuestionnaireResponse,
    ResponseSource,
    RiskAlert,
)
from iptclinic.measures.selectors import portal_due
from iptclinic.test import VerifiedClient, attend_next

PHQ9 = "/portal/questionnaires/phq9/"


def _page(response: Any) -> str:
    return response.content.decode()


def _answer(http: HttpClient, code: str, number: int, value: str | None) -> Any:
    url = f"/portal/questionnaires/{code}/?question={number}"
    return http.post(url, {"skip": "1"} if value is None else {"answer": value})


@pytest.fixture
def next_session(cara_course: Course, tess: User, time_machine: Any) -> Appointment:
    """Two sessions attended; the clock a day before the next planned one (session 3)."""
    attend_next(cara_course, tess, 2)
    upcoming = (
        cara_course.appointments.filter(status="planned", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert upcoming is not None
    time_machine.move_to(upcoming.starts_at - timedelta(days=1))
    return upcoming


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User, request: Any) -> HttpClient:
    # Signed in after the clock has moved: a session ends after 30 idle minutes.
    if "next_session" in request.fixturenames:
        request.getfixturevalue("next_session")
    client.force_login(cara_user)
    return client


def _travel(time_machine: Any, http: HttpClient, user: User, moment: Any) -> None:
    time_machine.move_to(moment)
    http.force_login(user)


def test_phq9_and_gad7_are_due_before_session_3_and_listed_on_the_home_page(as_cara, next_session):
    page = _page(as_cara.get("/portal/"))
    assert "PHQ-9: 10 questions" in page and "GAD-7: 8 questions" in page
    assert "WSAS" not in page  # at assessment, the middle and the end only


def test_nothing_is_due_more_than_three_days_before_the_session(
    as_cara, cara_user, next_session, time_machine
):
    _travel(time_machine, as_cara, cara_user, next_session.starts_at - timedelta(days=3, minutes=1))
    assert "There is nothing to answer" in _page(as_cara.get("/portal/questionnaires/"))
    assert as_cara.get(PHQ9).status_code == 404


def test_one_question_per_screen_and_each_answer_is_kept_as_it_is_given(as_cara, next_session):
    page = _page(as_cara.get(PHQ9))
    assert "question 1 of 10" in page and "Little interest or pleasure" in page
    response = _answer(as_cara, "phq9", 1, "2")
    assert response.status_code == 302 and response["Location"].endswith("?question=2")
    draft = QuestionnaireDraft.objects.get()
    assert draft.answers == {"1": 2} and draft.appointment == next_session
    assert not QuestionnaireResponse.objects.exists()  # nothing counts until it is sent


def test_a_draft_survives_leaving_and_coming_back(as_cara, cara_user, next_session):
    for number in (1, 2, 3):
        _answer(as_cara, "phq9", number, "1")
    as_cara.logout()
    as_cara.force_login(cara_user)
    page = _page(as_cara.get("/portal/questionnaires/"))
    assert "3 of 10 answered" in page
    question = _page(as_cara.get(f"{PHQ9}?question=2"))
    assert 'value="1" checked' in question


def test_continuing_without_an_answer_asks_for_one_and_loses_nothing(as_cara, next_session):
    _answer(as_cara, "phq9", 1, "3")
    response = as_cara.post(f"{PHQ9}?question=2", {})
    assert response.status_code == 400
    assert "Choose an answer, or choose" in _page(response)
    assert QuestionnaireDraft.objects.get().answers == {"1": 3}


def test_item_9_above_0_raises_the_clinics_alert_as_soon_as_it_is_saved_and_shows_the_crisis_contacts(
    as_cara, cara, tess, next_session
):
    response = _answer(as_cara, "phq9", 9, "2")
    assert response["Location"] == "/portal/questionnaires/phq9/support/?question=10"
    alert = RiskAlert.objects.get()
    assert alert.client == cara and alert.is_open and alert.draft is not None
    assert "More than half the days" in alert.summary
    page = _page(as_cara.get(response["Location"]))
    assert escape(cara.team.crisis_contacts.splitlines()[0]) in page
    assert "Carry on with the questions" in page and "?question=10" in page
    # The same alert as in clinic: the therapist's Needs attention has it at once.
    sync_team(cara.team)
    item = Item.objects.get(kind=NeedKind.RISK_ALERT, owner=tess)
    assert item.urgent and item.key == f"alert:{alert.pk}"


def test_skipping_item_9_raises_the_alert_too(as_cara, next_session):
    response = _answer(as_cara, "phq9", 9, None)
    assert "/support/" in response["Location"]
    assert "left unanswered" in RiskAlert.objects.get().summary


def test_saving_the_same_item_9_answer_again_raises_no_second_alert(as_cara, next_session):
    _answer(as_cara, "phq9", 9, "1")
    _answer(as_cara, "phq9", 9, "1")
    assert RiskAlert.objects.count() == 1
    _answer(as_cara, "phq9", 9, "3")  # a different risk answer: a new alert, as in clinic
    assert RiskAlert.objects.count() == 2


def test_an_item_9_answer_changed_back_to_0_keeps_its_alert_and_it_is_linked_at_send(
    as_cara, next_session
):
    _answer(as_cara, "phq9", 9, "2")
    _answer(as_cara, "phq9", 9, "0")
    for number in [*range(1, 9), 10]:
        _answer(as_cara, "phq9", number, "0")
    as_cara.post("/portal/questionnaires/phq9/send/")
    response = QuestionnaireResponse.objects.get()
    alert = RiskAlert.objects.get()
    assert alert.is_open and alert.questionnaire == response  # never silently dropped
    assert response.risk == ""


def test_an_item_9_never_reached_raises_the_alert_at_send(as_cara, next_session):
    for number in range(1, 9):
        _answer(as_cara, "phq9", number, "1")
    assert not RiskAlert.objects.exists()
    sent = as_cara.post("/portal/questionnaires/phq9/send/")
    assert "/support/" in sent["Location"]
    alert = RiskAlert.objects.get()
    assert alert.questionnaire == QuestionnaireResponse.objects.get()
    assert "left unanswered" in alert.summary
    assert "Your answers have been sent" in _page(as_cara.get(sent["Location"]))


def test_a_sent_questionnaire_is_that_sessions_own_and_counts_as_its_questionnaire(
    as_cara, cara, cara_user, next_session
):
    for number in range(1, 8):
        _answer(as_cara, "gad7", number, "2")
    check = _page(as_cara.get("/portal/questionnaires/gad7/check/"))
    assert "Check your answers" in check and "More than half the days" in check
    sent = as_cara.post("/portal/questionnaires/gad7/send/")
    assert sent["Location"] == "/portal/questionnaires/sent/"
    response = QuestionnaireResponse.objects.get()
    assert response.appointment == next_session and response.instrument == "gad7"
    assert response.source == ResponseSource.PORTAL and response.recorded_by == cara_user
    assert response.total == 14 and response.severity == "Moderate"
    assert response.completed_on == timezone.localdate()
    assert response.revisions.count() == 1
    event = AuditEvent.objects.filter(action="questionnaire.create").get()
    assert event.detail["source"] == "portal" and event.client_id == cara.pk
    # It no longer shows as due, and it is that session's GAD-7 in clinic.
    assert [d.instrument.code for d in portal_due(cara)] == ["phq9"]
    assert as_cara.get("/portal/questionnaires/gad7/").status_code == 404


def test_the_clinic_sees_it_as_the_sessions_questionnaire_after_the_session(
    as_cara, cara, tess, next_session, time_machine
):
    client = VerifiedClient()
    for number in range(1, 8):
        _answer(as_cara, "gad7", number, "1")
    as_cara.post("/portal/questionnaires/gad7/send/")
    time_machine.move_to(next_session.starts_at + timedelta(minutes=50))
    course_services.set_attendance(next_session, actor=tess, status="attended")
    client.force_login(tess)
    record = _page(client.get(reverse("courses:record", args=[next_session.pk])))
    assert "GAD-7" in record
    measures = _page(client.get(reverse("measures:client", args=[cara.pk])))
    assert "(answered in the portal)" in measures
    gad7 = QuestionnaireResponse.objects.get()
    detail = _page(client.get(reverse("measures:detail", args=[gad7.pk])))
    assert "answered by Cara in the portal before the session of" in detail
    # Recording it again in clinic goes to the one already there.
    again = client.get(
        reverse("measures:new_in_session", args=[next_session.pk]) + "?instrument=gad7"
    )
    assert again.status_code == 302 and "/edit/" in again["Location"]


def test_it_refuses_to_send_once_the_session_has_started_and_keeps_the_answers(
    as_cara, cara_user, next_session, time_machine
):
    _answer(as_cara, "phq9", 1, "1")
    _travel(time_machine, as_cara, cara_user, next_session.starts_at + timedelta(minutes=1))
    assert as_cara.post("/portal/questionnaires/phq9/send/").status_code == 404
    assert not QuestionnaireResponse.objects.exists()
    assert QuestionnaireDraft.objects.get().answers == {"1": 1}


def test_a_questionnaire_already_recorded_in_clinic_is_not_due(as_cara, cara, tess, next_session):
    _answer(as_cara, "phq9", 1, "1")
    draft = QuestionnaireDraft.objects.get()
    QuestionnaireResponse.objects.create(
        client=cara,
        referral=next_session.course.referral,
        appointment=next_session,
        instrument="phq9",
        completed_on=timezone.localdate(),
        recorded_by=tess,
    )
    assert as_cara.get(PHQ9).status_code == 404
    with pytest.raises(measure_services.MeasureError):
        measure_services.send_draft(draft, actor=cara.portal_user)


def test_wsas_is_due_before_the_first_session(as_cara, cara_user, cara_course, time_machine):
    first = cara_course.appointments.filter(starts_at__gt=timezone.now()).first()
    _travel(time_machine, as_cara, cara_user, first.starts_at - timedelta(hours=2))
    assert "WSAS: 5 questions" in _page(as_cara.get("/portal/questionnaires/"))
    page = _page(as_cara.get("/portal/questionnaires/wsas/?question=3"))
    assert "question 3 of 5" in page
    assert "0 (Not at all)" in page and ">1</label>" in page


def test_the_person_sees_their_scores_with_plain_words_and_a_table(
    as_cara, cara, tess, cara_course
):
    attended = attend_next(cara_course, tess, 2)
    for appointment, value in zip(attended, (2, 1), strict=True):
        measure_services.record_questionnaire(
            cara,
            actor=tess,
            instrument_code="phq9",
            answers={n: value for n in range(1, 11)} | {9: 0},
            appointment=appointment,
        )
    page = _page(as_cara.get("/portal/scores/"))
    assert "A lower score is better" in page
    assert "<svg" in page and "<table" in page
    assert "a lot of low mood" in page  # 16: plain words, not "Moderately severe"
    assert "Moderately severe" not in page and "Caseness" not in page


def test_the_therapist_can_switch_the_scores_off_and_on(as_cara, cara, tess):
    client = VerifiedClient()
    client.force_login(tess)
    page = _page(client.get(reverse("measures:client", args=[cara.pk])))
    assert "Hide the scores from Cara" in page
    client.post(reverse("measures:portal_scores", args=[cara.pk]), {"shown": "no"})
    assert AuditEvent.objects.filter(action="portal_scores.set").get().detail == {"shown": False}
    assert "go through your questionnaires with you" in _page(as_cara.get("/portal/scores/"))
    assert "See your scores" not in _page(as_cara.get("/portal/"))
    client.post(reverse("measures:portal_scores", args=[cara.pk]), {"shown": "yes"})
    assert "See your scores" in _page(as_cara.get("/portal/"))


def test_otto_gets_404_on_the_switch(client, otto, cara):
    client.force_login(otto)
    response = client.post(reverse("measures:portal_scores", args=[cara.pk]), {"shown": "no"})
    assert response.status_code == 404


def test_another_service_user_sees_only_their_own_questionnaires(client, next_session, ruth, otto):
    from iptclinic.accounts.models import Role
    from iptclinic.test import make_user

    ruth_user = make_user(ruth.team, "ruthie", Role.SERVICE_USER)
    ruth.portal_user = ruth_user
    ruth.save(update_fields=["portal_user"])
    client.force_login(ruth_user)
    assert client.get(PHQ9).status_code == 404
    assert "There is nothing to answer" in _page(client.get("/portal/questionnaires/"))


def test_staff_cannot_open_the_portal_questionnaires(client, tess, next_session):
    client.force_login(tess)
    assert client.get(PHQ9).status_code == 404


def test_destroying_the_record_erases_portal_drafts_their_alerts_and_the_switch(
    as_cara, cara, tess, lee, next_session, time_machine
):
    from iptclinic.measures.models import PortalScores
    from iptclinic.retention import services as retention
    from iptclinic.retention.tests.test_disposal import LATER, close_care

    _answer(as_cara, "phq9", 9, "2")
    for number in range(1, 9):
        _answer(as_cara, "gad7", number, "1")
    as_cara.post("/portal/questionnaires/gad7/send/")
    measure_services.set_portal_scores(cara, actor=tess, shown=False)
    close_care(cara, timezone.localdate())
    time_machine.move_to(LATER)
    retention.destroy_record(cara, actor=lee, reason="Reviewed: past its retention date.")
    assert not QuestionnaireDraft.objects.exists()
    assert not RiskAlert.objects.exists() and not QuestionnaireResponse.objects.exists()
    assert not PortalScores.objects.exists()
