"""The inventory pages: access, audit, htmx fragments, bad input, query counts and the export."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import SessionRecord
from iptclinic.inventory import services
from iptclinic.inventory.cases import build_case, load_rows
from iptclinic.inventory.models import (
    FocusDecision,
    Goal,
    GoalRating,
    LifeEvent,
    MiddlePhaseOverride,
    Relationship,
    SessionFocusWork,
    Suggestion,
    TreatmentAgreement,
)
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.case import ApproxDate, DatePrecision
from iptclinic.ipt.casefile import load_case
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.ipt.problem_areas import ProblemArea
from iptclinic.ipt.variants import Variant
from iptclinic.test import attend_next, open_course_for, record_the_past_as_missed

from .helpers import agree, day_of, dispute_case, initial_phase_done, person

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def objects(cara_course, tess) -> dict[str, int]:
    sam = person(cara_course, tess, label="Sam")
    event = services.add_event(
        cara_course,
        actor=tess,
        data={
            "happened_on": date(2026, 1, 1),
            "precision": "month",
            "kind": "move",
            "description": "Moved.",
        },
        people=[sam],
    )
    earlier = services.add_earlier_episode(
        cara_course, actor=tess, began=ApproxDate(date(2015, 1, 1), DatePrecision.YEAR), note=""
    )
    suggestion = Suggestion.objects.create(
        course=cara_course, kind="not_right", item="goals", text="No.", created_at=timezone.now()
    )
    return {
        "course_id": cara_course.pk,
        "relationship_id": sam.pk,
        "event_id": event.pk,
        "episode_id": earlier.pk,
        "suggestion_id": suggestion.pk,
    }


ROUTES = [
    ("inventory:relationships", "course_id"),
    ("inventory:relationship_new", "course_id"),
    ("inventory:relationship_add", "course_id"),
    ("inventory:relationship_card", "relationship_id"),
    ("inventory:relationship_edit", "relationship_id"),
    ("inventory:relationship_remove", "relationship_id"),
    ("inventory:export", "course_id"),
    ("inventory:copy", "course_id"),
    ("inventory:timeline", "course_id"),
    ("inventory:timeline_facts", "course_id"),
    ("inventory:event_new", "course_id"),
    ("inventory:event_add", "course_id"),
    ("inventory:event_card", "event_id"),
    ("inventory:event_edit", "event_id"),
    ("inventory:event_remove", "event_id"),
    ("inventory:earlier_add", "course_id"),
    ("inventory:earlier_remove", "episode_id"),
    ("inventory:focus", "course_id"),
    ("inventory:formulation", "course_id"),
    ("inventory:sharing", "course_id"),
    ("inventory:suggestion", "suggestion_id"),
    ("inventory:suggestion_accept", "suggestion_id"),
    ("inventory:suggestion_discuss", "suggestion_id"),
]
PAGES = ["relationships", "timeline", "focus", "formulation"]


def _url(name: str, key: str, objects: dict[str, int]) -> str:
    return reverse(name, kwargs={key: objects[key]})


# --- Access --------------------------------------------------------------------------------


def test_otto_gets_404_on_every_inventory_url_and_leaves_no_trace(client, otto, objects):
    client.force_login(otto)
    before = AuditEvent.objects.exclude(action="access.refused").count()
    for name, key in ROUTES:
        for method in (client.get, client.post):
            response = method(_url(name, key, objects), **HTMX)
            assert response.status_code in (404, 405), (name, response.status_code)
    assert AuditEvent.objects.exclude(action="access.refused").count() == before
    assert Relationship.objects.count() == 1


def test_every_route_is_in_the_access_list():
    from iptclinic.inventory.urls import urlpatterns

    assert {f"inventory:{p.name}" for p in urlpatterns} == {name for name, _ in ROUTES}


@pytest.mark.parametrize("page", PAGES)
def test_the_supervisor_reads_each_page_without_any_way_to_change_it(client, sam, objects, page):
    client.force_login(sam)
    response = client.get(reverse(f"inventory:{page}", args=[objects["course_id"]]))
    assert response.status_code == 200
    html = _page(response).split('id="main"')[1]
    assert 'method="post"' not in html
    assert "Add a person" not in html and "Add another" not in html


def test_the_supervisor_cannot_write_anything(client, sam, objects):
    client.force_login(sam)
    for name, key in ROUTES:
        response = client.post(_url(name, key, objects), {"form": "override", "reason": "x"})
        assert response.status_code in (404, 405), name
    assert not MiddlePhaseOverride.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_each_page_writes_one_view_event(client, tess, objects, page):
    client.force_login(tess)
    before = AuditEvent.objects.count()
    client.get(reverse(f"inventory:{page}", args=[objects["course_id"]]))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "client.view"


# --- People in place (htmx) ------------------------------------------------------------------


def test_a_new_row_opens_with_its_first_field_focused_and_the_third_party_note(
    client, tess, cara_course
):
    client.force_login(tess)
    html = _page(client.get(reverse("inventory:relationship_new", args=[cara_course.pk]), **HTMX))
    assert "<html" not in html
    assert 'name="new-label"' in html
    label_input = html[html.index('name="new-label"') - 200 : html.index('name="new-label"') + 200]
    assert "autofocus" in label_input
    assert "not a client of the service" in html


def test_adding_a_person_by_htmx_returns_the_row_the_redrawn_circle_and_a_focused_button(
    client, tess, cara_course
):
    client.force_login(tess)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("inventory:relationship_add", args=[cara_course.pk]),
        {
            "new-label": "Jo",
            "new-relationship_type": "friend",
            "new-status": "alive",
            "new-closeness_now": "1",
            "new-version": "0",
        },
        **HTMX,
    )
    html = _page(response)
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    assert 'hx-swap-oob="beforeend:#relationships"' in html
    assert 'id="circle-panel"' in html and 'hx-swap-oob="true"' in html
    assert "Ring 1: Jo." in html
    assert "autofocus" in html and "Add another person or group" in html


def test_a_bad_row_comes_back_with_the_messages_and_everything_typed(client, tess, cara_course):
    client.force_login(tess)
    response = client.post(
        reverse("inventory:relationship_add", args=[cara_course.pk]),
        {
            "new-label": "Dad",
            "new-relationship_type": "parent",
            "new-status": "deceased",
            "new-died": "next spring",
            "new-closeness_now": "9",
            "new-satisfying": "Walks on Sunday",
        },
        **HTMX,
    )
    html = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in html and "autofocus" in html
    assert "Write a day, a month or a year" in html
    assert "The ring must be a whole number from 1 to 4." in html
    assert 'value="next spring"' in html and "Walks on Sunday" in html
    assert not Relationship.objects.exists()


def test_editing_a_row_returns_the_saved_row_and_the_redrawn_circle(client, tess, cara_course):
    sam = person(cara_course, tess, label="Sam", closeness_now=3)
    client.force_login(tess)
    form = _page(client.get(reverse("inventory:relationship_edit", args=[sam.pk]), **HTMX))
    assert f'id="person-{sam.pk}"' in form and "autofocus" in form
    response = client.post(
        reverse("inventory:relationship_edit", args=[sam.pk]),
        {
            f"p{sam.pk}-label": "Sam",
            f"p{sam.pk}-relationship_type": "partner",
            f"p{sam.pk}-status": "alive",
            f"p{sam.pk}-closeness_now": "2",
            f"p{sam.pk}-closeness_before": "1",
            f"p{sam.pk}-version": "1",
        },
        **HTMX,
    )
    html = _page(response)
    assert "Ring 2 now, 1 before" in html
    assert "Before it started" in html  # the circle now shows before beside now
    sam.refresh_from_db()
    assert (sam.closeness_now, sam.closeness_before) == (2, 1)


def test_a_stale_edit_is_refused_with_the_typing_kept(client, tess, cara_course):
    sam = person(cara_course, tess, label="Sam")
    services.update_relationship(
        sam, actor=tess, data={"label": "Sam", "relationship_type": "partner"}, expected_version=1
    )
    client.force_login(tess)
    response = client.post(
        reverse("inventory:relationship_edit", args=[sam.pk]),
        {
            f"p{sam.pk}-label": "Samuel",
            f"p{sam.pk}-relationship_type": "partner",
            f"p{sam.pk}-status": "alive",
            f"p{sam.pk}-version": "1",
        },
    )
    assert response.status_code == 409
    assert "Someone else saved" in _page(response) and 'value="Samuel"' in _page(response)


def test_removing_a_row_by_htmx_redraws_the_circle_and_focuses_the_add_button(
    client, tess, cara_course
):
    sam = person(cara_course, tess, label="Sam", closeness_now=1)
    client.force_login(tess)
    html = _page(client.post(reverse("inventory:relationship_remove", args=[sam.pk]), **HTMX))
    assert "Sam is taken off the inventory." in html
    assert "Ring 1: nobody." in html
    assert 'id="adder"' in html and "autofocus" in html
    assert not Relationship.objects.exists()


def test_without_htmx_the_forms_work_as_plain_pages(client, tess, cara_course):
    client.force_login(tess)
    page = _page(client.get(reverse("inventory:relationship_new", args=[cara_course.pk])))
    assert "<html" in page and 'name="new-label"' in page
    response = client.post(
        reverse("inventory:relationship_add", args=[cara_course.pk]),
        {"new-label": "Jo", "new-relationship_type": "friend", "new-status": "alive"},
    )
    assert response.status_code == 302
    assert Relationship.objects.get().label == "Jo"


def test_the_inventory_page_costs_the_same_queries_for_5_and_30_people(client, tess, cara_course):
    client.force_login(tess)

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            sam = person(cara_course, tess, label=f"Person {i}", closeness_now=1 + i % 4)
            services.add_event(
                cara_course,
                actor=tess,
                data={
                    "happened_on": date(2025, 1 + i % 12, 1),
                    "precision": "month",
                    "kind": "other",
                    "description": f"E{i}",
                    "mood_rating": i % 10,
                },
                people=[sam],
            )

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(name, args=[cara_course.pk])).status_code == 200
        return len(context)

    add(5, 0)
    few = {
        name: queries(name)
        for name in ("inventory:relationships", "inventory:timeline", "inventory:focus")
    }
    add(25, 5)
    many = {
        name: queries(name)
        for name in ("inventory:relationships", "inventory:timeline", "inventory:focus")
    }
    assert few == many


# --- Timeline ----------------------------------------------------------------------------------


def test_adding_an_event_by_htmx_redraws_the_timeline(client, tess, cara_course):
    sam = person(cara_course, tess, label="Sam")
    client.force_login(tess)
    response = client.post(
        reverse("inventory:event_add", args=[cara_course.pk]),
        {
            "new-when": "March 2026",
            "new-kind": "conflict",
            "new-description": "The row about money",
            "new-mood_rating": "3",
            "new-people": [str(sam.pk)],
            "new-version": "0",
        },
        **HTMX,
    )
    html = _page(response)
    assert 'id="timeline-panel"' in html and 'id="events"' in html
    assert "The row about money" in html and "mood 3 out of 10" in html
    assert LifeEvent.objects.get().happened_on == date(2026, 3, 1)


def test_a_badly_written_event_date_keeps_what_was_typed(client, tess, cara_course):
    client.force_login(tess)
    html = _page(
        client.post(
            reverse("inventory:event_add", args=[cara_course.pk]),
            {"new-when": "Marhc 2026", "new-kind": "move", "new-description": "Moved to Leeds"},
            **HTMX,
        )
    )
    assert "“marhc” is not a month" in html
    assert 'value="Marhc 2026"' in html and 'value="Moved to Leeds"' in html


def test_the_onset_is_saved_from_the_timeline_page(client, tess, cara_course):
    client.force_login(tess)
    response = client.post(
        reverse("inventory:timeline_facts", args=[cara_course.pk]),
        {"episode-onset": "September 2026", "episode-version": "0", "episode-patterns": ""},
    )
    assert response.status_code == 302
    page = _page(client.get(reverse("inventory:timeline", args=[cara_course.pk])))
    assert "Low mood started" in page
    future = client.post(
        reverse("inventory:timeline_facts", args=[cara_course.pk]),
        {"episode-onset": "2999", "episode-version": "1"},
    )
    assert "cannot be in the future" in _page(future)


def test_eating_disorder_symptom_notes_are_asked_only_on_eating_disorder_courses(
    client, tess, cara_course
):
    client.force_login(tess)
    url = reverse("inventory:event_new", args=[cara_course.pk])
    assert "Eating symptoms" not in _page(client.get(url, **HTMX))
    cara_course.referral.presenting_problem = "bulimia_nervosa"
    cara_course.referral.save()
    assert "Eating symptoms at the time" in _page(client.get(url, **HTMX))


# --- Export ------------------------------------------------------------------------------------


def test_the_export_is_a_case_file_that_loads_back_to_the_same_case(client, tess, cara_course):
    dad = person(
        cara_course,
        tess,
        label="Dad",
        relationship_type="parent",
        status="deceased",
        died_on=date(2026, 5, 1),
        died_precision="month",
        mourning_avoided=True,
        satisfying="Walks\nPhone calls",
        areas=[{"area": "grief", "reason": "Died in May."}],
    )
    dispute_case(cara_course, tess)
    services.add_event(
        cara_course,
        actor=tess,
        data={
            "happened_on": date(2026, 5, 1),
            "precision": "month",
            "kind": "death",
            "description": "Dad died",
            "mood_rating": 2,
        },
        people=[dad],
    )
    services.save_episode_facts(
        cara_course,
        actor=tess,
        onset=ApproxDate(date(2026, 6, 1), DatePrecision.MONTH),
        chronic_course=False,
        patterns="Keeps the peace",
        expected_version=0,
    )
    services.add_earlier_episode(
        cara_course,
        actor=tess,
        began=ApproxDate(date(2015, 1, 1), DatePrecision.YEAR),
        note="At university",
    )
    client.force_login(tess)
    response = client.get(reverse("inventory:export", args=[cara_course.pk]))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "Whitfield" not in response["Content-Disposition"]
    loaded = load_case(_page(response))
    expected = build_case(load_rows(cara_course.pk, cara_course.variant_enum), timezone.localdate())
    assert loaded == expected
    assert json.loads(_page(response))["relationships"][0]["satisfying"] == ["Walks", "Phone calls"]
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.detail) == ("client.view", {"page": "inventory_export"})


# --- Focus -------------------------------------------------------------------------------------


def test_the_focus_page_shows_suggestions_with_evidence_but_chooses_nothing(
    client, tess, cara_course
):
    dispute_case(cara_course, tess)
    client.force_login(tess)
    html = _page(client.get(reverse("inventory:focus", args=[cara_course.pk])))
    assert "not a decision" in html
    assert "Suggested" in html and "Sam (partner): expectations are not met." in html
    assert "Ruled out" in html
    assert "checked" not in html  # the choice starts empty whatever is suggested
    assert not FocusDecision.objects.exists()


def test_a_third_area_is_refused_and_the_reason_typed_is_kept(client, tess, cara_course):
    dispute_case(cara_course, tess)
    client.force_login(tess)
    response = client.post(
        reverse("inventory:focus", args=[cara_course.pk]),
        {
            "areas": ["role_dispute", "role_transition", "interpersonal_deficits"],
            "dispute_stage": "impasse",
            "reason": "Everything at once.",
        },
    )
    html = _page(response)
    assert "Choose at most 2 focus areas: you chose 3." in html
    assert "Everything at once." in html
    assert not FocusDecision.objects.exists()


def test_choosing_the_focus_records_it_and_goes_on_to_the_formulation(client, tess, cara_course):
    dispute_case(cara_course, tess)
    client.force_login(tess)
    response = client.post(
        reverse("inventory:focus", args=[cara_course.pk]),
        {"areas": ["role_dispute"], "dispute_stage": "impasse", "reason": "Rows with Sam."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:formulation", args=[cara_course.pk])
    decision = FocusDecision.objects.get()
    assert decision.suggested == ["role_dispute"]


def test_after_the_agreement_the_page_asks_for_a_renegotiation(client, tess, cara_course):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third))
    client.force_login(tess)
    url = reverse("inventory:focus", args=[cara_course.pk])
    assert "Renegotiate the focus" in _page(client.get(url))
    refused = client.post(url, {"areas": ["role_transition"], "reason": "A move."})
    assert "Changing it is a renegotiation" in _page(refused)
    accepted = client.post(
        url, {"areas": ["role_transition"], "reason": "A move.", "renegotiation": "on"}
    )
    assert accepted.status_code == 302
    assert FocusDecision.objects.get(superseded_at__isnull=True).renegotiation


# --- Formulation and agreement ------------------------------------------------------------------


def test_the_formulation_page_offers_a_draft_written_from_the_focus(client, tess, cara_course):
    dispute_case(cara_course, tess)
    services.choose_focus(
        cara_course,
        actor=tess,
        areas=[ProblemArea.ROLE_DISPUTE],
        reason="Rows.",
        dispute_stage="impasse",
    )
    client.force_login(tess)
    html = _page(client.get(reverse("inventory:formulation", args=[cara_course.pk])))
    assert "Cara, this is a first draft" in html
    assert "a disagreement with someone who matters to you" in html
    assert "Share the formulation with Cara first" in html


def test_a_stuart_and_robertson_draft_speaks_of_a_loss_when_the_person_is_alive(client, tess, cara):
    course = open_course_for(cara, tess, variant=Variant.IPT_SR, contracted=14)
    services.add_relationship(
        course,
        actor=tess,
        data={"label": "Dev", "relationship_type": "ex_partner", "status": "alive"},
    )
    services.choose_focus(
        course, actor=tess, areas=[ProblemArea.GRIEF], reason="Dev left in the spring."
    )
    client.force_login(tess)
    html = _page(client.get(reverse("inventory:formulation", args=[course.pk])))
    assert "It seems to be linked to losing someone or something important to you." in html
    assert "what you lost and what it meant to you" in html
    assert "the person who died" not in html
    assert "the death of someone" not in html


def test_the_agreement_form_records_goals_and_opens_the_middle_phase(client, tess, cara_course):
    third = initial_phase_done(cara_course, tess)[-1]
    dispute_case(cara_course, tess)
    services.choose_focus(
        cara_course,
        actor=tess,
        areas=[ProblemArea.ROLE_DISPUTE],
        reason="Rows.",
        dispute_stage="impasse",
    )
    services.save_formulation(cara_course, actor=tess, text="Ours.", expected_version=0)
    services.share_formulation(cara_course, actor=tess, shared_on=day_of(third))
    client.force_login(tess)
    url = reverse("inventory:formulation", args=[cara_course.pk])
    empty = client.post(
        url,
        {"form": "agreement", "agreed_on": day_of(third).isoformat(), "contracted_sessions": "16"},
    )
    assert "Write at least one goal for role disputes." in _page(empty)
    response = client.post(
        url,
        {
            "form": "agreement",
            "agreed_on": day_of(third).isoformat(),
            "contracted_sessions": "16",
            "goal_role_dispute_0": "Tell Sam what she needs",
        },
    )
    assert response.status_code == 302
    assert TreatmentAgreement.objects.get().agreed_on == day_of(third)
    (fourth,) = attend_next(cara_course, tess)
    record = _page(client.get(reverse("courses:record", args=[fourth.pk])))
    assert "Session 4 of 16: Middle phase" in record
    assert "Strategies for this focus" in record and "At the impasse stage" in record
    assert "Tell Sam what she needs" in record


def test_the_override_is_recorded_with_its_reason(client, tess, cara_course):
    client.force_login(tess)
    url = reverse("inventory:formulation", args=[cara_course.pk])
    empty = client.post(url, {"form": "override", "reason": ""})
    assert "Say why the middle phase starts before a focus is agreed." in _page(empty)
    client.post(url, {"form": "override", "reason": "Focus agreed verbally; paperwork next week."})
    assert MiddlePhaseOverride.objects.get().reason.startswith("Focus agreed verbally")


# --- Session record and client page -------------------------------------------------------------


def test_an_initial_phase_record_has_no_focus_work(client, tess, cara_course):
    (first,) = attend_next(cara_course, tess)
    client.force_login(tess)
    assert "Focus work in this session" not in _page(
        client.get(reverse("courses:record", args=[first.pk]))
    )


def test_the_session_checklist_stays_initial_until_the_agreement(client, tess, cara_course):
    fourth = attend_next(cara_course, tess, 4)[-1]
    client.force_login(tess)
    html = _page(client.get(reverse("courses:record", args=[fourth.pk])))
    assert "Session 4 of 16: Initial phase" in html
    assert "Record the agreement: number of sessions" in html


def _record_post(goal: Goal, **extra: str) -> dict[str, Any]:
    """The session record form with the middle phase's focus work, as the page sends it."""
    return {
        "version": "0",
        "notes": "Role play of the talk with Sam.",
        "focus-version": "0",
        "focus-techniques": ["role_play"],
        f"focus-goal_{goal.pk}": "4",
        **extra,
    }


