"""Letters made in the background: asked for at once, made by a worker exactly once, and a
failure retried, then shown to staff and put in the therapist's "Needs attention", never lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from iptclinic.attention.links import act_link
from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.jobs.api import TaskResultStatus
from iptclinic.letters import services
from iptclinic.letters.formats.tools import FormatToolMissing
from iptclinic.letters.models import (
    IssuedLetter,
    LetterFormat,
    LetterKind,
    LetterRequest,
    RequestStatus,
)
from iptclinic.letters.selectors import requests_in_hand
from iptclinic.letters.tasks import make_letter
from iptclinic.letters.tests.scenes import open_course_with_appointments
from iptclinic.test import run_background_work

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning, so "within a working day" is the end of Thursday's working day.
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def scene(cara, tess):
    return open_course_with_appointments(cara, tess, braille=True)


def ask(scene, **options):
    return services.request_letter(
        scene.course,
        actor=scene.therapist,
        kind=LetterKind.APPOINTMENTS,
        formats=[LetterFormat.LARGE_PRINT, LetterFormat.BRAILLE],
        **options,
    )


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_asking_for_a_letter_records_what_was_asked_and_hands_it_to_a_worker(scene, tess, cara):
    asked = ask(scene)

    assert asked.status == RequestStatus.WAITING
    assert (asked.client, asked.course, asked.requested_by) == (cara, scene.course, tess)
    assert asked.formats == ["braille", "large_print", "pdf"]
    task = DBTaskResult.objects.get()
    assert task.task_path == "iptclinic.letters.tasks.make_letter"
    assert task.args_kwargs == {"args": [asked.pk], "kwargs": {}}
    assert task.status == TaskResultStatus.READY
    event = events("letter.request").get()
    assert (event.actor, event.client, event.object_id) == (tess, cara, str(asked.pk))
    assert not IssuedLetter.objects.exists()


def test_the_worker_makes_exactly_one_letter_with_one_audit_event(scene, tess, cara):
    asked = ask(scene)

    run_background_work()

    asked.refresh_from_db()
    letter = IssuedLetter.objects.get()
    assert (asked.status, asked.attempts, asked.failure) == (RequestStatus.READY, 1, "")
    assert asked.letter == letter
    assert asked.finished_at == letter.issued_at
    assert {f.format for f in letter.files.all()} == {"pdf", "large_print", "braille", "calendar"}
    event = events("letter.issue").get()
    assert (event.actor, event.client, event.object_id) == (tess, cara, str(letter.pk))
    assert event.detail["request"] == asked.pk
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_running_the_same_task_again_makes_no_second_letter(scene):
    asked = ask(scene)
    run_background_work()

    assert make_letter.call(asked.pk) == "already made, or given up"
    assert make_letter.call(asked.pk, attempt=2) == "already made, or given up"

    assert IssuedLetter.objects.count() == 1
    assert events("letter.issue").count() == 1


def test_a_worker_that_finishes_after_another_took_over_stores_nothing(scene):
    """A worker presumed dead is still rendering when the clock's re-run finishes first."""
    asked = ask(scene)
    first = services.start_making(asked.pk)

    assert make_letter.call(asked.pk) == "made"
    assert services.make_letter(first) is None

    assert IssuedLetter.objects.count() == 1
    assert events("letter.issue").count() == 1
    asked.refresh_from_db()
    assert (asked.status, asked.attempts) == (RequestStatus.READY, 2)


def test_the_database_itself_refuses_a_second_letter_for_one_request(scene):
    ask(scene)
    run_background_work()
    letter = IssuedLetter.objects.get()

    letter.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        letter.save()


def _broken(*args, **kwargs):
    raise RuntimeError("Cara Whitfield's letter would not render")


