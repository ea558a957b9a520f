"""rate_session: who may rate, the checklist fixed by the first rating, changes audited."""

from __future__ import annotations

import pytest
from django.utils import timezone

from iptclinic.accounts.models import Role
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.recording import give_recording_consent, withdraw_recording_consent
from iptclinic.fidelity.models import AdherenceChecklist, AdherenceRating, Source
from iptclinic.fidelity.services import AdherenceError, rate_session
from iptclinic.inventory.models import FocusDecision
from iptclinic.lib.concurrency import EditConflict
from iptclinic.test import attend_next, make_user

from .helpers import consent_to_recording, course_with_records, marks, session


@pytest.fixture
def course(cara, tess):
    return course_with_records(cara, tess)


def test_the_therapist_rates_a_session_and_the_first_rating_fixes_its_checklist(tess, cara, course):
    middle = session(course, 4)
    rating = rate_session(middle, tess, "self", marks(middle, 2, grief_1=None, measures=1))
    checklist = AdherenceChecklist.objects.get(appointment=middle)
    assert checklist.session_number == 4
    assert checklist.phase == "middle"
    kinds = {item["kind"] for item in checklist.items}
    assert kinds == {"task", "strategy"}
    assert rating.source == Source.SELF
    assert rating.scores["grief.1"] is None
    assert rating.score.counted == len(checklist.items) - 1
    event = AuditEvent.objects.filter(action="adherence.rate").get()
    assert (event.actor_id, event.client_id) == (tess.pk, cara.pk)
    assert event.detail["session"] == 4
    assert event.detail["score"] == rating.score.percent


def test_an_initial_session_is_rated_on_its_tasks_only(tess, course):
    first = session(course, 1)
    # Session 1 is before the focus: its phase is the initial one whatever the override says.
    rating = rate_session(first, tess, "self", marks(first))
    items = rating.checklist.items
    assert all(item["kind"] == "task" for item in items)
    assert "symptom_review" in {item["code"] for item in items}


def test_a_later_change_of_focus_does_not_rewrite_a_rated_sessions_checklist(tess, sam, course):
    """H-121: the checklist is stored with the first rating."""
    middle = session(course, 4)
    rate_session(middle, tess, "self", marks(middle))
    before = AdherenceChecklist.objects.get(appointment=middle).items
    FocusDecision.objects.filter(course=course).update(superseded_at=timezone.now())
    FocusDecision.objects.create(
        course=course, areas=["role_dispute"], reason="Renegotiated.", decided_by=tess
    )
    rating = rate_session(middle, sam, "present", marks(middle, 1))
    assert AdherenceChecklist.objects.get(appointment=middle).items == before
    assert set(rating.scores) == {item["code"] for item in before}
    assert not any(code.startswith("role_dispute") for code in rating.scores)


def test_the_supervisor_rates_from_being_present_and_not_as_self(tess, sam, course):
    middle = session(course, 4)
    rating = rate_session(middle, sam, "present", marks(middle, 1))
    assert rating.by_supervisor
    with pytest.raises(AdherenceError, match="supervisor rates from a recording"):
        rate_session(session(course, 3), sam, "self", marks(session(course, 3)))
    with pytest.raises(AdherenceError, match="therapist rates their own sessions"):
        rate_session(session(course, 3), tess, "recording", marks(session(course, 3)))


@pytest.mark.parametrize("who", ["otto", "lee", "other_supervisor"])
def test_nobody_but_the_therapist_and_their_supervisor_may_rate(request, team, course, who):
    """H-122 (a supervisor not over the therapist) and H-123 (a service lead)."""
    if who == "other_supervisor":
        rater = make_user(team, "sue", Role.SUPERVISOR)
    else:
        rater = request.getfixturevalue(who)
    middle = session(course, 4)
    for source in Source:
        with pytest.raises(
            AdherenceError, match="Only the client's therapist and their supervisor"
        ):
            rate_session(middle, rater, source, marks(middle))
    assert not AdherenceRating.objects.exists()
    assert not AdherenceChecklist.objects.exists()


