"""The inventory services: the rules they enforce, and exactly one audit event for each change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Course, SessionRecord
from iptclinic.inventory import services
from iptclinic.inventory.models import (
    FocusDecision,
    Formulation,
    Goal,
    GoalRating,
    Inventory,
    LifeEvent,
    Relationship,
    SessionFocusWork,
    TreatmentAgreement,
)
from iptclinic.inventory.services import InventoryRuleError
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.case import ApproxDate, DatePrecision
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.ipt.phases import Phase
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.variants import Variant
from iptclinic.lib.concurrency import EditConflict
from iptclinic.test import attend_next, make_client, open_course_for

from .helpers import (
    agree,
    day_of,
    dispute_case,
    initial_phase_done,
    one_audit_event,
    person,
)

GRIEF = ProblemArea.GRIEF
DISPUTE = ProblemArea.ROLE_DISPUTE
TRANSITION = ProblemArea.ROLE_TRANSITION
DEFICITS = ProblemArea.INTERPERSONAL_DEFICITS
TODAY = timezone.localdate


# --- The episode -------------------------------------------------------------------------------


def test_it_records_the_onset_as_known_to_the_month(cara_course, tess):
    with one_audit_event("inventory.episode.save"):
        facts = services.save_episode_facts(
            cara_course,
            actor=tess,
            onset=ApproxDate(date(2026, 3, 17), DatePrecision.MONTH),
            chronic_course=False,
            patterns="Gives way rather than say what she needs.",
            expected_version=0,
        )
    assert (facts.onset_on, facts.onset_precision) == (date(2026, 3, 1), "month")


def test_it_refuses_an_onset_in_the_future(cara_course, tess):
    with pytest.raises(InventoryRuleError, match="cannot be in the future") as error:
        services.save_episode_facts(
            cara_course,
            actor=tess,
            onset=ApproxDate(TODAY() + timedelta(days=40)),
            chronic_course=False,
            patterns="",
            expected_version=0,
        )
    assert error.value.field == "onset"
    assert not Inventory.objects.exists()


def test_a_second_save_from_a_stale_copy_is_refused(cara_course, tess):
    kwargs = {"onset": None, "chronic_course": True, "patterns": ""}
    services.save_episode_facts(cara_course, actor=tess, expected_version=0, **kwargs)
    services.save_episode_facts(cara_course, actor=tess, expected_version=1, **kwargs)
    with pytest.raises(EditConflict):
        services.save_episode_facts(cara_course, actor=tess, expected_version=1, **kwargs)


# --- Relationships -----------------------------------------------------------------------------


def test_adding_a_person_writes_one_event_and_keeps_their_place_in_the_list(cara_course, tess):
    with one_audit_event("inventory.relationship.add"):
        first = person(cara_course, tess, label="Sam")
    second = person(cara_course, tess, label="Church choir", relationship_type="group_or_community")
    assert (first.position, second.position) == (0, 1)
    assert AuditEvent.objects.filter(action="inventory.relationship.add").count() == 2
    event = AuditEvent.objects.filter(action="inventory.relationship.add").first()
    assert "Sam" not in str(event.detail)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"label": "  "}, "label", "first name, a nickname or a pseudonym"),
        ({"closeness_now": 5}, "closeness_now", r"from 1 \(closest\) to 4"),
        ({"closeness_before": 0}, "closeness_before", r"from 1 \(closest\) to 4"),
        ({"importance": 6}, "importance", "from 1 to 5"),
        ({"died_on": date(2025, 1, 1)}, "died_on", "needs the status “Deceased”"),
        (
            {"status": "deceased", "died_on": date.today() + timedelta(days=30)},
            "died_on",
            "cannot be in the future",
        ),
        ({"status": "deceased", "dispute_stage": "impasse"}, "dispute_stage", "alive"),
        ({"mourning_avoided": True}, "mourning_avoided", "only to someone who has died"),
        (
            {"areas": [{"area": "grief", "reason": "a"}, {"area": "grief", "reason": "b"}]},
            "areas",
            "once per person",
        ),
    ],
)
def test_it_refuses_a_person_the_case_format_would_refuse(cara_course, tess, data, field, message):
    with pytest.raises(InventoryRuleError, match=message) as error:
        person(cara_course, tess, **data)
    assert error.value.field == field
    assert not Relationship.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="inventory.").exists()


def test_a_variant_without_deficits_refuses_that_tag(tess, cara):
    course = course_services.open_course(
        cara.referrals.get(),
        actor=tess,
        contracted_sessions=16,
        start_date=TODAY(),
        weekday=TODAY().weekday(),
        session_time=timezone.now().time().replace(hour=10, minute=0, second=0, microsecond=0),
        variant=Variant.IPT_SR,
    )
    with pytest.raises(InventoryRuleError, match="does not use"):
        person(course, tess, areas=[{"area": "interpersonal_deficits", "reason": "Lonely."}])


def test_a_date_of_death_is_kept_as_exactly_as_it_is_known(cara_course, tess):
    dad = person(
        cara_course,
        tess,
        label="Dad",
        relationship_type="parent",
        status="deceased",
        died_on=date(2025, 8, 19),
        died_precision="year",
    )
    assert (dad.died_on, dad.died_precision) == (date(2025, 1, 1), "year")


def test_changing_status_from_deceased_clears_the_date_of_death(cara_course, tess):
    dad = person(cara_course, tess, status="deceased", died_on=date(2025, 8, 1))
    services.update_relationship(
        dad,
        actor=tess,
        data={"label": "Dad", "relationship_type": "parent", "status": "estranged"},
        expected_version=1,
    )
    dad.refresh_from_db()
    assert dad.died_on is None


def test_an_edit_from_a_stale_copy_is_refused_and_saves_nothing(cara_course, tess):
    sam = person(cara_course, tess)
    data = {"label": "Sam", "relationship_type": "partner", "closeness_now": 2}
    with one_audit_event("inventory.relationship.update"):
        services.update_relationship(sam, actor=tess, data=data, expected_version=1)
    with pytest.raises(EditConflict):
        services.update_relationship(
            sam, actor=tess, data={**data, "closeness_now": 4}, expected_version=1
        )
    sam.refresh_from_db()
    assert (sam.closeness_now, sam.version) == (2, 2)


def test_removing_a_person_keeps_their_events_without_the_link(cara_course, tess):
    sam = person(cara_course, tess)
    event = services.add_event(
        cara_course,
        actor=tess,
        data={
            "happened_on": date(2026, 1, 1),
            "precision": "month",
            "kind": "conflict",
            "description": "Row.",
        },
        people=[sam],
    )
    with one_audit_event("inventory.relationship.remove"):
        services.remove_relationship(sam, actor=tess)
    assert not Relationship.objects.exists()
    assert list(LifeEvent.objects.get(pk=event.pk).people.all()) == []


def _ended_today(course, therapist):
    for appointment in course.appointments.filter(starts_at__date__lte=TODAY()):
        course_services.set_attendance(
            appointment, actor=therapist, status=Attendance.CANCELLED_BY_CLIENT
        )
    course_services.end_course(
        course,
        actor=therapist,
        target=CourseState.ENDED_EARLY,
        ended_on=TODAY(),
        reason=EarlyEndReason.OTHER,
        note="Continuation agreed.",
    )


def test_a_course_that_has_ended_cannot_change_its_inventory(cara, tess):
    course = open_course_for(cara, tess, weeks_ago=0)
    _ended_today(course, tess)
    with pytest.raises(InventoryRuleError, match="ended on"):
        person(Course.objects.get(pk=course.pk), tess)


# --- Timeline ----------------------------------------------------------------------------------


def test_an_event_is_stored_on_the_first_day_of_its_month(cara_course, tess):
    sam = person(cara_course, tess)
    with one_audit_event("inventory.event.add"):
        event = services.add_event(
            cara_course,
            actor=tess,
            data={
                "happened_on": date(2026, 3, 17),
                "precision": "month",
                "kind": "move",
                "description": " Moved to Bristol ",
                "mood_rating": 4,
            },
            people=[sam],
        )
    assert (event.happened_on, event.description) == (date(2026, 3, 1), "Moved to Bristol")
    assert list(event.people.all()) == [sam]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"description": ""}, "description"),
        ({"happened_on": date.today() + timedelta(days=400), "precision": "year"}, "when"),
        ({"mood_rating": 11}, "mood_rating"),
    ],
)
def test_it_refuses_a_bad_event(cara_course, tess, data, field):
    base = {
        "happened_on": date(2026, 1, 5),
        "precision": "day",
        "kind": "other",
        "description": "X",
    }
    with pytest.raises(InventoryRuleError) as error:
        services.add_event(cara_course, actor=tess, data={**base, **data})
    assert error.value.field == field
    assert not LifeEvent.objects.exists()


def test_an_event_cannot_name_someone_from_another_course(cara_course, tess):
    other = open_course_for(make_client(tess, tess, "Dev", "Patel"), tess)
    stranger = person(other, tess, label="Ali")
    with pytest.raises(InventoryRuleError, match="this inventory"):
        services.add_event(
            cara_course,
            actor=tess,
            data={
                "happened_on": date(2026, 1, 5),
                "precision": "day",
                "kind": "other",
                "description": "X",
            },
            people=[stranger],
        )


def test_editing_and_removing_an_event_each_write_one_event(cara_course, tess):
    data = {
        "happened_on": date(2026, 1, 5),
        "precision": "day",
        "kind": "other",
        "description": "X",
    }
    event = services.add_event(cara_course, actor=tess, data=data)
    with one_audit_event("inventory.event.update"):
        services.update_event(
            event, actor=tess, data={**data, "description": "Y"}, people=[], expected_version=1
        )
    with one_audit_event("inventory.event.remove"):
        services.remove_event(event, actor=tess)
    assert not LifeEvent.objects.exists()


def test_earlier_episodes_are_added_and_removed(cara_course, tess):
    with one_audit_event("inventory.episode.add"):
        episode = services.add_earlier_episode(
            cara_course,
            actor=tess,
            began=ApproxDate(date(2015, 1, 1), DatePrecision.YEAR),
            note="After university.",
        )
    with one_audit_event("inventory.episode.remove"):
        services.remove_earlier_episode(episode, actor=tess)


# --- Focus -------------------------------------------------------------------------------------


def test_choosing_a_focus_records_why_and_what_was_suggested(cara_course, tess):
    dispute_case(cara_course, tess)
    with one_audit_event("focus.choose"):
        decision = services.choose_focus(
            cara_course,
            actor=tess,
            areas=[DISPUTE],
            reason="The rows began with the low mood.",
            dispute_stage=DisputeStage.RENEGOTIATION,
            suggested=[DISPUTE],
        )
    assert decision.areas == ["role_dispute"]
    assert decision.suggested == ["role_dispute"]
    assert decision.renegotiation is False
    assert AuditEvent.objects.get(action="focus.choose").detail["followed_suggestion"] is True


@pytest.mark.parametrize(
    ("areas", "stage", "reason", "field", "message"),
    [
        ([], None, "Why", "areas", "one problem area, or two at most"),
        ([DISPUTE, TRANSITION, DEFICITS], DisputeStage.IMPASSE, "Why", "areas", "at most 2"),
        ([TRANSITION, TRANSITION], None, "Why", "areas", "only once"),
        ([TRANSITION], None, "  ", "reason", "Say why"),
        ([DISPUTE], None, "Why", "dispute_stage", "needs its stage"),
        ([TRANSITION], DisputeStage.IMPASSE, "Why", "dispute_stage", "goes with a role dispute"),
        ([GRIEF], None, "Why", "areas", "someone who has died"),
    ],
)
def test_it_refuses_a_focus_the_rules_do_not_allow(
    cara_course, tess, areas, stage, reason, field, message
):
    dispute_case(cara_course, tess)
    with pytest.raises(InventoryRuleError, match=message) as error:
        services.choose_focus(
            cara_course, actor=tess, areas=areas, reason=reason, dispute_stage=stage
        )
    assert error.value.field == field
    assert not FocusDecision.objects.exists()


def test_a_grief_focus_is_allowed_once_someone_who_died_is_in_the_inventory(cara_course, tess):
    person(cara_course, tess, label="Dad", status="deceased")
    decision = services.choose_focus(cara_course, actor=tess, areas=[GRIEF], reason="Dad died.")
    assert decision.is_current


def test_before_the_agreement_the_focus_can_change_and_the_earlier_choice_is_kept(
    cara_course, tess
):
    dispute_case(cara_course, tess)
    first = services.choose_focus(cara_course, actor=tess, areas=[TRANSITION], reason="A move.")
    second = services.choose_focus(
        cara_course, actor=tess, areas=[DISPUTE], reason="Rows.", dispute_stage="impasse"
    )
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert second.is_current and not second.renegotiation
    with pytest.raises(InventoryRuleError, match="already the focus"):
        services.choose_focus(
            cara_course, actor=tess, areas=[DISPUTE], reason="Same.", dispute_stage="impasse"
        )


def test_after_the_agreement_a_change_of_focus_must_be_a_renegotiation(cara_course, tess):
    third = initial_phase_done(cara_course, tess)[-1]
    person(cara_course, tess, label="Dad", status="deceased")
    agree(cara_course, tess, day_of(third))
    with pytest.raises(InventoryRuleError, match="renegotiation") as error:
        services.choose_focus(cara_course, actor=tess, areas=[GRIEF], reason="Dad.")
    assert error.value.field == "renegotiation"
    with one_audit_event("focus.renegotiate"):
        decision = services.choose_focus(
            cara_course,
            actor=tess,
            areas=[GRIEF],
            reason="Dad's death surfaced.",
            renegotiation=True,
        )
    assert decision.renegotiation is True
    assert (
        FocusDecision.objects.filter(course=cara_course, superseded_at__isnull=True).get()
        == decision
    )
    # The dispute goals are retired, not deleted; the agreement keeps the focus it agreed.
    assert Goal.objects.get(area="role_dispute").retired_at is not None
    assert TreatmentAgreement.objects.get().focus.areas == ["role_dispute"]


# --- Formulation -------------------------------------------------------------------------------


def test_a_formulation_is_drafted_shared_and_then_read_only_until_revised(cara_course, tess):
    dispute_case(cara_course, tess)
    services.choose_focus(
        cara_course, actor=tess, areas=[DISPUTE], reason="Rows.", dispute_stage="impasse"
    )
    with one_audit_event("formulation.create"):
        services.save_formulation(cara_course, actor=tess, text="Draft one.", expected_version=0)
    with one_audit_event("formulation.update"):
        services.save_formulation(cara_course, actor=tess, text="Draft two.", expected_version=1)
    with one_audit_event("formulation.share"):
        services.share_formulation(cara_course, actor=tess, shared_on=TODAY())
    with pytest.raises(InventoryRuleError, match="Start a revision"):
        services.save_formulation(cara_course, actor=tess, text="Three.", expected_version=3)
    with one_audit_event("formulation.revise"):
        services.revise_formulation(cara_course, actor=tess)
    assert Formulation.objects.get().shared_on is None


@pytest.mark.parametrize(
    ("shared_on", "message"),
    [(date.today() + timedelta(days=1), "future"), (date(2000, 1, 1), "before the course started")],
)
def test_it_refuses_a_sharing_date_outside_the_course(cara_course, tess, shared_on, message):
    dispute_case(cara_course, tess)
    services.choose_focus(cara_course, actor=tess, areas=[TRANSITION], reason="Move.")
    services.save_formulation(cara_course, actor=tess, text="Draft.", expected_version=0)
    with pytest.raises(InventoryRuleError, match=message):
        services.share_formulation(cara_course, actor=tess, shared_on=shared_on)


def test_a_formulation_cannot_be_shared_before_a_focus_is_chosen(cara_course, tess):
    services.save_formulation(cara_course, actor=tess, text="Draft.", expected_version=0)
    with pytest.raises(InventoryRuleError, match="Choose the focus"):
        services.share_formulation(cara_course, actor=tess, shared_on=TODAY())


# --- Agreement and the middle phase ------------------------------------------------------------


def test_without_an_agreement_the_sessions_after_the_initial_phase_stay_initial(cara_course, tess):
    attend_next(cara_course, tess, 5)
    phases = [row.phase for row in cara_course.timeline().rows if row.number]
    assert phases == [Phase.INITIAL] * 5


def test_the_agreement_fixes_the_contract_and_opens_the_middle_phase_in_one_event(
    cara_course, tess
):
    third = initial_phase_done(cara_course, tess)[-1]
    dispute_case(cara_course, tess)
    services.choose_focus(
        cara_course, actor=tess, areas=[DISPUTE], reason="Rows.", dispute_stage="impasse"
    )
    services.save_formulation(cara_course, actor=tess, text="Draft.", expected_version=0)
    services.share_formulation(cara_course, actor=tess, shared_on=day_of(third))
    with one_audit_event("course.agree_contract"):
        agreement = services.record_treatment_agreement(
            cara_course,
            actor=tess,
            agreed_on=day_of(third),
            contracted_sessions=16,
            goals={DISPUTE: ["Say what she needs from Sam", "Agree the chores"]},
        )
    course = Course.objects.get(pk=cara_course.pk)
    assert course.contract_agreed_on == day_of(third)
    assert course.middle_phase_allowed_on == day_of(third) + timedelta(days=1)
    assert agreement.focus.areas == ["role_dispute"]
    assert [g.text for g in Goal.objects.all()] == [
        "Say what she needs from Sam",
        "Agree the chores",
    ]
    detail = AuditEvent.objects.get(action="course.agree_contract").detail
    assert detail["focus"] == ["role_dispute"] and detail["goals"] == 2
    attend_next(course, tess, 2)
    phases = [row.phase for row in course.timeline().rows if row.number]
    assert phases == [Phase.INITIAL] * 3 + [Phase.MIDDLE] * 2


def test_a_different_number_of_sessions_at_the_agreement_is_set_first(cara_course, tess):
    third = initial_phase_done(cara_course, tess)[-1]
    dispute_case(cara_course, tess)
    services.choose_focus(cara_course, actor=tess, areas=[TRANSITION], reason="Move.")
    services.save_formulation(cara_course, actor=tess, text="Draft.", expected_version=0)
    services.share_formulation(cara_course, actor=tess, shared_on=day_of(third))
    services.record_treatment_agreement(
        cara_course,
        actor=tess,
        agreed_on=day_of(third),
        contracted_sessions=12,
        goals={TRANSITION: ["Settle into the new job"]},
    )
    assert Course.objects.get(pk=cara_course.pk).contracted_sessions == 12
    assert TreatmentAgreement.objects.get().contracted_sessions == 12
    assert AuditEvent.objects.filter(action="course.change_contract").count() == 1


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        ({}, "at least one goal"),
        ({DISPUTE: ["One", "  "]}, "has no words"),
        ({DISPUTE: ["1", "2", "3", "4"]}, "3 goals"),
        ({DISPUTE: ["One"], GRIEF: ["Not a focus"]}, "only be set for the focus areas"),
    ],
)
def test_it_refuses_goals_outside_one_to_three_per_area(cara_course, tess, goals, message):
    third = initial_phase_done(cara_course, tess)[-1]
    dispute_case(cara_course, tess)
    services.choose_focus(
        cara_course, actor=tess, areas=[DISPUTE], reason="Rows.", dispute_stage="impasse"
    )
    services.save_formulation(cara_course, actor=tess, text="Draft.", expected_version=0)
    services.share_formulation(cara_course, actor=tess, shared_on=day_of(third))
    with pytest.raises(InventoryRuleError, match=message):
        services.record_treatment_agreement(
            cara_course, actor=tess, agreed_on=day_of(third), contracted_sessions=16, goals=goals
        )
    assert not TreatmentAgreement.objects.exists()
    assert Course.objects.get(pk=cara_course.pk).contract_agreed_on is None


def test_the_agreement_needs_a_focus_and_a_shared_formulation(cara_course, tess):
    dispute_case(cara_course, tess)
    kwargs = {"agreed_on": TODAY(), "contracted_sessions": 16, "goals": {DISPUTE: ["G"]}}
    with pytest.raises(InventoryRuleError, match="Choose the focus"):
        services.record_treatment_agreement(cara_course, actor=tess, **kwargs)
    services.choose_focus(
        cara_course, actor=tess, areas=[DISPUTE], reason="Rows.", dispute_stage="impasse"
    )
    with pytest.raises(InventoryRuleError, match="Share the formulation"):
        services.record_treatment_agreement(cara_course, actor=tess, **kwargs)


def test_the_agreement_is_recorded_once(cara_course, tess):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third))
    with pytest.raises(InventoryRuleError, match="already recorded"):
        services.record_treatment_agreement(
            cara_course,
            actor=tess,
            agreed_on=day_of(third),
            contracted_sessions=16,
            goals={DISPUTE: ["G"]},
        )


def test_an_override_opens_the_middle_phase_from_its_day_with_the_reason_recorded(
    cara_course, tess
):
    attended = attend_next(cara_course, tess, 5)
    with pytest.raises(InventoryRuleError, match="Say why") as error:
        services.override_middle_phase(cara_course, actor=tess, reason=" ")
    assert error.value.field == "reason"
    with one_audit_event("course.middle_phase_override"):
        services.override_middle_phase(
            cara_course,
            actor=tess,
            reason="She wants to start on the rows; the agreement follows next week.",
            applies_from=day_of(attended[4]),
        )
    course = Course.objects.get(pk=cara_course.pk)
    phases = [row.phase for row in course.timeline().rows if row.number]
    assert phases == [Phase.INITIAL] * 4 + [Phase.MIDDLE]
    with pytest.raises(InventoryRuleError, match="already recorded"):
        services.override_middle_phase(course, actor=tess, reason="Again.")


# --- Goals and focus work ----------------------------------------------------------------------


def test_goals_are_rewritten_in_place_so_their_ratings_carry_on(cara_course, tess):
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third), goals={DISPUTE: ["Talk to Sam", "Chores"]})
    talk = Goal.objects.get(text="Talk to Sam")
    with one_audit_event("goals.save"):
        services.save_goals(cara_course, actor=tess, goals={DISPUTE: ["Talk to Sam calmly"]})
    talk.refresh_from_db()
    assert talk.text == "Talk to Sam calmly" and talk.retired_at is None
    assert Goal.objects.get(text="Chores").retired_at is not None


def _middle_session(course, therapist):
    third = initial_phase_done(course, therapist)[-1]
    agree(course, therapist, day_of(third), goals={DISPUTE: ["Talk to Sam"]})
    (fourth,) = attend_next(course, therapist)
    return fourth


def test_focus_work_records_techniques_and_progress_in_one_event(cara_course, tess):
    fourth = _middle_session(cara_course, tess)
    goal = Goal.objects.get()
    with one_audit_event("session_focus_work.save"):
        services.save_focus_work(
            fourth,
            actor=tess,
            techniques=["role_play", "communication_analysis"],
            ratings={goal.pk: 3},
            expected_version=0,
        )
    services.save_focus_work(
        fourth,
        actor=tess,
        techniques=["role_play"],
        ratings={goal.pk: 4},
        expected_version=1,
    )
    assert SessionFocusWork.objects.get().techniques == ["role_play"]
    assert GoalRating.objects.get().rating == 4


@pytest.mark.parametrize(
    ("techniques", "rating", "message"),
    [(["dream_work"], 3, "from the list"), (["role_play"], 11, "from 0 \\(not started\\) to 10")],
)
def test_focus_work_refuses_unknown_techniques_and_ratings_out_of_range(
    cara_course, tess, techniques, rating, message
):
    fourth = _middle_session(cara_course, tess)
    with pytest.raises(InventoryRuleError, match=message):
        services.save_focus_work(
            fourth,
            actor=tess,
            techniques=techniques,
            ratings={Goal.objects.get().pk: rating},
            expected_version=0,
        )
    assert not SessionFocusWork.objects.exists()


def test_focus_work_is_refused_outside_the_middle_phase(cara_course, tess):
    third = initial_phase_done(cara_course, tess)[-1]
    with pytest.raises(InventoryRuleError, match="not in the middle phase"):
        services.save_focus_work(third, actor=tess, techniques=[], ratings={}, expected_version=0)


def test_focus_work_of_a_signed_record_cannot_change(cara_course, tess):
    fourth = _middle_session(cara_course, tess)
    record = course_services.save_session_record(
        fourth,
        actor=tess,
        data={
            "notes": "Role play of the talk with Sam.",
            **dict.fromkeys(
                [
                    "suicidal_thoughts",
                    "suicidal_plans",
                    "suicidal_intent",
                    "self_harm",
                    "harm_to_others",
                    "safeguarding_concern",
                ],
                "no",
            ),
            "risk_level": "none",
        },
        expected_version=None,
    )
    course_services.sign_session_record(record, actor=tess, expected_version=record.version)
    with pytest.raises(InventoryRuleError, match="signed"):
        services.save_focus_work(fourth, actor=tess, techniques=[], ratings={}, expected_version=0)


def test_focus_work_needs_an_attended_session(cara_course, tess):
    _middle_session(cara_course, tess)
    planned = cara_course.appointments.filter(status=Attendance.PLANNED).first()
    with pytest.raises(InventoryRuleError, match="attended"):
        services.save_focus_work(
            planned,
            actor=tess,
            techniques=[],
            ratings={},
            expected_version=0,
        )


def _save_both(appointment, actor, *, notes, techniques, rating, versions=(0, 0)):
    return services.save_session_record_and_focus_work(
        appointment,
        actor=actor,
        record={"notes": notes},
        record_version=versions[0],
        techniques=techniques,
        ratings={Goal.objects.get().pk: rating},
        focus_work_version=versions[1],
    )


def test_the_record_and_its_focus_work_are_saved_together_each_audited(cara_course, tess):
    fourth = _middle_session(cara_course, tess)
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    record = _save_both(
        fourth, tess, notes="Role play of the talk.", techniques=["role_play"], rating=3
    )

    assert record.notes == "Role play of the talk."
    assert SessionFocusWork.objects.get().techniques == ["role_play"]
    assert GoalRating.objects.get().rating == 3
    assert list(
        AuditEvent.objects.filter(id__gt=latest).order_by("id").values_list("action", flat=True)
    ) == ["session_record.create", "session_focus_work.save"]


def test_a_stale_copy_of_the_focus_work_saves_nothing(cara_course, tess):
    fourth = _middle_session(cara_course, tess)
    _save_both(fourth, tess, notes="First.", techniques=["role_play"], rating=3)
    events = AuditEvent.objects.count()

    with pytest.raises(EditConflict, match="focus work"):
        _save_both(fourth, tess, notes="Second.", techniques=[], rating=5, versions=(1, 0))

    assert SessionRecord.objects.get().notes == "First."
    assert GoalRating.objects.get().rating == 3
    assert AuditEvent.objects.count() == events


def test_a_stale_copy_of_the_record_saves_no_focus_work(cara_course, tess):
    fourth = _middle_session(cara_course, tess)
    _save_both(fourth, tess, notes="First.", techniques=["role_play"], rating=3)

    with pytest.raises(EditConflict, match="session record"):
        _save_both(fourth, tess, notes="Second.", techniques=[], rating=5, versions=(0, 1))

    assert SessionFocusWork.objects.get().techniques == ["role_play"]
    assert GoalRating.objects.get().rating == 3


def test_a_focus_work_the_rules_refuse_keeps_the_record_unsaved(cara_course, tess):
    fourth = _middle_session(cara_course, tess)

    with pytest.raises(InventoryRuleError, match="from 0 \\(not started\\) to 10"):
        _save_both(fourth, tess, notes="Role play.", techniques=["role_play"], rating=11)

    assert not SessionRecord.objects.exists()
    assert not SessionFocusWork.objects.exists()


# --- Continuation ------------------------------------------------------------------------------


def test_the_inventory_is_copied_forward_to_a_continuation_course(cara, tess):
    cara_course = open_course_for(cara, tess, weeks_ago=0)
    sam = dispute_case(cara_course, tess)
    services.add_event(
        cara_course,
        actor=tess,
        data={
            "happened_on": date(2026, 1, 1),
            "precision": "month",
            "kind": "conflict",
            "description": "Row.",
        },
        people=[sam],
    )
    _ended_today(cara_course, tess)
    continuation = open_course_for(cara_course.referral.client, tess, weeks_ago=0)
    with one_audit_event("inventory.copy_forward"):
        copied = services.copy_inventory_forward(cara_course, continuation, actor=tess)
    assert copied == 1
    new_event = LifeEvent.objects.get(course=continuation)
    assert [p.label for p in new_event.people.all()] == ["Sam"]
    assert new_event.people.get().course_id == continuation.pk
    with pytest.raises(InventoryRuleError, match="already has an inventory"):
        services.copy_inventory_forward(cara_course, continuation, actor=tess)
