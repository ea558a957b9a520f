"""The session record page and its signing: one save for the whole page, a confirmation page
before signing, and a risk check reconciled with the session's PHQ-9 item 9 and open alerts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, Course, SessionRecord
from iptclinic.measures.tests.helpers import RISK_CLEAR, record_phq9
from iptclinic.test import attend_next

RECONCILE_FIELD = 'name="risk_reconciliation"'


def _page(response: Any) -> str:
    return response.content.decode()


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _record_url(appointment: Appointment) -> str:
    return reverse("courses:record", args=[appointment.pk])


def _sign_url(record: SessionRecord) -> str:
    return reverse("courses:sign", args=[record.pk])


def _phq9(appointment: Appointment, actor: User, item9: int | None) -> None:
    record_phq9(appointment, actor, item9=item9)


def _draft(appointment: Appointment, actor: User, **data: Any) -> SessionRecord:
    return services.save_session_record(
        appointment,
        actor=actor,
        data={"notes": "Talked about work.", **RISK_CLEAR, **data},
        expected_version=0,
    )


@pytest.fixture
def as_tess(client: HttpClient, tess: User) -> HttpClient:
    client.force_login(tess)
    return client


@pytest.fixture
def session(cara_course: Course, tess: User) -> Appointment:
    (appointment,) = attend_next(cara_course, tess)
    return appointment


# Access


@pytest.mark.parametrize("method", ["get", "post"])
def test_otto_gets_404_on_the_signing_page_and_signs_nothing(
    client: HttpClient, session: Appointment, tess: User, otto: User, method: str
) -> None:
    record = _draft(session, tess)
    client.force_login(otto)
    before = AuditEvent.objects.exclude(action="access.refused").count()

    response = getattr(client, method)(_sign_url(record), {"version": str(record.version)})

    assert response.status_code == 404
    assert AuditEvent.objects.exclude(action="access.refused").count() == before
    assert not SessionRecord.objects.get().is_signed


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_supervisor_cannot_sign_a_supervisees_record(
    client: HttpClient, session: Appointment, tess: User, sam: User, method: str
) -> None:
    record = _draft(session, tess)
    client.force_login(sam)

    response = getattr(client, method)(_sign_url(record), {"version": str(record.version)})

    assert response.status_code == 404
    assert not SessionRecord.objects.get().is_signed
    assert "Save and review for signing" not in _page(client.get(_record_url(session)))


# One save for the whole page


def test_the_record_form_warns_before_leaving_and_a_refused_copy_is_marked_unsaved(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    page = _page(as_tess.get(_record_url(session)))
    assert '<form method="post" class="form" novalidate data-unsaved-warning>' in page
    assert "js/unsaved-changes.js" in page
    services.save_session_record(
        session, actor=tess, data={"notes": "Other tab."}, expected_version=0
    )

    refused = as_tess.post(_record_url(session), {"version": "0", "notes": "Typed here."})

    assert refused.status_code == 409
    assert "data-unsaved-warning data-has-unsaved" in _page(refused)


def test_save_and_review_saves_then_opens_the_signing_page(
    as_tess: HttpClient, session: Appointment
) -> None:
    response = as_tess.post(
        _record_url(session),
        {"version": "0", "notes": "Talked about work.", "then": "sign", **RISK_CLEAR},
    )

    record = SessionRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _sign_url(record)
    assert record.notes == "Talked about work." and not record.is_signed


# The signing page


def test_the_signing_page_shows_the_record_read_only_and_what_signing_means(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    record = _draft(session, tess, agenda="Sleep and work.")
    before = AuditEvent.objects.count()

    response = as_tess.get(_sign_url(record))

    page = _page(response)
    assert response.status_code == 200
    assert "Sign the record of session 1 of 16" in page
    assert "What signing means" in page and "becomes read-only" in page
    assert "<dd>Sleep and work.</dd>" in page and "<dd>Talked about work.</dd>" in page
    assert "Thoughts of suicide or of being better off dead</dt><dd>No</dd>" in page
    assert 'name="notes"' not in page
    assert f'<input type="hidden" name="version" value="{record.version}">' in page
    assert "Sign the record</button>" in page
    assert not SessionRecord.objects.get().is_signed  # looking signs nothing
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").detail == {"page": "session_record_sign"}


def test_signing_from_the_page_signs_the_version_shown(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    record = _draft(session, tess)

    response = as_tess.post(_sign_url(record), {"version": str(record.version)}, follow=True)

    assert "The record is signed." in _messages(response)[0]
    assert SessionRecord.objects.get().is_signed
    assert _page(as_tess.get(_sign_url(record), follow=True)).count("already signed") == 1


def test_a_record_changed_after_the_signing_page_opened_is_not_signed(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    record = _draft(session, tess)
    services.save_session_record(
        session, actor=tess, data={"notes": "Changed in another tab."}, expected_version=1
    )

    response = as_tess.post(_sign_url(record), {"version": "1"}, follow=True)

    assert "Read the latest version before signing." in _messages(response)[0]
    assert not SessionRecord.objects.get().is_signed


# Reconciling the risk check with item 9 and open alerts


def test_while_writing_the_risk_check_shows_item_9_and_the_open_alert(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    assert RECONCILE_FIELD not in _page(as_tess.get(_record_url(session)))
    _phq9(session, tess, item9=1)

    page = _page(as_tess.get(_record_url(session)))

    known = page[page.index("Known about risk at this session") :]
    assert "In this session’s PHQ-9, item 9" in known
    assert "was answered “Several days” (1)" in known
    assert "is open, not yet reviewed" in known and "Review the alert" in known
    assert RECONCILE_FIELD in page and "Why the risk check differs" in page


def test_a_saved_no_risk_check_shows_the_contradiction_on_the_page_and_the_signing_page(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    _phq9(session, tess, item9=1)

    saved = as_tess.post(
        _record_url(session), {"version": "0", "notes": "Talked.", **RISK_CLEAR}, follow=True
    )

    assert "The record of session 1 is saved." in _messages(saved)
    assert any("say why it differs, before signing" in m for m in _messages(saved))
    page = _page(saved)
    assert "The saved risk check says there is no risk, but:" in page
    assert "but the risk check records no thoughts of suicide and the overall level" in page
    signing = _page(as_tess.get(_sign_url(SessionRecord.objects.get())))
    assert "The record cannot be signed yet" in signing
    assert "but the risk check records no thoughts of suicide" in signing
    assert "Sign the record</button>" not in signing


def test_signing_a_contradicting_record_by_post_is_refused_with_the_reason(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    _phq9(session, tess, item9=1)
    record = _draft(session, tess)

    response = as_tess.post(_sign_url(record), {"version": str(record.version)}, follow=True)

    assert "records no thoughts of suicide" in _messages(response)[0]
    assert not SessionRecord.objects.get().is_signed


def test_a_reconciliation_note_lets_the_record_be_signed_and_is_kept_on_it(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    _phq9(session, tess, item9=1)
    _draft(session, tess)
    note = "Asked directly: the thoughts were last week and have passed; no plan or intent."

    as_tess.post(
        _record_url(session),
        {"version": "1", "notes": "Talked.", "risk_reconciliation": note, **RISK_CLEAR},
    )
    record = SessionRecord.objects.get()
    signing = _page(as_tess.get(_sign_url(record)))
    assert "Sign the record</button>" in signing and note in signing
    as_tess.post(_sign_url(record), {"version": str(record.version)})

    signed = _page(as_tess.get(_record_url(session)))
    assert "Signed record" in signed
    assert f"Why the risk check differs</dt><dd>{note}</dd>" in signed


def test_a_note_stays_on_the_form_after_what_it_explained_has_been_reviewed(
    as_tess: HttpClient, session: Appointment, tess: User
) -> None:
    _draft(session, tess, risk_reconciliation="Written while an alert was open.")

    page = _page(as_tess.get(_record_url(session)))

    assert "Known about risk at this session" not in page
    assert "Written while an alert was open.</textarea>" in page