def test_save_the_record_saves_the_techniques_and_goal_ratings_too(client, tess, cara_course):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third), goals={ProblemArea.ROLE_DISPUTE: ["Tell Sam"]})
    (fourth,) = attend_next(cara_course, tess)
    goal = Goal.objects.get()
    client.force_login(tess)
    url = reverse("courses:record", args=[fourth.pk])
    form = _page(client.get(url))
    assert 'name="focus-techniques"' in form and f'name="focus-goal_{goal.pk}"' in form
    assert "Save the focus work" not in form  # one button saves the whole page

    response = client.post(url, _record_post(goal))

    assert response.status_code == 302
    assert SessionFocusWork.objects.get().techniques == ["role_play"]
    assert GoalRating.objects.get().rating == 4
    reloaded = _page(client.get(url))
    assert re.search(r'value="role_play"[^>]* checked', reloaded)
    assert f'name="focus-goal_{goal.pk}" value="4"' in reloaded
    page = _page(client.get(reverse("clients:detail", args=[cara_course.referral.client_id])))
    assert "Tell Sam" in page and "4/10" in page and "session 4: 4" in page


def test_a_bad_goal_rating_saves_nothing_and_keeps_everything_typed(client, tess, cara_course):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third), goals={ProblemArea.ROLE_DISPUTE: ["Tell Sam"]})
    (fourth,) = attend_next(cara_course, tess)
    goal = Goal.objects.get()
    client.force_login(tess)

    response = client.post(
        reverse("courses:record", args=[fourth.pk]),
        _record_post(goal, **{f"focus-goal_{goal.pk}": "12"}),
    )

    html = _page(response)
    assert response.status_code == 200
    assert "Progress must be a whole number from 0 to 10." in html
    assert "Role play of the talk with Sam." in html and 'value="12"' in html
    assert "data-has-unsaved" in html
    assert not SessionFocusWork.objects.exists()
    assert not SessionRecord.objects.exists()
    assert not GoalRating.objects.exists()


