"""Signing a session record: a risk check that says "no risk" against this session's PHQ-9 item 9
or an open risk alert is signed only once reconciled (decisions.md §17, §20)."""

from __future__ import annotations

from typing import Any

import pytest

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, Course, SessionRecord
from iptclinic.courses.services import CourseRuleError
from iptclinic.courses.signing import risk_signals, signing_problems
from iptclinic.measures import services as measures
from iptclinic.measures.models import RiskAlert
from iptclinic.measures.tests.helpers import RISK_CLEAR, record_phq9
from iptclinic.test import attend_next

ITEM9_SEVERAL_DAYS = "item 9 (\u201cThoughts that you would be better off dead or of hurting yourself in some way\u201d) was answered \u201cSeveral days\u201d (1)"


def _phq9(appointment: Appointment, actor: User, item9: int | None) -> None:
    record_phq9(appointment, actor, item9=item9)


def _record(appointment: Appointment, actor: User, **data: Any) -> SessionRecord:
    return services.save_session_record(
        appointment, actor=actor, data={"notes": "Talked about work.", **data}, expected_version=0
    )


def _change(record: SessionRecord, actor: User, **data: Any) -> SessionRecord:
    return services.save_session_record(
        record.appointment, actor=actor, data=data, expected_version=record.version
    )


def test_a_no_risk_check_beside_item_9_above_0_is_refused_until_a_note_explains_it(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _phq9(appointment, tess, item9=1)
    record = _record(appointment, tess, **RISK_CLEAR)  # a draft may say it: nothing is lost

    with pytest.raises(CourseRuleError) as refused:
        services.sign_session_record(record, actor=tess, expected_version=record.version)
    message = str(refused.value)
    assert ITEM9_SEVERAL_DAYS in message
    assert "but the risk check records no thoughts of suicide" in message
    assert "A risk alert for this client is open" in message
    assert message.endswith("write in \u201cWhy the risk check differs\u201d why it does.")
    assert not SessionRecord.objects.get().is_signed

    record = _change(
        record,
        tess,
        risk_reconciliation="Asked directly: passive thoughts last week, none now; no plan.",
    )
    with_note = services.sign_session_record(record, actor=tess, expected_version=record.version)
    assert with_note.is_signed
    assert with_note.risk_reconciliation.startswith("Asked directly")


def test_changing_the_risk_check_to_reflect_item_9_reconciles_it(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _phq9(appointment, tess, item9=2)
    record = _record(appointment, tess, **RISK_CLEAR)
    assert signing_problems(record, risk_signals(appointment))

    record = _change(
        record,
        tess,
        suicidal_thoughts="yes",
        risk_level="low",
        risk_action="Safety plan reviewed; crisis numbers given.",
    )

    assert signing_problems(record, risk_signals(appointment)) == []
    assert services.sign_session_record(record, actor=tess, expected_version=record.version)


def test_an_unanswered_item_9_is_reconciled_like_one_above_0(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _phq9(appointment, tess, item9=None)
    record = _record(appointment, tess, **{**RISK_CLEAR, "risk_level": "low"})

    with pytest.raises(CourseRuleError, match="was left unanswered, so the risk it asks about"):
        services.sign_session_record(record, actor=tess, expected_version=record.version)


def test_an_open_alert_from_an_earlier_session_must_be_reviewed_or_explained(
    cara_course: Course, tess: User
) -> None:
    first, second = attend_next(cara_course, tess, 2)
    _phq9(first, tess, item9=1)
    _phq9(second, tess, item9=0)
    record = _record(second, tess, **RISK_CLEAR)

    with pytest.raises(CourseRuleError, match="A risk alert for this client is open"):
        services.sign_session_record(record, actor=tess, expected_version=record.version)

    measures.review_alert(
        RiskAlert.objects.get(),
        actor=tess,
        assessment="Phoned the same day: passive thoughts, no plan.",
        action="Safety plan reviewed.",
    )
    assert services.sign_session_record(record, actor=tess, expected_version=record.version)


def test_a_risk_check_that_found_a_risk_has_nothing_to_reconcile(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _phq9(appointment, tess, item9=3)
    record = _record(
        appointment,
        tess,
        **{
            **RISK_CLEAR,
            "suicidal_thoughts": "yes",
            "risk_level": "high",
            "risk_action": "Crisis team called during the session.",
        },
    )

    assert signing_problems(record, risk_signals(appointment)) == []


def test_item_9_at_0_and_no_alert_leave_a_no_risk_check_to_be_signed(
    cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _phq9(appointment, tess, item9=0)
    record = _record(appointment, tess, **RISK_CLEAR)

    before = AuditEvent.objects.count()
    services.sign_session_record(record, actor=tess, expected_version=record.version)
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "session_record.sign"


def test_a_note_of_blank_space_reconciles_nothing(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)
    _phq9(appointment, tess, item9=1)
    record = _record(appointment, tess, **RISK_CLEAR, risk_reconciliation="   ")

    with pytest.raises(CourseRuleError, match="Why the risk check differs"):
        services.sign_session_record(record, actor=tess, expected_version=record.version)


def test_a_record_keeps_only_its_own_fields(cara_course: Course, tess: User) -> None:
    (appointment,) = attend_next(cara_course, tess)

    with pytest.raises(ValueError, match="Not fields of the session record: signed_at"):
        _record(appointment, tess, signed_at="2026-01-01T10:00:00Z")
    assert not SessionRecord.objects.exists()
