"""A person's whole record on request: recorded, made in the background, reviewed, released."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.endings.models import EndingRecord
from iptclinic.history.services import save_with_reason
from iptclinic.inventory import services as inventory_services
from iptclinic.jobs.api import JobFailed
from iptclinic.letters.formats.pdf import pdf_text
from iptclinic.subject_access import services, tasks
from iptclinic.subject_access.collect import staff_label
from iptclinic.subject_access.models import CopyStatus, SubjectAccessRequest
from iptclinic.test import attend_next, run_background_work

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 3, 10, 10, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def record(frozen, tess, cara, cara_course):
    """Cara's record: a partner named Sam in the inventory (Sam is also a supervisor's name),
    named again in a session record; a signed record with an addendum."""
    inventory_services.add_relationship(
        cara_course, actor=tess, data={"label": "Sam", "relationship_type": "partner"}
    )
    attended = attend_next(cara_course, tess, 1)[0]
    saved = course_services.save_session_record(
        attended,
        actor=tess,
        data={"notes": "Talked about Sam and the move. SAM is worried too."},
        expected_version=None,
    )
    return saved


def ask(lee, cara, **extra):
    data = {
        "received_on": date(2026, 3, 10),
        "requester": "person",
        "requester_note": "",
        "identity_check": "known",
        "identity_note": "",
    }
    return services.record_request(cara, actor=lee, **{**data, **extra})


def test_a_request_is_due_a_calendar_month_later_and_waits_in_the_leads_list(frozen, lee, cara):
    sar = ask(lee, cara)
    assert sar.due_on == date(2026, 4, 10)
    item = Item.objects.get(key=services.attention_key(sar))
    assert item.owner == lee and item.client == cara and item.resolved_at is None
    assert item.due == datetime(2026, 4, 10, 17, 0, tzinfo=LONDON)
    assert AuditEvent.objects.filter(action="subject_access.request", client=cara).count() == 1


def test_an_extension_moves_the_deadline_and_the_item_with_a_reason(frozen, lee, cara):
    sar = ask(lee, cara)
    with pytest.raises(services.SubjectAccessError, match="reason"):
        services.extend(sar, actor=lee, months=2, reason=" ")
    services.extend(sar, actor=lee, months=2, reason="Three courses of records to review.")
    sar.refresh_from_db()
    assert sar.due_on == date(2026, 6, 10)
    assert Item.objects.get(key=services.attention_key(sar)).due.date() == date(2026, 6, 10)


def test_only_a_lead_of_the_team_can_record_a_request(frozen, tess, cara):
    with pytest.raises(services.SubjectAccessError, match="service lead"):
        ask(tess, cara)


def test_someone_acting_for_the_person_must_be_described(frozen, lee, cara):
    with pytest.raises(services.SubjectAccessError, match="acting for the person"):
        ask(lee, cara, requester="representative")


def test_the_copy_is_made_in_the_background_with_third_parties_withheld_until_reviewed(
    record, lee, cara
):
    sar = ask(lee, cara)
    run_background_work()
    sar.refresh_from_db()
    assert sar.status == CopyStatus.READY and sar.progress == 100 and sar.pdf_pages >= 3
    party = sar.third_parties.get()
    assert (party.name, party.label, party.mentions) == ("Sam", "Person A", 3)
    data = json.loads(bytes(sar.json))
    notes = next(s for s in data["sections"] if s["key"] == "session_records")["records"][0]
    assert notes["notes"] == "Talked about Person A and the move. Person A is worried too."
    # Staff named in their role are never withheld, even with the same first name.
    text = pdf_text(bytes(sar.pdf))
    assert "Person A" in text and "Talked about Sam" not in text
    assert "Tess" in text
    assert services.release_blockers(sar) == [
        "Review every other person named in the record first: Person A."
    ]


def test_a_released_name_appears_after_the_copy_is_made_again(record, lee, cara):
    sar = ask(lee, cara)
    run_background_work()
    party = sar.third_parties.get()
    services.decide(party, actor=lee, decision="release", reason="Cara told us about him.")
    sar.refresh_from_db()
    assert services.release_blockers(sar) == [
        "Make the copy again so that it applies your latest decisions."
    ]
    with pytest.raises(services.SubjectAccessError, match="Make the copy again"):
        services.release(sar, actor=lee, method="post", note="")
    services.make_again(sar, actor=lee)
    with time_machine.travel(datetime(2026, 3, 10, 10, 5, tzinfo=LONDON), tick=False):
        run_background_work()
    sar.refresh_from_db()
    assert "Talked about Sam and the move" in pdf_text(bytes(sar.pdf))
    assert services.release_blockers(sar) == []


def test_release_records_who_when_and_how_and_closes_the_item(record, lee, cara):
    sar = ask(lee, cara)
    run_background_work()
    services.decide(sar.third_parties.get(), actor=lee, decision="withhold", reason="Not asked.")
    services.make_again(sar, actor=lee)
    with time_machine.travel(datetime(2026, 3, 10, 10, 5, tzinfo=LONDON), tick=False):
        run_background_work()
        sar.refresh_from_db()
        services.release(sar, actor=lee, method="secure_email", note="")
    sar.refresh_from_db()
    assert sar.released_by == lee and sar.release_method == "secure_email"
    item = Item.objects.get(key=services.attention_key(sar))
    assert item.resolved_at is not None and item.resolved_by == lee
    actions = list(
        AuditEvent.objects.filter(client=cara, action__startswith="subject_access")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "subject_access.request",
        "subject_access.generate",
        "subject_access.review",
        "subject_access.remake",
        "subject_access.generate",
        "subject_access.release",
    ]


def test_the_files_are_erased_a_month_after_release_and_the_request_stays(record, lee, cara):
    sar = ask(lee, cara)
    run_background_work()
    services.decide(sar.third_parties.get(), actor=lee, decision="withhold", reason="Not asked.")
    services.make_again(sar, actor=lee)
    with time_machine.travel(datetime(2026, 3, 10, 10, 5, tzinfo=LONDON), tick=False):
        run_background_work()
        sar.refresh_from_db()
        services.release(sar, actor=lee, method="post", note="")
    with time_machine.travel(datetime(2026, 4, 8, 10, 0, tzinfo=LONDON), tick=False):
        assert services.erase_old_copies() == 0
    with time_machine.travel(datetime(2026, 4, 10, 10, 0, tzinfo=LONDON), tick=False):
        assert services.erase_old_copies() == 1
    sar.refresh_from_db()
    assert sar.pdf is None and sar.json is None and sar.released_at is not None


def test_a_failure_is_retried_then_handed_to_the_lead_without_personal_data(
    frozen, lee, cara, monkeypatch
):
    def broken(client, progress=None):
        raise ValueError(f"cannot read {client.full_name}")

    monkeypatch.setattr(services, "collect", broken)
    sar = ask(lee, cara)
    for attempt in (1, 2, 3):
        with pytest.raises(JobFailed) as failed:
            tasks.make_copy.call(sar.pk, attempt=attempt)
        assert "Cara" not in str(failed.value) and "Whitfield" not in str(failed.value)
    sar.refresh_from_db()
    assert sar.status == CopyStatus.FAILED and "Cara" not in sar.failure
    item = Item.objects.get(key=services.failed_key(sar))
    assert item.owner == lee and "Cara" not in item.title


def test_the_relapse_plans_named_person_is_a_third_party_too(frozen, lee, tess, cara, cara_course):
    EndingRecord.objects.create(
        course=cara_course,
        kind="planned",
        share_plan=True,
        share_with_name="Dana Reyes",
        share_with_relationship="sister",
        created_by=tess,
        updated_by=tess,
        updated_at=cara_course.created_at,
    )
    sar = ask(lee, cara)
    run_background_work()
    assert list(sar.third_parties.values_list("name", "found_in")) == [
        ("Dana Reyes", "Relapse plan shared with")
    ]


# Pages ---------------------------------------------------------------------------------------


def test_a_lead_records_a_request_from_the_client_page(client, frozen, lee, cara):
    client.force_login(lee)
    page = client.get(reverse("clients:detail", args=[cara.pk]))
    assert reverse("subject_access:client", args=[cara.pk]) in page.content.decode()
    response = client.post(
        reverse("subject_access:client", args=[cara.pk]),
        {"received_on": "2026-03-10", "requester": "person", "identity_check": "known"},
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subject_access:detail", args=[sar.pk])
    page = client.get(response["Location"])
    assert "Waiting to be made" in page.content.decode()


def test_a_future_date_is_refused_and_what_was_typed_is_kept(client, frozen, lee, cara):
    client.force_login(lee)
    response = client.post(
        reverse("subject_access:client", args=[cara.pk]),
        {
            "received_on": "2026-03-11",
            "requester": "person",
            "identity_check": "known",
            "identity_note": "Passport seen",
        },
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert "Passport seen" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize("who", ["tess", "sam"])
def test_only_service_leads_reach_the_pages(client, frozen, lee, cara, who, request):
    sar = ask(lee, cara)
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("subject_access:client", args=[cara.pk]),
        reverse("subject_access:detail", args=[sar.pk]),
    ):
        assert client.get(url).status_code == 404


def test_downloading_asks_for_recent_authentication_and_is_audited(client, record, lee, cara):
    sar = ask(lee, cara)
    run_background_work()
    client.force_login(lee)
    url = reverse("subject_access:pdf", args=[sar.pk])
    session = client.session
    session.pop("iptclinic.confirmed_at", None)
    session.save()
    assert client.get(url)["Location"].startswith(reverse("accounts:confirm"))
    client.force_login(lee)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="subject_access.download")
    assert event.detail == {"format": "pdf", "released": False}


def test_polling_answers_no_change_without_writing_to_the_audit(client, frozen, lee, cara):
    sar = ask(lee, cara)
    client.force_login(lee)
    before = AuditEvent.objects.count()
    url = reverse("subject_access:detail", args=[sar.pk])
    response = client.get(url, {"shown": "waiting-0-0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and AuditEvent.objects.count() == before


def test_reading_the_record_takes_the_same_queries_however_large_it_is(
    frozen, tess, cara, cara_course, django_assert_num_queries
):
    from iptclinic.subject_access.collect import collect

    attend_next(cara_course, tess, 1)
    with django_assert_num_queries(62):  # 54, supervision 3 (13), carers, eating 2, groups 2 (14)
        collect(cara)
    for appointment in attend_next(cara_course, tess, 4):
        course_services.save_session_record(
            appointment, actor=tess, data={"notes": "More."}, expected_version=None
        )
    jo = inventory_services.add_relationship(
        cara_course, actor=tess, data={"label": "Jo", "relationship_type": "friend"}
    )
    # Earlier versions, some naming staff ("updated by"), of several kinds of record.
    draft = inventory_services.save_formulation(
        cara_course, actor=tess, text="A first draft.", expected_version=None
    )
    inventory_services.save_formulation(
        cara_course, actor=tess, text="A second draft.", expected_version=draft.version
    )
    inventory_services.update_relationship(
        jo, actor=tess, data={"label": "Jo", "satisfying": "Walks."}, expected_version=jo.version
    )
    cara.phone = "01632 960000"
    save_with_reason(cara, actor=tess, reason="New number.")
    with django_assert_num_queries(62):  # 54, supervision 3 (13), carers, eating 2, groups 2 (14)
        made = collect(cara)
    earlier = next(s for s in made.sections if s["key"] == "earlier_versions")["records"]
    assert {row["kind"] for row in earlier} >= {"client", "relationship", "appointment"}


def test_the_copy_has_every_earlier_version_with_who_when_and_why(frozen, tess, cara):
    from iptclinic.subject_access.collect import collect

    cara.phone = "01632 960000"
    save_with_reason(cara, actor=tess, reason="She gave a new number.")
    sections = {s["key"]: s for s in collect(cara).as_json()["sections"]}
    keys = [s for s in sections]
    assert keys[-2:] == ["earlier_versions", "audit"]
    rows = [r for r in sections["earlier_versions"]["records"] if r["kind"] == "client"]
    assert [(r["version"], r["what"]) for r in rows] == [(1, "Created"), (2, "Changed")]
    correction = rows[1]
    assert correction["staff"] == staff_label(tess) and "(IPT therapist)" in correction["staff"]
    assert correction["why"] == "She gave a new number."
    assert correction["when"] == "2026-03-10T10:00+00:00"
    assert [(c["field"], c["after"]) for c in correction["changes"]] == [("Phone", "01632 960000")]


def test_a_withheld_name_in_earlier_versions_appears_in_neither_file(
    frozen, lee, tess, cara, cara_course
):
    """Sam was the label of a relationship, and named in its notes and in a draft formulation;
    all three were corrected since. Sam is still a third party, and withheld everywhere."""
    sam = inventory_services.add_relationship(
        cara_course,
        actor=tess,
        data={"label": "Sam", "relationship_type": "partner", "satisfying": "Sam cooks."},
    )
    inventory_services.save_formulation(
        cara_course,
        actor=tess,
        text="Since Sam moved out, Cara feels alone.",
        expected_version=None,
    )
    with time_machine.travel(datetime(2026, 3, 10, 10, 30, tzinfo=LONDON), tick=False):
        inventory_services.update_relationship(
            sam,
            actor=tess,
            data={"label": "Her partner", "relationship_type": "partner", "satisfying": "Cooks."},
            expected_version=sam.version,
        )
        inventory_services.save_formulation(
            cara_course,
            actor=tess,
            text="Since her partner moved out, Cara feels alone.",
            expected_version=1,
        )
        sar = ask(lee, cara)
        run_background_work()
    sar.refresh_from_db()
    assert sorted(sar.third_parties.values_list("name", "found_in")) == [
        ("Her partner", "Interpersonal inventory (Partner)"),
        ("Sam", "Interpersonal inventory (an earlier version)"),
    ]
    data = json.loads(bytes(sar.json))
    earlier = next(s for s in data["sections"] if s["key"] == "earlier_versions")["records"]
    assert {row["kind"] for row in earlier} >= {"relationship", "formulation"}
    labels = {p.name: p.label for p in sar.third_parties.all()}
    relationship = [r for r in earlier if r["kind"] == "relationship"]
    changed = {c["name"]: c for c in relationship[-1]["changes"]}
    assert (changed["label"]["before"], changed["label"]["after"]) == (
        labels["Sam"],
        labels["Her partner"],
    )
    assert relationship[-1]["staff"] == staff_label(tess)
    pdf = pdf_text(bytes(sar.pdf))
    assert "Earlier versions and corrections" in pdf
    assert f"{labels['Sam']} moved out" in pdf.replace("\n", " ")
    for text in (bytes(sar.json).decode(), pdf):
        assert not re.search(r"\bSam\b", text, re.IGNORECASE)


def test_a_decision_without_a_choice_is_a_form_error_and_keeps_the_reason(
    client, record, lee, cara
):
    sar = ask(lee, cara)
    run_background_work()
    party = sar.third_parties.get()
    client.force_login(lee)
    before = AuditEvent.objects.filter(action="subject_access.review").count()
    response = client.post(
        reverse("subject_access:decide", args=[party.pk]),
        {"reason": "Cara told us about Sam & asked us to share."},
    )
    page = response.content.decode()
    assert response.status_code == 200  # shown again, as the project's other forms are
    assert "There is a problem" in page
    assert f'href="#release-{party.pk}">Decision: Choose whether to release or withhold' in page
    assert f'id="decision-{party.pk}-error"' in page
    assert "Cara told us about Sam &amp; asked us to share.</textarea>" in page
    party.refresh_from_db()
    assert party.decision == "" and party.reason == ""
    assert AuditEvent.objects.filter(action="subject_access.review").count() == before
    shown = AuditEvent.objects.filter(action="client.view", client=cara).latest("pk")
    assert shown.detail["page"] == "subject_access_request"


def test_a_decision_without_a_reason_keeps_the_choice(client, record, lee, cara):
    sar = ask(lee, cara)
    run_background_work()
    party = sar.third_parties.get()
    client.force_login(lee)
    response = client.post(
        reverse("subject_access:decide", args=[party.pk]), {"decision": "withhold", "reason": " "}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the reason for the decision." in page
    assert f'value="withhold" id="withhold-{party.pk}" checked' in page
    assert 'aria-invalid="true"' in page
