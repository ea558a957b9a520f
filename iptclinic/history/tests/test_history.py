"""Corrections keep history: who, when and why, the old value kept, one click away (H-069..H-072)."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.clients import services as client_services
from iptclinic.clients.forms import ClientCorrectionForm
from iptclinic.clients.models import Client, Referral
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course, SessionRecord
from iptclinic.history.registry import KEPT
from iptclinic.history.selectors import versions, with_corrections
from iptclinic.history.services import (
    BASELINE_REASON,
    purge_history_for_client,
)
from iptclinic.inventory import services as inventory_services
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.test import attend_next, open_course_for, record_the_past_as_missed

from ..registry import BY_KIND


def _edit(client_record: Client, **changes: Any) -> dict[str, Any]:
    """The edit form as it comes, with ``changes`` typed over it."""
    form = ClientCorrectionForm(instance=client_record)
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["change_reason"] = "New number, given by Cara on the phone."
    return {**data, **changes}


def _page(response: Any) -> str:
    return response.content.decode()


def test_correcting_a_phone_number_keeps_the_old_one_with_who_when_and_why(
    client, tess, cara
) -> None:
    client_services.update_client_details(
        cara, actor=tess, changes={"phone": "0117 496 0001"}, expected_version=1, reason="First."
    )
    cara.refresh_from_db()
    client.force_login(tess)

    response = client.post(
        reverse("clients:edit", args=[cara.pk]), _edit(cara, phone="0117 496 0999")
    )

    assert response.status_code == 302
    cara.refresh_from_db()
    assert cara.phone == "0117 496 0999"
    newest, earlier, *_ = versions(BY_KIND["client"], cara.pk)
    assert (newest.who, newest.why) == (
        tess.display_name,
        "New number, given by Cara on the phone.",
    )
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Phone", "0117 496 0001", "0117 496 0999")
    ]
    assert earlier.why == "First."
    detail = _page(client.get(reverse("clients:detail", args=[cara.pk])))
    today = timezone.localdate()
    assert f"Corrected on {today:%-d %b %Y} by {tess.display_name}" in detail
    assert reverse("history:client", args=[cara.pk]) in detail


def test_the_history_page_shows_old_and_new_with_labels_and_the_reason(client, tess, cara) -> None:
    client_services.update_client_details(
        cara,
        actor=tess,
        changes={"preferred_contact": "email", "large_print": True},
        expected_version=1,
        reason="Asked at the first session.",
    )
    client.force_login(tess)

    page = _page(client.get(reverse("history:client", args=[cara.pk])))

    assert "Asked at the first session." in page
    assert "Preferred contact method" in page  # the verbose name, not the field's name
    assert "Phone call" in page and "Email" in page  # choices as their labels
    assert "Large print" in page
    assert page.index("Changed on") < page.index("Created on")  # newest first


def test_a_correction_without_a_reason_is_refused_keeping_what_was_typed(
    client, tess, cara
) -> None:
    client.force_login(tess)

    response = client.post(
        reverse("clients:edit", args=[cara.pk]),
        _edit(cara, phone="0117 496 0999", change_reason="  "),
    )

    page = _page(response)
    assert "Say what changed and why" in page
    assert 'value="0117 496 0999"' in page
    cara.refresh_from_db()
    assert cara.phone == ""


def test_a_reason_with_a_hidden_character_is_refused_and_shown_again(client, tess, cara) -> None:
    client.force_login(tess)

    response = client.post(
        reverse("clients:edit", args=[cara.pk]),
        _edit(cara, phone="0117 496 0999", change_reason="New\x00 number"),
    )

    assert response.status_code == 200
    assert 'value="0117 496 0999"' in _page(response)
    cara.refresh_from_db()
    assert cara.phone == ""


def test_otto_gets_404_on_the_history_of_tess_s_client_and_only_the_refusal_is_audited(
    client, otto, cara
) -> None:
    client.force_login(otto)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = client.get(reverse("history:client", args=[cara.pk]))

    assert response.status_code == 404
    (refused,) = AuditEvent.objects.exclude(pk__in=before)
    assert (refused.action, refused.actor_id, refused.client_id) == (
        "access.refused",
        otto.pk,
        None,
    )


def test_viewing_a_history_writes_one_audit_event(client, tess, cara) -> None:
    client.force_login(tess)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    client.get(reverse("history:referral", args=[cara.referrals.get().pk]))

    event = AuditEvent.objects.exclude(pk__in=before).get()
    assert (event.action, event.client_id, event.detail["page"]) == (
        "client.view",
        cara.pk,
        "history",
    )


def test_a_removed_person_s_history_stays_readable_by_the_same_people(
    client, tess, otto, cara, cara_course
) -> None:
    person = inventory_services.add_relationship(
        cara_course, actor=tess, data={"label": "Jo", "relationship_type": "partner"}
    )
    pk = person.pk
    inventory_services.remove_relationship(person, actor=tess)
    url = reverse("history:relationship", args=[pk])

    client.force_login(tess)
    page = _page(client.get(url))
    assert "Removed on" in page and "Jo" in page
    client.force_login(otto)
    assert client.get(url).status_code == 404


def _draft(appointment: Appointment, tess: Any, notes: str, version: int | None) -> SessionRecord:
    return course_services.save_session_record(
        appointment, actor=tess, data={"notes": notes}, expected_version=version
    )


def test_saves_of_a_draft_by_one_person_within_minutes_are_one_version(
    tess, cara_course, time_machine
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    appointment = attend_next(cara_course, tess)[0]
    record = _draft(appointment, tess, "First words.", None)
    record = _draft(appointment, tess, "First words, more.", record.version)
    time_machine.shift(timedelta(minutes=3))
    record = _draft(appointment, tess, "First words, more, and more.", record.version)

    kept = versions(BY_KIND["session-record"], record.pk)
    assert [v.kind for v in kept] == ["Created"]
    assert "First words, more, and more." in [c.new for c in kept[0].changes]

    time_machine.shift(timedelta(minutes=11))
    _draft(appointment, tess, "Next day's words.", record.version)
    assert [v.kind for v in versions(BY_KIND["session-record"], record.pk)] == [
        "Changed",
        "Created",
    ]


def test_a_record_saved_before_history_was_kept_keeps_its_old_values_at_the_first_correction(
    tess, cara
) -> None:
    Client.history.filter(id=cara.pk).delete()  # as a database from before this change

    client_services.update_client_details(
        cara, actor=tess, changes={"phone": "0117 496 0999"}, expected_version=1, reason="New."
    )

    newest, baseline = versions(BY_KIND["client"], cara.pk)
    assert baseline.why == BASELINE_REASON
    assert [(c.old, c.new) for c in newest.changes] == [("(blank)", "0117 496 0999")]


def test_long_text_is_shown_as_a_readable_difference(tess, cara_course, time_machine) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    start = "The person describes a long argument with their sister about caring for their mother."
    formulation = inventory_services.save_formulation(
        cara_course, actor=tess, text=start, expected_version=None
    )
    time_machine.shift(timedelta(hours=1))
    inventory_services.save_formulation(
        cara_course,
        actor=tess,
        text=start.replace("long argument", "long and painful argument"),
        expected_version=formulation.version,
    )

    change = versions(BY_KIND["formulation"], formulation.pk)[0].changes[0]
    assert ("added", "and painful") in change.diff
    assert ("removed", "long") not in change.diff


def test_purge_removes_every_historical_row_of_one_client_and_no_other(tess, cara, ruth) -> None:
    course = open_course_for(cara, tess)
    appointment = attend_next(course, tess)[0]
    _draft(appointment, tess, "Notes.", None)
    inventory_services.add_relationship(
        course, actor=tess, data={"label": "Jo", "relationship_type": "partner"}
    )
    ruth_rows = Client.history.filter(id=ruth.pk).count()
    assert ruth_rows

    removed = purge_history_for_client(cara)

    assert removed > 0
    assert not Client.history.filter(id=cara.pk).exists()
    assert not Referral.history.filter(client_id=cara.pk).exists()
    assert not Course.history.filter(id=course.pk).exists()
    assert not Appointment.history.filter(course_id=course.pk).exists()
    assert not SessionRecord.history.filter(appointment_id=appointment.pk).exists()
    assert Client.history.filter(id=ruth.pk).count() == ruth_rows
    assert Referral.history.filter(client_id=ruth.pk).exists()


def test_purge_works_after_the_records_themselves_are_gone(tess, cara) -> None:
    referral = cara.referrals.get()
    referral_pk = referral.pk
    Referral.objects.filter(pk=referral_pk).delete()

    purge_history_for_client(cara)

    assert not Referral.history.filter(id=referral_pk).exists()


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_the_history_page_costs_the_same_queries_for_3_and_30_versions(client, tess, cara) -> None:
    client.force_login(tess)
    url = reverse("history:client", args=[cara.pk])

    def correct(times: int) -> None:
        for _ in range(times):
            cara.refresh_from_db()
            client_services.update_client_details(
                cara,
                actor=tess,
                changes={"phone": f"0117 496 {cara.version:04d}"},
                expected_version=cara.version,
                reason="Changed.",
            )

    correct(2)
    few = _queries(client, url)
    correct(27)
    assert _queries(client, url) == few


def test_the_client_page_costs_the_same_queries_for_1_and_8_corrected_referrals(
    client, tess, cara
) -> None:
    client.force_login(tess)
    url = reverse("clients:detail", args=[cara.pk])

    def corrected_referral() -> None:
        referral = client_services.add_referral(
            cara,
            actor=tess,
            details={
                "received_on": timezone.localdate(),
                "referrer": "GP",
                "reason": "Low mood.",
                "presenting_problem": "depression",
            },
        )
        referral.referrer = "Dr Example"
        referral._change_reason = "Referrer's name corrected."
        referral.save()

    corrected_referral()
    few = _queries(client, url)
    for _ in range(7):
        corrected_referral()
    assert _queries(client, url) == few
    annotated = with_corrections(Referral.objects.filter(client=cara)).exclude(
        corrected_at__isnull=True
    )
    assert annotated.count() == 8


ROOT = Path(__file__).resolve().parents[2]
BYPASSES = ("update", "bulk_create", "bulk_update")
ALLOWED = {
    # Claims the version only; the values are written by save() right after (concurrency.py).
    ("lib/concurrency.py", "update"),
    # Erasing a destroyed record: its history is purged right after (retention/services.py).
    ("retention/services.py", "update"),
}


def test_no_code_writes_a_record_that_keeps_history_around_save() -> None:
    """QuerySet.update, bulk_create and bulk_update skip the history: use save() or the
    simple-history bulk helpers. The scan follows querysets named after a registered model and
    variables assigned from one in the same function; the bulk helpers are the way round."""
    names = {kept.model_label.split(".")[1] for kept in KEPT}
    model_ref = re.compile(
        r"\b("
        + "|".join(sorted(names))
        + r")\.objects\b|\.(appointments|referrals|relationships|life_events|goals|addenda|earlier_episodes|focus_decisions|ratings|courses)\b"
    )
    found: set[str] = set()
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        source = path.read_text()
        tree = ast.parse(source)
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.Module):
                continue
            assigned: dict[str, str] = {}
            for node in ast.walk(func):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        assigned[target.id] = ast.get_source_segment(source, node.value) or ""
            for node in ast.walk(func):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in BYPASSES
                ):
                    continue
                receiver = node.func.value
                text = ast.get_source_segment(source, receiver) or ""
                if isinstance(receiver, ast.Name):
                    text = assigned.get(receiver.id, text)
                if (relative, node.func.attr) in ALLOWED:
                    continue
                if model_ref.search(text) or "_default_manager" in text or "_base_manager" in text:
                    found.add(f"{relative}:{node.lineno} {node.func.attr}")
    assert not found, f"writes that skip the history: {sorted(found)}"


def test_correcting_a_referral_asks_why_and_keeps_the_earlier_details(client, tess, cara) -> None:
    referral = cara.referrals.get()
    url = reverse("clients:referral_edit", args=[cara.pk, referral.pk])
    form = {
        "received_on": referral.received_on.isoformat(),
        "referrer": "Dr Example, Mill Lane Surgery",
        "referrer_address": "",
        "reason": "Low mood since losing her job.",
        "presenting_problem": "depression",
        "version": referral.version,
    }
    client.force_login(tess)

    refused = client.post(url, form)
    assert "Say what changed and why" in _page(refused)
    assert "Low mood since losing her job." in _page(refused)

    saved = client.post(url, {**form, "change_reason": "The GP's letter gives the reason."})

    assert saved.status_code == 302
    referral.refresh_from_db()
    assert (referral.reason, referral.version) == ("Low mood since losing her job.", 2)
    newest = versions(BY_KIND["referral"], referral.pk)[0]
    assert newest.why == "The GP's letter gives the reason."
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Reason for referral", "Low mood.", "Low mood since losing her job.")
    ]


def test_otto_gets_404_correcting_tess_s_client_s_referral(client, otto, cara) -> None:
    client.force_login(otto)
    url = reverse("clients:referral_edit", args=[cara.pk, cara.referrals.get().pk])
    assert client.get(url).status_code == 404


def test_closing_a_course_keeps_each_cancelled_appointment_s_earlier_status(tess, cara) -> None:
    course = open_course_for(cara, tess, weeks_ago=2)
    record_the_past_as_missed(course, tess)
    future = course.appointments.filter(status="planned").order_by("starts_at").first()
    Appointment.history.filter(id=future.pk).delete()  # as a database from before this change

    course_services.end_course(
        course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.MOVED_AWAY,
    )

    newest, baseline = versions(BY_KIND["appointment"], future.pk)
    assert baseline.why == BASELINE_REASON
    assert newest.who == tess.display_name
    status = next(c for c in newest.changes if c.label == "Status")
    assert (status.old, status.new) == ("Planned", "Cancelled by service")


def test_lists_of_codes_are_shown_in_words() -> None:
    """A session's tasks, the techniques used and the problem areas read as their page shows
    them, never as codes such as risk_check (the history page and the copy of the record)."""
    from django.apps import apps

    from iptclinic.history.selectors import CODE_WORDS, _shown

    for (label, name), words in CODE_WORDS.items():
        field = apps.get_model(label)._meta.get_field(name)
        codes = sorted(words)[:2]
        shown = _shown(field, codes, {})
        assert shown == "; ".join(words[code] for code in codes)
        assert not any(code in shown.split("; ") for code in codes if code != words[code])
    tasks = apps.get_model("courses.SessionRecord")._meta.get_field("tasks_done")
    assert "risk_check" not in _shown(tasks, ["measures", "risk_check"], {})