def test_a_service_lead_who_supervises_the_therapist_rates_as_their_supervisor(team, tess, course):
    lead = make_user(team, "lena", [Role.SERVICE_LEAD, Role.SUPERVISOR])
    tess.supervisor = lead
    tess.save(update_fields=["supervisor"])
    consent_to_recording(course, tess)
    middle = session(course, 4)
    assert rate_session(middle, lead, "recording", marks(middle)).rater == lead


def test_a_rating_from_a_recording_needs_the_clients_standing_consent(tess, sam, course):
    """H-116: the rule a supervision meeting follows to hear a recording."""
    middle = session(course, 4)
    with pytest.raises(AdherenceError, match="consent to recording did not cover"):
        rate_session(middle, sam, "recording", marks(middle))
    # Consent given after the session does not reach back to it.
    give_recording_consent(course.referral.client, actor=tess, given_on=timezone.localdate())
    with pytest.raises(AdherenceError, match="consent to recording did not cover"):
        rate_session(middle, sam, "recording", marks(middle))
    assert not AdherenceRating.objects.exists()
    # Being in the session needs no consent to recording.
    assert rate_session(middle, sam, "present", marks(middle)).source == Source.PRESENT


def test_withdrawn_consent_stops_a_rating_from_a_recording(tess, sam, course):
    consent_to_recording(course, tess)
    middle = session(course, 4)
    assert rate_session(middle, sam, "recording", marks(middle)).source == Source.RECORDING
    withdraw_recording_consent(
        course.referral.client, actor=tess, withdrawn_on=timezone.localdate()
    )
    with pytest.raises(AdherenceError, match="withdrawn since"):
        rate_session(middle, sam, "recording", marks(middle, 1), expected_version=1)


def test_a_session_without_a_record_cannot_be_rated(tess, course):
    [unrecorded] = attend_next(course, tess)
    with pytest.raises(AdherenceError, match="once its record has been written"):
        rate_session(unrecorded, tess, "self", {})
    assert not AdherenceChecklist.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measures": None}, "Every task of the phase needs a mark"),
        ({"measures": 3}, "A mark is 0, 1 or 2"),
        ({"nonsense": 1}, "not items of this session's checklist"),
    ],
)
def test_marks_that_cannot_be_scored_are_refused_and_nothing_is_saved(
    tess, course, change, message
):
    middle = session(course, 4)
    with pytest.raises(AdherenceError, match=message):
        rate_session(middle, tess, "self", {**marks(middle), **change})
    assert not AdherenceRating.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="adherence.").exists()


def test_a_missing_mark_is_named(tess, course):
    middle = session(course, 4)
    given = marks(middle)
    del given["risk_check"]
    with pytest.raises(AdherenceError, match="Not yet marked: Check risk"):
        rate_session(middle, tess, "self", given)


def test_the_author_changes_their_rating_once_audited_and_a_stale_copy_is_refused(tess, course):
    middle = session(course, 4)
    first = rate_session(middle, tess, "self", marks(middle, 2))
    changed = rate_session(
        middle, tess, "self", marks(middle, 2, measures=0), expected_version=first.version
    )
    assert changed.pk == first.pk
    assert changed.scores["measures"] == 0
    assert AdherenceRating.objects.count() == 1
    event = AuditEvent.objects.filter(action="adherence.update").get()
    assert event.detail["items_changed"] == ["measures"]
    with pytest.raises(EditConflict):
        rate_session(middle, tess, "self", marks(middle, 1), expected_version=first.version)
    assert AdherenceRating.objects.get().scores["measures"] == 0


def test_one_rating_per_rater_per_session_is_kept_by_the_database(tess, course):
    middle = session(course, 4)
    rating = rate_session(middle, tess, "self", marks(middle))
    with pytest.raises(Exception, match="fidelity_one_rating_per_rater_per_session|UNIQUE"):
        AdherenceRating.objects.create(
            checklist=rating.checklist, rater=tess, source="self", scores={}
        )
