"""Questionnaire, alert and settings services: scores from the core, history, alerts, one audit event."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from iptclinic.accounts.models import Role
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.ipt.measure_schedule import Frequency
from iptclinic.ipt.scoring import NOT_APPLICABLE
from iptclinic.lib.concurrency import EditConflict
from iptclinic.measures import services
from iptclinic.measures.access import can_review_alert
from iptclinic.measures.models import QuestionnaireRevision, RiskAlert
from iptclinic.measures.selectors import duty_alerts
from iptclinic.measures.services import MeasureError
from iptclinic.test import attend_next, make_user

from .helpers import RISK_CLEAR, gad7_total, phq9_total


@pytest.fixture
def session(cara_course, tess):
    return attend_next(cara_course, tess, 1)[0]


def record(client, actor, code, answers, **where):
    return services.record_questionnaire(
        client, actor=actor, instrument_code=code, answers=answers, **where
    )


def events(client) -> list[str]:
    return list(AuditEvent.objects.filter(client=client).values_list("action", flat=True))


def test_a_questionnaire_in_a_session_is_scored_by_the_core_and_stored_with_its_answers(
    cara, tess, session
):
    before = AuditEvent.objects.count()
    response = record(cara, tess, "phq9", phq9_total(12), appointment=session)
    assert (response.total, response.prorated, response.severity) == (12, False, "Moderate")
    assert response.at_caseness is True and response.risk == ""
    assert response.completed_on == timezone.localdate(session.starts_at)
    assert response.referral == cara.referrals.get()
    assert response.answers["10"] == 1  # the difficulty item is kept, never scored
    assert QuestionnaireRevision.objects.filter(response=response).count() == 1
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.detail) == (
        "questionnaire.create",
        {"instrument": "phq9", "appointment": session.pk},
    )
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    ("item9", "summary"),
    [(1, "answered “Several days (1)”"), (3, "“Nearly every day (3)”"), (None, "left unanswered")],
)
def test_item_9_above_0_or_unanswered_raises_an_alert_named_in_the_one_audit_event(
    cara, tess, session, item9, summary
):
    before = AuditEvent.objects.count()
    response = record(cara, tess, "phq9", phq9_total(8, item9=item9), appointment=session)
    alert = RiskAlert.objects.get()
    assert summary in alert.summary and alert.is_open
    assert alert.questionnaire == response and alert.client == cara
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.first().detail["risk_alert"] == alert.pk


def test_prorating_never_hides_an_unanswered_item_9(cara, tess, session):
    response = record(cara, tess, "phq9", phq9_total(8, item9=None), appointment=session)
    assert response.total == 9 and response.prorated  # 8 items sum to 8: 8 × 9/8 = 9
    assert response.risk == "unanswered"
    assert RiskAlert.objects.filter(questionnaire=response).count() == 1


def test_a_gad7_with_a_missing_answer_has_no_total_unless_the_team_switches_prorating_on(
    cara, tess, team
):
    answers = {**gad7_total(10), 7: None}
    referral = cara.referrals.get()
    day = timezone.localdate()
    off = record(cara, tess, "gad7", answers, referral=referral, completed_on=day)
    assert off.total is None and "switches prorating on" in off.no_total_reason
    team.gad7_prorating = True
    team.save()
    cara.team.refresh_from_db()
    on = record(cara, tess, "gad7", answers, referral=referral, completed_on=day)
    assert (on.total, on.prorated) == (
        round(sum(v or 0 for k, v in answers.items() if k < 8) * 7 / 6),
        True,
    )


def test_a_wsas_not_applicable_on_work_is_prorated(cara, tess):
    answers = {1: NOT_APPLICABLE, 2: 4, 3: 4, 4: 2, 5: 6}
    response = record(
        cara,
        tess,
        "wsas",
        answers,
        referral=cara.referrals.get(),
        completed_on=timezone.localdate(),
    )
    assert response.answers["1"] == "na"
    assert (response.total, response.prorated) == (20, True)  # 16/4 × 5
    assert response.risk == ""


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({1: 7}, "PHQ-9 item 1: 7 is not an allowed answer (allowed: 0 to 3)."),
        ({12: 1}, "PHQ-9 has no item 12"),
        ({3: NOT_APPLICABLE}, "cannot be answered 'not applicable'"),
    ],
)
def test_an_impossible_answer_is_refused_with_the_item_named(cara, tess, session, answers, message):
    with pytest.raises(MeasureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        record(cara, tess, "phq9", answers, appointment=session)


def test_it_refuses_a_second_phq9_in_one_session_and_a_session_not_attended(
    cara, tess, cara_course, session
):
    record(cara, tess, "phq9", phq9_total(5), appointment=session)
    with pytest.raises(MeasureError, match="already recorded for this session"):
        record(cara, tess, "phq9", phq9_total(6), appointment=session)
    planned = cara_course.appointments.filter(status="planned").first()
    with pytest.raises(MeasureError, match="Mark the appointment as attended"):
        record(cara, tess, "gad7", gad7_total(5), appointment=planned)


def test_a_questionnaire_outside_a_session_must_be_dated_within_its_referral(cara, tess):
    referral = cara.referrals.get()
    today = timezone.localdate()
    with pytest.raises(MeasureError, match="cannot be in the future"):
        record(
            cara,
            tess,
            "phq9",
            phq9_total(5),
            referral=referral,
            completed_on=today + timedelta(days=1),
        )
    with pytest.raises(MeasureError, match="cannot be dated earlier"):
        record(
            cara,
            tess,
            "phq9",
            phq9_total(5),
            referral=referral,
            completed_on=referral.received_on - timedelta(days=1),
        )


def test_a_referral_of_someone_else_is_refused(cara, ruth, tess):
    with pytest.raises(MeasureError, match="belongs to someone else"):
        record(
            cara,
            tess,
            "phq9",
            phq9_total(5),
            referral=ruth.referrals.get(),
            completed_on=timezone.localdate(),
        )


def test_editing_keeps_every_version_rescores_and_never_clears_an_alert(cara, tess, session):
    response = record(cara, tess, "phq9", phq9_total(14, item9=2), appointment=session)
    alert = RiskAlert.objects.get()
    edited = services.edit_questionnaire(
        response,
        actor=tess,
        answers=phq9_total(6, item9=0),
        reason="Item 9 was entered in the wrong column.",
        expected_version=1,
    )
    assert (edited.total, edited.severity, edited.risk, edited.version) == (6, "Mild", "", 2)
    revisions = list(edited.revisions.order_by("version"))
    assert [(r.version, r.total, r.risk) for r in revisions] == [(1, 14, "positive"), (2, 6, "")]
    assert revisions[1].reason == "Item 9 was entered in the wrong column."
    alert.refresh_from_db()
    assert alert.is_open
    assert events(cara)[0] == "questionnaire.update"


def test_an_edit_that_makes_item_9_risky_raises_a_new_alert_and_one_that_keeps_it_does_not(
    cara, tess, session
):
    response = record(cara, tess, "phq9", phq9_total(10, item9=0), appointment=session)
    response = services.edit_questionnaire(
        response, actor=tess, answers=phq9_total(10, item9=2), reason="Re-read", expected_version=1
    )
    assert RiskAlert.objects.count() == 1
    assert "changed when the answers were edited" in RiskAlert.objects.get().summary
    assert AuditEvent.objects.first().detail["risk_alert"] == RiskAlert.objects.get().pk
    services.edit_questionnaire(
        response, actor=tess, answers=phq9_total(12, item9=2), reason="Item 3", expected_version=2
    )
    assert RiskAlert.objects.count() == 1


def test_an_edit_from_a_stale_copy_is_refused_and_a_reason_is_required(cara, tess, session):
    response = record(cara, tess, "phq9", phq9_total(10), appointment=session)
    with pytest.raises(MeasureError, match="Say why"):
        services.edit_questionnaire(
            response, actor=tess, answers=phq9_total(9), reason="  ", expected_version=1
        )
    services.edit_questionnaire(
        response, actor=tess, answers=phq9_total(9), reason="Typo", expected_version=1
    )
    with pytest.raises(EditConflict):
        services.edit_questionnaire(
            response, actor=tess, answers=phq9_total(8), reason="Typo", expected_version=1
        )
    assert response.revisions.count() == 2


def test_a_review_closes_the_alert_with_who_when_what_and_one_audit_event(cara, tess, session):
    record(cara, tess, "phq9", phq9_total(9, item9=1), appointment=session)
    alert = RiskAlert.objects.get()
    before = AuditEvent.objects.count()
    reviewed = services.review_alert(
        alert, actor=tess, assessment="Spoke with Cara; passive thoughts.", action="Safety plan."
    )
    assert not reviewed.is_open and reviewed.reviewed_by == tess
    assert reviewed.assessment == "Spoke with Cara; passive thoughts."
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.first().action == "risk_alert.review"
    with pytest.raises(MeasureError, match="already reviewed by Tess"):
        services.review_alert(alert, actor=tess, assessment="Again", action="Again")


@pytest.mark.parametrize(
    ("assessment", "action", "message"),
    [
        ("", "Plan", "Record what you assessed before"),
        ("Talked", " ", "Record the action taken before"),
        ("", "", "Record what you assessed and the action taken"),
    ],
)
def test_a_review_without_its_text_is_refused(cara, tess, session, assessment, action, message):
    record(cara, tess, "phq9", phq9_total(9, item9=1), appointment=session)
    with pytest.raises(MeasureError, match=message):
        services.review_alert(
            RiskAlert.objects.get(), actor=tess, assessment=assessment, action=action
        )
    assert RiskAlert.objects.get().is_open


LONDON_SUMMER = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)  # 10:30 in London


@pytest.mark.parametrize(
    ("raised", "ends", "expected"),
    [
        (LONDON_SUMMER, time(17, 0), datetime(2026, 7, 1, 16, 0, tzinfo=UTC)),
        (
            datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
            time(17, 0),
            datetime(2026, 1, 5, 17, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 7, 1, 18, 0, tzinfo=UTC),
            time(17, 0),
            datetime(2026, 7, 1, 18, 0, tzinfo=UTC),
        ),
        (LONDON_SUMMER, time(10, 30), LONDON_SUMMER),
        # A Saturday and a bank holiday: nobody on that day's rota sees it, so at once.
        (
            datetime(2026, 7, 4, 9, 0, tzinfo=UTC),
            time(17, 0),
            datetime(2026, 7, 4, 9, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 12, 25, 11, 0, tzinfo=UTC),
            time(17, 0),
            datetime(2026, 12, 25, 11, 0, tzinfo=UTC),
        ),
    ],
)
def test_an_alert_escalates_at_the_end_of_the_working_day_or_at_once_after_hours(
    team, raised, ends, expected
):
    team.working_day_ends = ends
    assert services.escalation_time(raised, team) == expected


def test_a_positive_risk_check_raises_one_alert_until_it_turns_negative_and_positive_again(
    cara, tess, session
):
    positive = {**RISK_CLEAR, "suicidal_thoughts": "yes", "risk_level": "moderate"}
    saved = course_services.save_session_record(
        session, actor=tess, data=positive, expected_version=None
    )
    alert = RiskAlert.objects.get()
    assert alert.session_record == saved and alert.source == "risk_check"
    assert "Thoughts of suicide" in alert.summary and "overall level moderate" in alert.summary
    assert AuditEvent.objects.first().detail["risk_alert"] == alert.pk
    saved = course_services.save_session_record(
        session, actor=tess, data={**positive, "notes": "More"}, expected_version=saved.version
    )
    assert RiskAlert.objects.count() == 1
    saved = course_services.save_session_record(
        session, actor=tess, data=RISK_CLEAR, expected_version=saved.version
    )
    assert RiskAlert.objects.get().is_open  # clearing the check never clears the alert
    course_services.save_session_record(
        session, actor=tess, data=positive, expected_version=saved.version
    )
    assert RiskAlert.objects.count() == 2


@pytest.mark.time_machine(datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Europe/London")))
def test_who_may_review_an_alert(cara, tess, sam, otto, lee, team, session):
    record(cara, tess, "phq9", phq9_total(9, item9=1), appointment=session)
    alert = RiskAlert.objects.select_related("client__therapist").get()
    assert can_review_alert(tess, alert) and can_review_alert(sam, alert)
    assert not can_review_alert(otto, alert) and not can_review_alert(lee, alert)
    team.duty_clinician = otto
    team.save()
    otto.refresh_from_db()
    assert not can_review_alert(otto, alert)
    assert duty_alerts(otto) == []
    RiskAlert.objects.filter(pk=alert.pk).update(escalate_at=timezone.now() - timedelta(minutes=1))
    alert.refresh_from_db()
    assert can_review_alert(otto, alert)
    assert duty_alerts(otto) == [alert]


def test_team_settings_are_for_the_service_lead_with_a_clinician_of_the_team_on_duty(
    team, lee, tess, sam, hana
):
    schedule = {
        "phq9": Frequency.EVERY_SESSION,
        "gad7": Frequency.NOT_ROUTINE,
        "wsas": Frequency.MILESTONES,
    }
    with pytest.raises(MeasureError, match="service lead"):
        services.update_team_settings(
            team,
            actor=tess,
            duty_clinician=None,
            working_day_ends=time(17),
            gad7_prorating=False,
            schedule=schedule,
        )
    for wrong in (hana, lee):
        with pytest.raises(MeasureError, match="therapist or supervisor of this team"):
            services.update_team_settings(
                team,
                actor=lee,
                duty_clinician=wrong,
                working_day_ends=time(17),
                gad7_prorating=False,
                schedule=schedule,
            )
    before = AuditEvent.objects.count()
    saved = services.update_team_settings(
        team,
        actor=lee,
        duty_clinician=sam,
        working_day_ends=time(16, 30),
        gad7_prorating=True,
        schedule=schedule,
    )
    assert (saved.duty_clinician, saved.working_day_ends, saved.gad7_prorating) == (
        sam,
        time(16, 30),
        True,
    )
    assert saved.schedule == schedule
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.detail["fields"]) == (
        "team.settings",
        ["duty_clinician_id", "gad7_prorating", "measure_schedule", "working_day_ends"],
    )


def test_an_alert_raised_after_the_working_day_is_shown_to_the_duty_clinician_at_once(
    cara, tess, team, session
):
    team.working_day_starts = time(0, 0)
    team.working_day_ends = time(0, 1)
    team.duty_clinician = make_user(team, "dora", Role.THERAPIST)
    team.save()
    cara.team.refresh_from_db()
    record(cara, tess, "phq9", phq9_total(9, item9=1), appointment=session)
    alert = RiskAlert.objects.get()
    assert alert.is_escalated
    assert duty_alerts(team.duty_clinician) == [alert]
