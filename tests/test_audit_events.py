"""Each clinical page view and each change writes exactly one audit event (H-002, decisions §24)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses import services as course_services
from iptclinic.courses.models import SessionRecord
from iptclinic.test import attend_next, record_the_past_as_missed

RISK_CLEAR = {
    "suicidal_thoughts": "no",
    "suicidal_plans": "no",
    "suicidal_intent": "no",
    "self_harm": "no",
    "harm_to_others": "no",
    "safeguarding_concern": "no",
    "risk_level": "none",
}


def one_event(client, method: str, url: str, data: dict | None = None, **extra) -> AuditEvent:
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302), f"{method.upper()} {url}: {response.status_code}"
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.count() == 1, (
        f"{method.upper()} {url} wrote {new.count()} audit events: {[e.action for e in new]}"
    )
    return new.get()


@pytest.fixture
def scene(tess, cara, cara_course):
    attended = attend_next(cara_course, tess, 2)
    record = course_services.save_session_record(
        attended[0],
        actor=tess,
        data={"notes": "First session.", **RISK_CLEAR},
        expected_version=None,
    )
    signed = course_services.sign_session_record(
        record, actor=tess, expected_version=record.version
    )
    missed = course_services.set_attendance(
        cara_course.appointments.filter(status="planned").order_by("starts_at").first(),
        actor=tess,
        status="did_not_attend",
    )
    return {"course": cara_course, "attended": attended, "signed": signed, "missed": missed}


def test_each_page_about_a_client_writes_one_view_event(client, tess, lee, cara, scene):
    client.force_login(tess)
    course, attended = scene["course"], scene["attended"]
    pages = [
        f"/clients/{cara.pk}/",
        f"/clients/{cara.pk}/edit/",
        f"/clients/{cara.pk}/referrals/new/",
        f"/clients/{cara.pk}/referrals/{cara.referrals.get().pk}/edit/",
        f"/clients/{cara.pk}/courses/new/",
        f"/appointments/{attended[1].pk}/record/",
        f"/appointments/{scene['missed'].pk}/rebook/",
        f"/courses/{course.pk}/contract/",
        f"/courses/{course.pk}/end/",
        f"/history/client/{cara.pk}/",
        f"/history/session-record/{scene['signed'].pk}/",
        f"/history/course/{course.pk}/",
    ]
    for url in pages:
        event = one_event(client, "get", url)
        assert (event.action, event.client_id, event.actor_id) == ("client.view", cara.pk, tess.pk)
    client.force_login(lee)
    event = one_event(client, "get", f"/clients/{cara.pk}/allocate/")
    assert (event.action, event.client_id, event.actor_id) == ("client.view", cara.pk, lee.pk)


def test_the_caseload_writes_one_event_naming_every_client_listed(client, tess, cara, scene, ruth):
    client.force_login(tess)
    event = one_event(client, "get", "/caseload/")
    assert event.action == "caseload.view"
    assert event.detail["client_ids"] == [cara.pk]


def test_the_portal_writes_one_event_for_the_service_users_own_record(client, cara, cara_user):
    client.force_login(cara_user)
    event = one_event(client, "get", "/portal/")
    assert (event.action, event.client_id) == ("client.view", cara.pk)


def test_reading_the_audit_writes_one_event_per_page_and_per_file(
    client, lee, tess, cara, cara_user, scene
):
    """Issue 10: reading and exporting the audit are themselves audited."""
    client.force_login(lee)
    for url, action, about in [
        (f"/audit/clients/{cara.pk}/", "audit.client_view", cara.pk),
        (f"/audit/clients/{cara.pk}.csv", "audit.client_csv", cara.pk),
        (f"/audit/people/{tess.pk}/", "audit.user_view", None),
        (f"/audit/people/{tess.pk}.csv", "audit.user_csv", None),
        ("/audit/", "audit.unusual_view", None),
    ]:
        event = one_event(client, "get", url)
        assert (event.action, event.client_id, event.actor_id) == (action, about, lee.pk)
    client.force_login(cara_user)
    event = one_event(client, "get", "/portal/who-has-looked/")
    assert (event.action, event.client_id) == ("audit.portal_view", cara.pk)


def test_each_change_writes_exactly_one_event(client, tess, lee, otto, cara, scene):
    client.force_login(tess)
    course, attended, signed, missed = (
        scene["course"],
        scene["attended"],
        scene["signed"],
        scene["missed"],
    )
    today = timezone.localdate()
    draft = SessionRecord.objects.filter(appointment=attended[1]).first()
    changes = [
        (
            "client.update",
            f"/clients/{cara.pk}/edit/",
            {
                "given_name": "Cara",
                "family_name": "Whitfield",
                "date_of_birth": "1985-04-23",
                "preferred_contact": "email",
                "version": cara.version,
                "change_reason": "Prefers email now.",
            },
        ),
        (
            "referral.add",
            f"/clients/{cara.pk}/referrals/new/",
            {
                "received_on": today.isoformat(),
                "referrer": "Dr Example",
                "reason": "Relapse.",
                "presenting_problem": "depression",
            },
        ),
        (
            "referral.update",
            f"/clients/{cara.pk}/referrals/{cara.referrals.order_by('id').first().pk}/edit/",
            {
                "received_on": cara.referrals.order_by("id").first().received_on.isoformat(),
                "referrer": "Dr Example, Mill Lane Surgery",
                "reason": "Low mood.",
                "presenting_problem": "depression",
                "version": 1,
                "change_reason": "The surgery's name was missing.",
            },
        ),
        (
            "appointment.attendance",
            f"/appointments/{course.appointments.filter(status='planned').order_by('starts_at').first().pk}/attendance/",
            {"status": "cancelled_by_client"},
        ),
        ("appointment.rebook", f"/appointments/{missed.pk}/rebook/", {}),
        (
            "session_record.create",
            f"/appointments/{attended[1].pk}/record/",
            {"notes": "Second session.", "version": 0} if draft is None else {},
        ),
        (
            "session_record.addendum",
            f"/records/{signed.pk}/addenda/",
            {"text": "Correction: the date of the move was March."},
        ),
        (
            "course.change_contract",
            f"/courses/{course.pk}/contract/",
            {"form": "contract", "contracted_sessions": 14},
        ),
        (
            "course.agree_contract",
            f"/courses/{course.pk}/contract/",
            {"form": "agreement", "agreed_on": today.isoformat()},
        ),
        (
            "course.renegotiate",
            f"/courses/{course.pk}/contract/",
            {
                "form": "contract",
                "contracted_sessions": 16,
                "reason": "Agreed two more sessions after the move.",
            },
        ),
    ]
    for action, url, data in changes:
        event = one_event(client, "post", url, data)
        assert (event.action, event.client_id, event.actor_id) == (action, cara.pk, tess.pk), url
    record = SessionRecord.objects.get(appointment=attended[1])
    event = one_event(
        client,
        "post",
        f"/appointments/{attended[1].pk}/record/",
        {"notes": "Edited.", "version": record.version, **RISK_CLEAR},
    )
    assert event.action == "session_record.update"
    record.refresh_from_db()
    event = one_event(client, "post", f"/records/{record.pk}/sign/", {"version": record.version})
    assert event.action == "session_record.sign"
    record_the_past_as_missed(course, tess)
    event = one_event(
        client,
        "post",
        f"/courses/{course.pk}/end/",
        {"outcome": "ended_early", "reason": "moved_away", "ended_on": today.isoformat()},
    )
    assert event.action == "course.end"
    event = one_event(
        client,
        "post",
        "/clients/new/",
        {
            "client-given_name": "Ada",
            "client-family_name": "Lowe",
            "client-date_of_birth": "1990-01-02",
            "client-preferred_contact": "phone",
            "referral-received_on": (today - timedelta(days=1)).isoformat(),
            "referral-referrer": "Self",
            "referral-reason": "Low mood.",
            "referral-presenting_problem": "depression",
        },
    )
    assert event.action == "client.register"
    assert event.client == Client.objects.get(given_name="Ada")
    client.force_login(lee)
    event = one_event(
        client,
        "post",
        f"/clients/{cara.pk}/allocate/",
        {"therapist": otto.pk, "reason": "Tess is on leave.", "confirm": "yes"},
    )
    assert (event.action, event.actor_id) == ("client.reallocate", lee.pk)


def test_each_step_of_a_request_for_the_whole_record_writes_one_event(client, lee, tess, cara):
    from iptclinic.inventory import services as inventory_services
    from iptclinic.subject_access.models import SubjectAccessRequest
    from iptclinic.test import open_course_for, run_background_work

    course = open_course_for(cara, tess)
    inventory_services.add_relationship(
        course, actor=tess, data={"label": "Jo", "relationship_type": "friend"}
    )
    client.force_login(lee)
    event = one_event(client, "get", f"/clients/{cara.pk}/record-requests/")
    assert (event.action, event.detail) == ("client.view", {"page": "subject_access"})
    today = timezone.localdate().isoformat()
    form = {"received_on": today, "requester": "person", "identity_check": "known"}
    event = one_event(client, "post", f"/clients/{cara.pk}/record-requests/", form)
    assert (event.action, event.client_id) == ("subject_access.request", cara.pk)
    sar = SubjectAccessRequest.objects.get()
    run_background_work()
    base = f"/record-requests/{sar.pk}/"
    assert one_event(client, "get", base).action == "client.view"
    steps = [
        ("subject_access.extend", f"{base}extend/", {"months": 1, "reason": "Complex."}),
        (
            "subject_access.review",
            f"/record-requests/people/{sar.third_parties.get().pk}/",
            {"decision": "withhold", "reason": "Not asked."},
        ),
        ("subject_access.remake", f"{base}make-again/", {}),
    ]
    for action, url, data in steps:
        assert one_event(client, "post", url, data).action == action
    run_background_work()
    release = {"method": "post", "note": ""}
    assert one_event(client, "post", f"{base}release/", release).action == (
        "subject_access.release"
    )
    for suffix in ("copy.pdf", "copy.json"):
        assert one_event(client, "get", base + suffix).action == "subject_access.download"


def test_the_retention_pages_write_one_event_each(client, lee, cara):
    from iptclinic.clients.models import Referral

    Referral.objects.filter(client=cara).update(
        received_on=timezone.localdate().replace(year=2000),
        closed_on=timezone.localdate().replace(year=2001),
    )
    client.force_login(lee)
    event = one_event(client, "get", "/retention/")
    assert (event.action, event.detail["client_ids"]) == ("retention.report", [cara.pk])
    event = one_event(client, "get", f"/retention/clients/{cara.pk}/")
    assert (event.action, event.client_id) == ("retention.review", cara.pk)
    later = (timezone.localdate() + timedelta(days=400)).isoformat()
    event = one_event(
        client,
        "post",
        f"/retention/clients/{cara.pk}/",
        {"keep-keep_until": later, "keep-reason": "Hold."},
    )
    assert (event.action, event.client_id) == ("retention.keep", cara.pk)