@pytest.mark.time_machine(WEDNESDAY)
def test_a_fault_is_retried_then_given_up_with_an_item_for_the_therapist(
    scene, tess, cara, monkeypatch, time_machine
):
    monkeypatch.setattr(services, "render_files", _broken)
    asked = ask(scene)

    run_background_work()
    asked.refresh_from_db()
    assert (asked.status, asked.attempts) == (RequestStatus.WAITING, 1)
    assert asked.failure == "The last try did not work. It will be tried again in a few minutes."
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": [asked.pk], "kwargs": {"attempt": 2}}
    assert retry.run_after > timezone.now()
    assert not Item.objects.exists()

    time_machine.shift(timedelta(minutes=2))
    run_background_work()
    asked.refresh_from_db()
    assert (asked.status, asked.attempts) == (RequestStatus.WAITING, 2)

    time_machine.shift(timedelta(minutes=6))
    run_background_work()
    asked.refresh_from_db()
    assert (asked.status, asked.attempts) == (RequestStatus.FAILED, 3)
    assert asked.failure.startswith(
        "It could not be made because of a fault in the system, after 3 tries. Ask for it "
        "again; if that fails too, tell IT support (reference: RuntimeError at "
    )
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    # The reason kept and shown names no one; the task records carry no message either.
    assert "Cara" not in asked.failure
    assert not DBTaskResult.objects.filter(traceback__contains="Cara").exists()

    item = Item.objects.get()
    assert (item.owner, item.kind, item.client) == (tess, NeedKind.JOB_FAILED, cara)
    assert item.due == datetime(2026, 12, 3, 17, 0, tzinfo=LONDON)
    assert item.title == (
        "The appointment letter could not be made: see why, put it right and ask for it again"
    )
    assert act_link(item) == (
        reverse("letters:request", args=[asked.pk]),
        "See why the letter was not made",
    )
    assert not IssuedLetter.objects.exists()
    assert not events("letter.issue").exists()


def test_a_missing_format_tool_fails_at_once_with_its_message(scene, tess, monkeypatch):
    def missing(*args, **kwargs):
        raise FormatToolMissing(
            "Audio needs the espeak-ng tool: install the Debian package espeak-ng."
        )

    monkeypatch.setattr("iptclinic.letters.rendering.text_to_wav", missing)
    asked = services.request_letter(
        scene.course,
        actor=tess,
        kind=LetterKind.APPOINTMENTS,
        formats=[LetterFormat.LARGE_PRINT, LetterFormat.BRAILLE, LetterFormat.AUDIO],
    )

    run_background_work()

    asked.refresh_from_db()
    assert (asked.status, asked.attempts) == (RequestStatus.FAILED, 1)
    assert asked.failure == "Audio needs the espeak-ng tool: install the Debian package espeak-ng."
    assert DBTaskResult.objects.count() == 1  # no retry: it would fail the same way
    assert Item.objects.get().owner == tess
    assert not IssuedLetter.objects.exists()


def test_the_worker_checks_the_record_again_as_it_is_when_it_makes_the_letter(scene, cara):
    asked = ask(scene)
    cara.braille = False
    cara.postcode = ""
    cara.save()

    run_background_work()

    asked.refresh_from_db()
    assert asked.status == RequestStatus.FAILED
    assert asked.failure == (
        "The letter cannot be issued yet: Cara has no postcode. Add it on the client's details "
        "page."
    )
    assert not IssuedLetter.objects.exists()


def test_notes_about_language_that_changed_after_asking_stop_the_letter(scene, cara):
    asked = ask(scene)
    cara.language = "Tigrinya"
    cara.save()

    run_background_work()

    asked.refresh_from_db()
    assert asked.status == RequestStatus.FAILED
    assert asked.failure == services.NOTES_CHANGED


def test_a_letter_made_later_closes_the_item_of_the_one_that_failed(scene, tess, cara):
    first = ask(scene)
    cara.postcode = ""
    cara.save()
    run_background_work()
    cara.postcode = "NT1 2AB"
    cara.save()
    assert list(requests_in_hand(cara)) == [LetterRequest.objects.get(pk=first.pk)]

    second = ask(scene)
    run_background_work()

    item = Item.objects.get()
    assert item.resolved_by == tess
    assert item.resolution == "The letter was made when it was asked for again."
    second.refresh_from_db()
    assert second.status == RequestStatus.READY
    assert list(requests_in_hand(cara)) == []


def test_pressing_issue_twice_while_the_letter_is_being_made_asks_once(scene):
    first = ask(scene)
    again = ask(scene)

    assert again == first
    assert LetterRequest.objects.count() == 1
    assert events("letter.request").count() == 1
    run_background_work()
    assert IssuedLetter.objects.count() == 1
    assert ask(scene) != first  # once made, asking again is a new letter