def test_a_stale_copy_of_the_focus_work_is_refused_with_the_latest_shown(client, tess, cara_course):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third), goals={ProblemArea.ROLE_DISPUTE: ["Tell Sam"]})
    (fourth,) = attend_next(cara_course, tess)
    goal = Goal.objects.get()
    services.save_focus_work(
        fourth, actor=tess, techniques=["clarification"], ratings={goal.pk: 2}, expected_version=0
    )
    client.force_login(tess)
    url = reverse("courses:record", args=[fourth.pk])

    stale = client.post(url, _record_post(goal))

    html = _page(stale)
    assert stale.status_code == 409
    assert "Someone else saved this focus work while you were editing it." in html
    assert "The latest saved focus work" in html and "out of 10" in html
    assert 'name="focus-version" value="1"' in html  # saving again, after reading, goes through
    assert re.search(r'value="role_play"[^>]* checked', html)  # what was ticked is kept
    assert GoalRating.objects.get().rating == 2
    again = client.post(url, _record_post(goal, **{"focus-version": "1"}))
    assert again.status_code == 302
    assert GoalRating.objects.get().rating == 4


def test_after_the_course_ended_the_record_is_finished_without_its_focus_work(
    client, tess, cara_course
):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third), goals={ProblemArea.ROLE_DISPUTE: ["Tell Sam"]})
    (fourth,) = attend_next(cara_course, tess)
    goal = Goal.objects.get()
    services.save_focus_work(
        fourth, actor=tess, techniques=["role_play"], ratings={goal.pk: 5}, expected_version=0
    )
    record_the_past_as_missed(cara_course, tess)
    course_services.end_course(
        cara_course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.MOVED_AWAY,
    )
    client.force_login(tess)
    url = reverse("courses:record", args=[fourth.pk])
    form = _page(client.get(url))
    assert 'name="notes"' in form and 'name="focus-techniques"' not in form
    assert "Role play" in form and "5 out of 10" in form  # shown as recorded

    response = client.post(url, _record_post(goal, **{f"focus-goal_{goal.pk}": "9"}))

    assert response.status_code == 302
    assert SessionRecord.objects.get().notes == "Role play of the talk with Sam."
    assert GoalRating.objects.get().rating == 5


