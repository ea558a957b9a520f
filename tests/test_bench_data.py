"""The load bench's invented data obeys the project's own rules (bench/data.py, issue 12 item 1)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test import TestCase

from bench.data import Generator, NotOurs, made_here
from iptclinic.accounts.models import Team
from iptclinic.audit.models import AuditEvent
from iptclinic.audit.verify import verify
from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import Appointment, Course, SessionRecord
from iptclinic.endings.models import EndingRecord
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.nhs_number import is_valid_nhs_number
from iptclinic.ipt.scoring import score
from iptclinic.letters.models import IssuedLetter
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert
from iptclinic.reports.models import StoredOutcome
from iptclinic.reports.services import outcome_drift


class TestTheTinySet(TestCase):
    """Built once for the class (about 17,000 rows), rolled back after it."""

    @classmethod
    def setUpTestData(cls) -> None:
        generator = Generator("tiny", progress=False)
        cls.staff = generator.build()
        cls.count = generator.count

    def test_it_builds_the_shape_of_a_service(self):
        staff = self.staff
        courses = Course.objects.all()
        ended = courses.filter(state__in=[CourseState.COMPLETED, CourseState.ENDED_EARLY]).count()
        assert Client.objects.count() == self.count == 200
        assert ended > courses.count() / 2
        open_per_therapist = Counter(
            courses.filter(state=CourseState.ACTIVE).values_list(
                "referral__client__therapist", flat=True
            )
        )
        assert set(open_per_therapist) == {t.pk for t in staff.therapists}
        assert all(25 <= n <= 40 for n in open_per_therapist.values()), open_per_therapist
        assert Client.objects.filter(therapist=None).exists(), "some people wait unallocated"
        assert IssuedLetter.objects.count() >= courses.count()
        assert RiskAlert.objects.exists()

    def test_the_outcomes_report_has_a_stored_row_for_every_referral(self):
        assert StoredOutcome.objects.count() == Referral.objects.count()
        assert outcome_drift() == []

    def test_every_nhs_number_is_valid_and_unique(self):
        numbers = list(Client.objects.values_list("nhs_number", flat=True))
        assert all(is_valid_nhs_number(n) and n.startswith("999") for n in numbers)
        assert len(set(numbers)) == len(numbers)

    def test_every_stored_score_is_the_cores_score_of_its_answers(self):
        for response in QuestionnaireResponse.objects.all():
            result = score(INSTRUMENTS[response.instrument], response.answer_values)
            assert (response.total, response.prorated, response.at_caseness) == (
                result.total,
                result.prorated,
                result.at_caseness,
            )
            assert response.severity == (result.band.label if result.band else "")
            assert response.risk == (str(result.risk) if result.risk else "")
            assert response.revisions.get().version == 1

    def test_questionnaires_belong_to_attended_sessions_within_their_referral(self):
        for response in QuestionnaireResponse.objects.select_related("appointment", "referral"):
            assert response.appointment.status == Attendance.ATTENDED
            assert response.referral.received_on <= response.completed_on
            assert response.referral.closed_on is None or (
                response.completed_on <= response.referral.closed_on
            )
        per_session = QuestionnaireResponse.objects.values("appointment").annotate(n=Count("id"))
        assert {row["n"] for row in per_session} <= {2, 3}  # PHQ-9 and GAD-7, WSAS at times

    def test_courses_follow_the_lifecycle(self):
        for course in Course.objects.prefetch_related("appointments").select_related("referral"):
            timeline = course.timeline()
            assert timeline.attended <= course.contracted_sessions
            statuses = {a.status for a in course.appointments.all()}
            if course.state == CourseState.COMPLETED:
                assert timeline.attended == course.contracted_sessions
                assert EndingRecord.objects.get(course=course).gaps == ()
            if course.state == CourseState.ENDED_EARLY:
                assert course.early_end_reason
            if course.is_open:
                assert course.ended_on is None and course.referral.closed_on is None
            else:
                assert Attendance.PLANNED not in statuses
                assert course.referral.closed_on == course.ended_on
                last = max(a.starts_at for a in course.appointments.all() if a.is_attended)
                assert last.date() <= course.ended_on

    def test_records_are_signed_for_attended_sessions_only(self):
        assert not SessionRecord.objects.exclude(appointment__status=Attendance.ATTENDED).exists()
        ended_without_record = Appointment.objects.filter(
            status=Attendance.ATTENDED, record=None, course__ended_on__isnull=False
        )
        assert not ended_without_record.exists()
        assert not SessionRecord.objects.filter(signed_at=None).exists()

    def test_alerts_follow_risk_answers_and_only_open_courses_hold_open_ones(self):
        risky = QuestionnaireResponse.objects.exclude(risk="")
        assert set(RiskAlert.objects.values_list("questionnaire", flat=True)) == set(
            risky.values_list("pk", flat=True)
        )
        for alert in RiskAlert.objects.open().select_related("questionnaire__appointment__course"):
            assert alert.questionnaire.appointment.course.is_open

    def test_the_audit_log_is_one_unbroken_chain(self):
        report = verify()
        assert report.broken is None
        assert report.events == AuditEvent.objects.count() > 0
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"client.register", "course.open", "course.end", "appointment.attendance"} <= actions

    def test_new_rows_after_the_build_get_fresh_ids(self):
        staff = self.staff
        highest = Client.objects.order_by("-pk").values_list("pk", flat=True)[0]
        later = Client.objects.create(
            team=staff.team, given_name="Later", family_name="Person", date_of_birth="1990-01-01"
        )
        assert later.pk > highest

    def test_it_may_rebuild_a_database_it_made(self):
        assert made_here()
        assert not Team.objects.filter(~Q(name__startswith="Bench trust")).exists()


@pytest.mark.django_db
def test_it_refuses_a_database_holding_other_data():
    Team.objects.create(name="Riverside IPT Service")
    with pytest.raises(NotOurs):
        made_here()


@pytest.mark.django_db(transaction=True)
def test_a_build_outside_a_transaction_writes_every_batch(monkeypatch):
    """Outside a caller's transaction each batch is committed on its own (on PostgreSQL by a
    thread with a connection of its own, while the next batch is built): all of them arrive."""
    monkeypatch.setattr("bench.data.BATCH_CLIENTS", 64)
    generator = Generator("tiny", progress=False)
    generator.build()
    assert (generator.writer.thread is not None) == (connection.vendor == "postgresql")
    tables = generator.writer.tables
    assert Client.objects.count() == 200
    assert generator.rows == sum(
        table.model.objects.count() for table in tables if table.model is not AuditEvent
    )
    report = verify()
    assert report.broken is None and report.events == AuditEvent.objects.count()