def test_an_initial_phase_record_saves_no_focus_work(client, tess, cara_course):
    (first,) = attend_next(cara_course, tess)
    client.force_login(tess)
    response = client.post(
        reverse("courses:record", args=[first.pk]),
        {"version": "0", "notes": "Inventory begun.", "focus-techniques": ["role_play"]},
    )
    assert response.status_code == 302
    assert not SessionFocusWork.objects.exists()


def test_the_client_page_shows_where_the_initial_phase_stands(client, tess, cara_course):
    person(cara_course, tess, label="Sam")
    client.force_login(tess)
    page = _page(client.get(reverse("clients:detail", args=[cara_course.referral.client_id])))
    assert "Inventory and circle (1 person)" in page
    assert "Not chosen yet" in page and "Waits for the treatment agreement" in page


def test_dates_in_the_export_are_not_after_the_assessment(client, tess, cara_course):
    services.add_event(
        cara_course,
        actor=tess,
        data={
            "happened_on": timezone.localdate() - timedelta(days=1),
            "precision": "year",
            "kind": "other",
            "description": "This year",
        },
    )
    client.force_login(tess)
    load_case(_page(client.get(reverse("inventory:export", args=[cara_course.pk]))))


def test_a_continuation_course_starts_from_a_copy_of_the_earlier_inventory(client, tess, cara):
    first = open_course_for(cara, tess, weeks_ago=0)
    person(first, tess, label="Sam")
    for appointment in first.appointments.filter(starts_at__date__lte=timezone.localdate()):
        course_services.set_attendance(
            appointment, actor=tess, status=Attendance.CANCELLED_BY_CLIENT
        )
    course_services.end_course(
        first,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.OTHER,
        note="A continuation course follows.",
    )
    second = open_course_for(cara, tess, weeks_ago=0)
    client.force_login(tess)
    page = _page(client.get(reverse("inventory:relationships", args=[second.pk])))
    assert "Copy the earlier inventory" in page
    response = client.post(reverse("inventory:copy", args=[second.pk]))
    assert response.status_code == 302
    assert [r.label for r in Relationship.objects.filter(course=second)] == ["Sam"]
    page = _page(client.get(reverse("inventory:relationships", args=[second.pk])))
    assert "Copy the earlier inventory" not in page
