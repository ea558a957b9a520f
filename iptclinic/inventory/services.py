"""Every change to an inventory, a focus, a formulation, an agreement or a goal goes through here.

Each function checks the rules that need the database, makes the change, writes exactly one audit
event in the same transaction and returns the changed object (style.md §3). Audit details name
fields and ids, never what was said about a third party. Errors carry a plain-English message
for the person at the screen and, where it fits, the form field it belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Appointment, Course, SessionRecord
from iptclinic.history.services import bulk_update_kept, save_with_reason
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.case import ApproxDate, DatePrecision, LifeStatus
from iptclinic.ipt.focus import MAX_SUGGESTED
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea, area_label, areas_for
from iptclinic.ipt.strategies import TECHNIQUES
from iptclinic.ipt.variants import variant_config
from iptclinic.lib.concurrency import EditConflict, save_if_unchanged
from iptclinic.reports.services import refresh_outcomes

from .models import (
    GOAL_PROGRESS,
    IMPORTANCE,
    MAX_GOALS_PER_AREA,
    MOOD,
    RINGS,
    EarlierEpisode,
    FocusDecision,
    Formulation,
    Goal,
    GoalRating,
    Inventory,
    LifeEvent,
    MiddlePhaseOverride,
    Relationship,
    SessionFocusWork,
    TreatmentAgreement,
)


class InventoryRuleError(ValueError):
    """A change the rules do not allow; ``field`` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _client(course: Course) -> Any:
    return course.referral.client


def _ensure_open(course: Course) -> None:
    if not course.is_open:
        raise InventoryRuleError(
            f"This course ended on {course.ended_on:%-d %B %Y}; its record can no longer be changed."
        )


def _not_future(when: ApproxDate | None, what: str, field: str) -> None:
    if when is not None and when.first_day > timezone.localdate():
        raise InventoryRuleError(f"{what} cannot be in the future.", field)


# --- The episode ---------------------------------------------------------------------------------


@transaction.atomic
def save_episode_facts(
    course: Course,
    *,
    actor: User,
    onset: ApproxDate | None,
    chronic_course: bool,
    patterns: str,
    expected_version: int | None,
    onset_until: ApproxDate | None = None,
) -> Inventory:
    """When the current episode began (a date, or a period up to ``onset_until``), whether it is
    chronic, and patterns across relationships."""
    _ensure_open(course)
    _not_future(onset, "The start of the current episode", "onset")
    _not_future(onset_until, "The end of the period the low mood began in", "onset_until")
    if onset_until is not None and onset is None:
        raise InventoryRuleError(
            "Give when the low mood began before saying when that period ended.", "onset"
        )
    if onset is not None and onset_until is not None and onset_until.last_day < onset.first_day:
        raise InventoryRuleError(
            "The period the low mood began in cannot end before it starts.", "onset_until"
        )
    values = {
        "onset_on": onset.first_day if onset else None,
        "onset_precision": onset.precision.value if onset else "month",
        "onset_until_on": onset_until.first_day if onset_until else None,
        "onset_until_precision": onset_until.precision.value if onset_until else "month",
        "chronic_course": chronic_course,
        "patterns": patterns.strip(),
    }
    inventory = Inventory.objects.filter(course=course).first()
    if inventory is None:
        try:
            with transaction.atomic():
                inventory = Inventory.objects.create(course=course, **values)
        except IntegrityError:
            # Someone saved the first version at the same moment; theirs stands.
            raise EditConflict("inventory") from None
    else:
        for name, value in values.items():
            setattr(inventory, name, value)
        inventory.updated_at = timezone.now()
        save_if_unchanged(
            inventory, expected_version, [*values, "updated_at"], "inventory", actor=actor
        )
    audit.record(
        actor=actor,
        action="inventory.episode.save",
        client=_client(course),
        obj=inventory,
        detail={"fields": sorted(values)},
    )
    return inventory


# --- Relationships -------------------------------------------------------------------------------

RELATIONSHIP_FIELDS = [
    "label",
    "relationship_type",
    "second_type",
    "status",
    "died_on",
    "died_precision",
    "closeness_now",
    "closeness_before",
    "contact_frequency",
    "importance",
    "can_confide",
    "knows_how_patient_feels",
    "satisfying",
    "unsatisfying",
    "patient_expectations",
    "other_expectations",
    "expectations_met",
    "conflict",
    "trying_to_resolve",
    "talking_stopped",
    "judged_beyond_repair",
    "topics_avoided",
    "symptoms_follow_contact",
    "support_received",
    "support_given",
    "changes_wanted",
    "recent_change",
    "avoids_talking_about_death",
    "mourning_avoided",
    "symptoms_tied_to_death",
    "dispute_stage",
    "areas",
    "notes",
]
_GRIEF_SIGNS = ("avoids_talking_about_death", "mourning_avoided", "symptoms_tied_to_death")


def _check_relationship(data: Mapping[str, Any], variant_areas: Sequence[ProblemArea]) -> None:
    """The same rules the case file enforces (docs/case-format.md), so an export always loads."""
    if not str(data.get("label", "")).strip():
        raise InventoryRuleError(
            "Give a first name, a nickname or a pseudonym for this person or group.", "label"
        )
    for field in ("closeness_now", "closeness_before"):
        ring = data.get(field)
        if ring is not None and not 1 <= ring <= RINGS:
            raise InventoryRuleError(
                f"Choose a ring from 1 (closest) to {RINGS} (furthest), or leave it empty.", field
            )
    if data.get("importance") is not None and data["importance"] not in IMPORTANCE:
        raise InventoryRuleError("Rate importance from 1 to 5, or leave it empty.", "importance")
    if data.get("second_type") and data.get("second_type") == data.get("relationship_type"):
        raise InventoryRuleError(
            "The second role is the same as the first. Choose another or leave it empty.",
            "second_type",
        )
    deceased = data.get("status") == LifeStatus.DECEASED
    died = data.get("died_on")
    if died is not None and not deceased:
        raise InventoryRuleError(
            "A date of death needs the status “Deceased”. Change the status or clear the date.",
            "died_on",
        )
    if died is not None:
        _not_future(
            ApproxDate(died, DatePrecision(data.get("died_precision") or "day")),
            "A date of death",
            "died_on",
        )
    if deceased and data.get("dispute_stage"):
        raise InventoryRuleError(
            "A dispute stage is for a relationship with someone who is alive.", "dispute_stage"
        )
    for sign in _GRIEF_SIGNS:
        if data.get(sign) and not deceased:
            raise InventoryRuleError("This applies only to someone who has died.", sign)
    seen: set[str] = set()
    for tag in data.get("areas", []):
        area = ProblemArea(tag["area"])
        if area not in variant_areas:
            raise InventoryRuleError(
                f"This course's variant does not use the {area.value.replace('_', ' ')} area.",
                "areas",
            )
        if area in seen:
            raise InventoryRuleError("Each problem area can be tagged once per person.", "areas")
        seen.add(area)


def _relationship_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in RELATIONSHIP_FIELDS if name in data}
    values["label"] = str(values.get("label", "")).strip()
    if values.get("status") != LifeStatus.DECEASED:
        values["died_on"] = None
    elif values.get("died_on") is not None:
        precision = DatePrecision(values.get("died_precision") or "day")
        values["died_on"] = ApproxDate(values["died_on"], precision).when
    return values


@transaction.atomic
def add_relationship(course: Course, *, actor: User, data: Mapping[str, Any]) -> Relationship:
    """Add a person or group to the inventory, at the end of the list."""
    _ensure_open(course)
    _check_relationship(data, areas_for(course.variant_enum))
    last = Relationship.objects.filter(course=course).order_by("-position").first()
    relationship = Relationship.objects.create(
        course=course,
        position=(last.position + 1) if last else 0,
        **_relationship_values(data),
    )
    audit.record(
        actor=actor,
        action="inventory.relationship.add",
        client=_client(course),
        obj=relationship,
    )
    return relationship


@transaction.atomic
def update_relationship(
    relationship: Relationship,
    *,
    actor: User,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Relationship:
    course = relationship.course
    _ensure_open(course)
    _check_relationship(data, areas_for(course.variant_enum))
    values = _relationship_values(data)
    for name, value in values.items():
        setattr(relationship, name, value)
    relationship.updated_at = timezone.now()
    save_if_unchanged(
        relationship, expected_version, [*values, "updated_at"], "relationship", actor=actor
    )
    audit.record(
        actor=actor,
        action="inventory.relationship.update",
        client=_client(course),
        obj=relationship,
        detail={"fields": sorted(values)},
    )
    return relationship


@transaction.atomic
def remove_relationship(relationship: Relationship, *, actor: User) -> None:
    """Take a person off the inventory; events keep their description but lose the link."""
    course = relationship.course
    _ensure_open(course)
    pk = relationship.pk
    relationship.events.clear()
    relationship.delete()
    audit.record(
        actor=actor,
        action="inventory.relationship.remove",
        client=_client(course),
        detail={"relationship_id": pk},
    )


# --- Timeline ------------------------------------------------------------------------------------

EVENT_FIELDS = [
    "happened_on",
    "precision",
    "kind",
    "description",
    "mood_rating",
    "ed_symptom_note",
    "symptoms_worsened",
]


def _check_event(course: Course, data: Mapping[str, Any], people: Sequence[Relationship]) -> None:
    if not str(data.get("description", "")).strip():
        raise InventoryRuleError("Say in a few words what happened.", "description")
    when = data.get("happened_on")
    if when is None:
        raise InventoryRuleError("Give the date, or the month or year it happened.", "when")
    _not_future(ApproxDate(when, DatePrecision(data.get("precision") or "day")), "An event", "when")
    if data.get("mood_rating") is not None and data["mood_rating"] not in MOOD:
        raise InventoryRuleError("Rate mood from 0 (worst) to 10 (best).", "mood_rating")
    if any(person.course_id != course.pk for person in people):
        raise InventoryRuleError("Choose people from this inventory.", "people")


def _event_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in EVENT_FIELDS if name in data}
    values["description"] = str(values.get("description", "")).strip()
    precision = DatePrecision(values.get("precision") or "day")
    values["happened_on"] = ApproxDate(values["happened_on"], precision).when
    return values


@transaction.atomic
def add_event(
    course: Course,
    *,
    actor: User,
    data: Mapping[str, Any],
    people: Sequence[Relationship] = (),
) -> LifeEvent:
    _ensure_open(course)
    _check_event(course, data, people)
    event = LifeEvent.objects.create(course=course, **_event_values(data))
    event.people.set(people)
    audit.record(actor=actor, action="inventory.event.add", client=_client(course), obj=event)
    return event


@transaction.atomic
def update_event(
    event: LifeEvent,
    *,
    actor: User,
    data: Mapping[str, Any],
    people: Sequence[Relationship],
    expected_version: int | None,
) -> LifeEvent:
    course = event.course
    _ensure_open(course)
    _check_event(course, data, people)
    values = _event_values(data)
    for name, value in values.items():
        setattr(event, name, value)
    save_if_unchanged(event, expected_version, list(values), "event", actor=actor)
    event.people.set(people)
    audit.record(
        actor=actor,
        action="inventory.event.update",
        client=_client(course),
        obj=event,
        detail={"fields": sorted([*values, "people"])},
    )
    return event


@transaction.atomic
def remove_event(event: LifeEvent, *, actor: User) -> None:
    course = event.course
    _ensure_open(course)
    pk = event.pk
    event.people.clear()
    event.delete()
    audit.record(
        actor=actor,
        action="inventory.event.remove",
        client=_client(course),
        detail={"event_id": pk},
    )


@transaction.atomic
def add_earlier_episode(
    course: Course, *, actor: User, began: ApproxDate, note: str
) -> EarlierEpisode:
    _ensure_open(course)
    _not_future(began, "An earlier episode", "began")
    episode = EarlierEpisode.objects.create(
        course=course, began_on=began.when, precision=began.precision.value, note=note.strip()
    )
    audit.record(actor=actor, action="inventory.episode.add", client=_client(course), obj=episode)
    return episode


@transaction.atomic
def remove_earlier_episode(episode: EarlierEpisode, *, actor: User) -> None:
    course = episode.course
    _ensure_open(course)
    pk = episode.pk
    episode.delete()
    audit.record(
        actor=actor,
        action="inventory.episode.remove",
        client=_client(course),
        detail={"episode_id": pk},
    )


# --- Focus ---------------------------------------------------------------------------------------


def current_focus(course: Course) -> FocusDecision | None:
    return FocusDecision.objects.filter(course=course, superseded_at__isnull=True).first()


def _check_focus(
    course: Course, areas: Sequence[ProblemArea], stage: DisputeStage | None, reason: str
) -> None:
    """At most two areas (decisions.md §9); each needs what the manuals require of it (R06–R08)."""
    if not areas:
        raise InventoryRuleError("Choose one problem area, or two at most.", "areas")
    if len(set(areas)) != len(areas):
        raise InventoryRuleError("Choose each problem area only once.", "areas")
    if len(areas) > MAX_SUGGESTED:
        raise InventoryRuleError(
            f"Choose at most {MAX_SUGGESTED} focus areas: you chose {len(areas)}. IPT keeps to one "
            "area, or two at most, so that the work stays focused.",
            "areas",
        )
    usable = areas_for(course.variant_enum)
    for area in areas:
        if area not in usable:
            raise InventoryRuleError(
                f"The {variant_config(course.variant_enum).short_name} variant does not use "
                f"the {area.value.replace('_', ' ')} area.",
                "areas",
            )
    if not reason.strip():
        raise InventoryRuleError(
            "Say why this focus: what links it to when the low mood began, and why it matters "
            "to the client.",
            "reason",
        )
    if ProblemArea.ROLE_DISPUTE in areas and stage is None:
        raise InventoryRuleError(
            "A role dispute needs its stage: renegotiation, impasse or dissolution.",
            "dispute_stage",
        )
    if ProblemArea.ROLE_DISPUTE not in areas and stage is not None:
        raise InventoryRuleError(
            "A dispute stage goes with a role dispute focus. Clear it, or add the role dispute.",
            "dispute_stage",
        )
    # ipt-method.md R07: grief needs a death, where the variant says so.
    if (
        ProblemArea.GRIEF in areas
        and variant_config(course.variant_enum).grief_requires_death
        and not Relationship.objects.filter(course=course, status=LifeStatus.DECEASED).exists()
    ):
        raise InventoryRuleError(
            "A grief focus needs someone who has died in the inventory. "
            "Add them to the inventory first, or choose another area.",
            "areas",
        )


@transaction.atomic
def choose_focus(
    course: Course,
    *,
    actor: User,
    areas: Sequence[ProblemArea],
    reason: str,
    dispute_stage: DisputeStage | None = None,
    suggested: Sequence[ProblemArea] = (),
    renegotiation: bool = False,
) -> FocusDecision:
    """Record the therapist's choice of focus; after the agreement only as a renegotiation.

    Before the treatment agreement the choice can change freely (each choice is kept). After it,
    a change is a renegotiation with the client (ipt-method.md §3.6, R02): ``renegotiation`` must
    be set, and goals for an area that is no longer in focus are retired, their ratings kept.
    """
    course = Course.objects.select_for_update().select_related("referral__client").get(pk=course.pk)
    _ensure_open(course)
    areas = [ProblemArea(a) for a in areas]
    dispute_stage = DisputeStage(dispute_stage) if dispute_stage else None
    _check_focus(course, areas, dispute_stage, reason)
    agreed = TreatmentAgreement.objects.filter(course=course).first()
    if agreed is not None and not renegotiation:
        raise InventoryRuleError(
            f"The focus was agreed with the client on {agreed.agreed_on:%-d %B %Y}. Changing it "
            "is a renegotiation: confirm that you have renegotiated it with them, and say why.",
            "renegotiation",
        )
    previous = current_focus(course)
    if (
        previous is not None
        and sorted(previous.areas) == sorted(a.value for a in areas)
        and previous.dispute_stage == (dispute_stage.value if dispute_stage else "")
    ):
        raise InventoryRuleError("This is already the focus. Nothing has changed.", "areas")
    now = timezone.now()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    decision = FocusDecision.objects.create(
        course=course,
        areas=[a.value for a in areas],
        reason=reason.strip(),
        dispute_stage=dispute_stage.value if dispute_stage else "",
        renegotiation=agreed is not None,
        suggested=[a.value for a in suggested],
        decided_by=actor,
    )
    retired = list(
        Goal.objects.filter(course=course, retired_at__isnull=True).exclude(
            area__in=[a.value for a in areas]
        )
    )
    for goal in retired:
        goal.retired_at = now
    bulk_update_kept(retired, Goal, ["retired_at"], actor=actor)
    refresh_outcomes([course.referral_id])
    audit.record(
        actor=actor,
        action="focus.renegotiate" if agreed is not None else "focus.choose",
        client=_client(course),
        obj=decision,
        detail={
            "areas": decision.areas,
            "dispute_stage": decision.dispute_stage,
            "suggested": decision.suggested,
            "followed_suggestion": sorted(decision.areas) == sorted(decision.suggested),
            "previous": previous.pk if previous else None,
        },
    )
    return decision


# --- Formulation ---------------------------------------------------------------------------------


@transaction.atomic
def save_formulation(
    course: Course, *, actor: User, text: str, expected_version: int | None
) -> Formulation:
    """Create or edit the draft formulation; a shared one is revised explicitly first."""
    _ensure_open(course)
    if not text.strip():
        raise InventoryRuleError(
            "The formulation is empty. Write it, or start from the draft.", "text"
        )
    formulation = Formulation.objects.filter(course=course).first()
    if formulation is None:
        if expected_version not in (None, 0):
            raise InventoryRuleError("This formulation no longer exists. Reload the page.")
        formulation = Formulation(course=course, text=text.strip(), updated_by=actor)
        save_with_reason(formulation, actor=actor, force_insert=True)
        action = "formulation.create"
    else:
        if formulation.is_shared:
            raise InventoryRuleError(
                f"This formulation was shared with the client on "
                f"{formulation.shared_on:%-d %B %Y}. Start a revision to change it."
            )
        formulation.text = text.strip()
        formulation.updated_by = actor
        formulation.updated_at = timezone.now()
        save_if_unchanged(
            formulation,
            expected_version,
            ["text", "updated_by", "updated_at"],
            "formulation",
            actor=actor,
        )
        action = "formulation.update"
    audit.record(actor=actor, action=action, client=_client(course), obj=formulation)
    return formulation


@transaction.atomic
def share_formulation(course: Course, *, actor: User, shared_on: date) -> Formulation:
    """Record that the formulation was offered to the client and they agreed with it (R04)."""
    _ensure_open(course)
    formulation = Formulation.objects.select_for_update().filter(course=course).first()
    if formulation is None:
        raise InventoryRuleError("Write and save the formulation before sharing it.")
    if formulation.is_shared:
        raise InventoryRuleError(
            f"The formulation was already shared on {formulation.shared_on:%-d %B %Y}."
        )
    if current_focus(course) is None:
        raise InventoryRuleError("Choose the focus before sharing the formulation.")
    if shared_on > timezone.localdate():
        raise InventoryRuleError("The date it was shared cannot be in the future.", "shared_on")
    if shared_on < course.start_date:
        raise InventoryRuleError(
            "The date it was shared cannot be before the course started.", "shared_on"
        )
    formulation.shared_on = shared_on
    formulation.version += 1
    formulation.save(update_fields=["shared_on", "version", "updated_at"])
    audit.record(actor=actor, action="formulation.share", client=_client(course), obj=formulation)
    return formulation


@transaction.atomic
def revise_formulation(course: Course, *, actor: User) -> Formulation:
    """Reopen a shared formulation as a draft, for example after the focus was renegotiated."""
    _ensure_open(course)
    formulation = Formulation.objects.select_for_update().filter(course=course).first()
    if formulation is None or not formulation.is_shared:
        raise InventoryRuleError("Only a formulation that has been shared needs a revision.")
    formulation.shared_on = None
    formulation.version += 1
    formulation.save(update_fields=["shared_on", "version", "updated_at"])
    audit.record(actor=actor, action="formulation.revise", client=_client(course), obj=formulation)
    return formulation


# --- Agreement, override and goals ---------------------------------------------------------------


def _clean_goals(
    goals: Mapping[ProblemArea, Sequence[str]], focus: FocusDecision, variant: Any
) -> dict[ProblemArea, list[str]]:
    """One to three goals per focus area, none empty (issue 3, PRODUCT)."""
    cleaned: dict[ProblemArea, list[str]] = {}
    for area in focus.problem_areas:
        texts = [str(t).strip() for t in goals.get(area, [])]
        name = area_label(area, variant)
        if any(not t for t in texts):
            raise InventoryRuleError(
                f"A goal for {name} has no words. Write it or remove it.", f"goals_{area.value}"
            )
        if not texts:
            raise InventoryRuleError(f"Write at least one goal for {name}.", f"goals_{area.value}")
        if len(texts) > MAX_GOALS_PER_AREA:
            raise InventoryRuleError(
                f"Keep to {MAX_GOALS_PER_AREA} goals for {name} at most.", f"goals_{area.value}"
            )
        cleaned[area] = texts
    extra = [a for a in goals if a not in cleaned and goals[a]]
    if extra:
        raise InventoryRuleError("Goals can only be set for the focus areas.")
    return cleaned


def _allow_middle_phase(course: Course, from_day: date) -> None:
    if course.middle_phase_allowed_on is None or from_day < course.middle_phase_allowed_on:
        course.middle_phase_allowed_on = from_day
        course.save(update_fields=["middle_phase_allowed_on"])


@transaction.atomic
def record_treatment_agreement(
    course: Course,
    *,
    actor: User,
    agreed_on: date,
    contracted_sessions: int,
    goals: Mapping[ProblemArea, Sequence[str]],
) -> TreatmentAgreement:
    """The end of the initial phase: sessions, focus and goals agreed with the client on a date.

    The contract becomes fixed through ``courses.services.agree_contract`` (decisions.md §3),
    which writes this change's one audit event with the agreement's details. A different number
    of sessions is first set on the still-provisional contract (its own audited change). The
    middle phase may start with the first session after ``agreed_on`` (decisions.md §6, R04).
    """
    course = Course.objects.select_for_update().select_related("referral__client").get(pk=course.pk)
    _ensure_open(course)
    if TreatmentAgreement.objects.filter(course=course).exists():
        raise InventoryRuleError(
            "The treatment agreement is already recorded. Change the focus or the number of "
            "sessions by renegotiation."
        )
    focus = current_focus(course)
    if focus is None:
        raise InventoryRuleError("Choose the focus before recording the agreement.")
    formulation = Formulation.objects.filter(course=course).first()
    if formulation is None or not formulation.is_shared:  # R04
        raise InventoryRuleError(
            "Share the formulation with the client first: the agreement rests on it."
        )
    if agreed_on > timezone.localdate():
        raise InventoryRuleError("The agreement date cannot be in the future.", "agreed_on")
    if agreed_on < formulation.shared_on:
        raise InventoryRuleError(
            "The agreement cannot come before the formulation was shared "
            f"({formulation.shared_on:%-d %B %Y}).",
            "agreed_on",
        )
    cleaned = _clean_goals(goals, focus, course.variant_enum)
    if contracted_sessions != course.contracted_sessions:
        try:
            course = course_services.change_contract(
                course, actor=actor, contracted_sessions=contracted_sessions, reason=""
            )
        except course_services.CourseRuleError as error:
            raise InventoryRuleError(str(error), "contracted_sessions") from None
    agreement = TreatmentAgreement.objects.create(
        course=course,
        agreed_on=agreed_on,
        contracted_sessions=course.contracted_sessions,
        focus=focus,
        recorded_by=actor,
    )
    for area, texts in cleaned.items():
        bulk_create_with_history(
            [
                Goal(course=course, area=area.value, text=text, position=i, created_by=actor)
                for i, text in enumerate(texts)
            ],
            Goal,
            default_user=actor,
        )
    try:
        course_services.agree_contract(
            course,
            actor=actor,
            agreed_on=agreed_on,
            detail={
                "treatment_agreement": agreement.pk,
                "focus": focus.areas,
                "contracted_sessions": course.contracted_sessions,
                "goals": sum(len(t) for t in cleaned.values()),
            },
        )
    except course_services.CourseRuleError as error:
        raise InventoryRuleError(str(error), "agreed_on") from None
    _allow_middle_phase(course, agreed_on + timedelta(days=1))
    return agreement


@transaction.atomic
def override_middle_phase(
    course: Course, *, actor: User, reason: str, applies_from: date | None = None
) -> MiddlePhaseOverride:
    """Let the middle phase start without an agreed focus, for a reason that is recorded."""
    course = Course.objects.select_for_update().select_related("referral__client").get(pk=course.pk)
    _ensure_open(course)
    if not reason.strip():
        raise InventoryRuleError(
            "Say why the middle phase starts before a focus is agreed.", "reason"
        )
    if TreatmentAgreement.objects.filter(course=course).exists():
        raise InventoryRuleError("The agreement is recorded, so the middle phase can start.")
    if MiddlePhaseOverride.objects.filter(course=course).exists():
        raise InventoryRuleError("An override is already recorded for this course.")
    applies_from = applies_from or timezone.localdate()
    override = MiddlePhaseOverride.objects.create(
        course=course, reason=reason.strip(), applies_from=applies_from, recorded_by=actor
    )
    _allow_middle_phase(course, applies_from)
    audit.record(
        actor=actor,
        action="course.middle_phase_override",
        client=_client(course),
        obj=override,
        detail={"applies_from": applies_from.isoformat()},
    )
    return override


@transaction.atomic
def save_goals(
    course: Course, *, actor: User, goals: Mapping[ProblemArea, Sequence[str]]
) -> list[Goal]:
    """Rewrite the goals of the current focus, matched by position so ratings carry on.

    A goal left empty where one existed is retired (its ratings kept); one to three per area.
    """
    course = Course.objects.select_related("referral__client").get(pk=course.pk)
    _ensure_open(course)
    focus = current_focus(course)
    if focus is None:
        raise InventoryRuleError("Choose the focus before setting goals.")
    cleaned = _clean_goals(goals, focus, course.variant_enum)
    now = timezone.now()
    active = {
        (g.area, g.position): g for g in Goal.objects.filter(course=course, retired_at__isnull=True)
    }
    kept: list[Goal] = []
    for area, texts in cleaned.items():
        for position in range(MAX_GOALS_PER_AREA):
            existing = active.pop((area.value, position), None)
            text = texts[position] if position < len(texts) else None
            if existing and text is None:
                existing.retired_at = now
                existing.save(update_fields=["retired_at"])
            elif existing and text is not None:
                if existing.text != text:
                    existing.text = text
                    existing.save(update_fields=["text"])
                kept.append(existing)
            elif text is not None:
                kept.append(
                    Goal.objects.create(
                        course=course,
                        area=area.value,
                        text=text,
                        position=position,
                        created_by=actor,
                    )
                )
    for leftover in active.values():
        leftover.retired_at = now
        leftover.save(update_fields=["retired_at"])
    audit.record(
        actor=actor,
        action="goals.save",
        client=_client(course),
        obj=focus,
        detail={"goals": [g.pk for g in kept]},
    )
    return kept


# --- Middle-phase session work -------------------------------------------------------------------


@transaction.atomic
def save_session_record_and_focus_work(
    appointment: Appointment,
    *,
    actor: User,
    record: dict[str, Any],
    record_version: int | None,
    techniques: Sequence[str],
    ratings: Mapping[int, int | None],
    focus_work_version: int | None,
) -> SessionRecord:
    """A middle-phase session record and its focus work, saved together or not at all.

    One "Save the record" button saves everything on the page, so nothing typed is lost. Each part
    stays its own audited change (``session_record.*``, then ``session_focus_work.save``) in this
    one transaction, with its own version check: a stale copy of either part refuses both.
    """
    saved = course_services.save_session_record(
        appointment, actor=actor, data=record, expected_version=record_version
    )
    save_focus_work(
        appointment,
        actor=actor,
        techniques=techniques,
        ratings=ratings,
        expected_version=focus_work_version,
    )
    return saved


@transaction.atomic
def save_focus_work(
    appointment: Appointment,
    *,
    actor: User,
    techniques: Sequence[str],
    ratings: Mapping[int, int | None],
    expected_version: int | None,
) -> SessionFocusWork:
    """The techniques used in a middle-phase session and progress on each goal (§4, issue 3)."""
    appointment = Appointment.objects.select_related("course__referral__client").get(
        pk=appointment.pk
    )
    course = appointment.course
    _ensure_open(course)
    if appointment.status != Attendance.ATTENDED:
        raise InventoryRuleError("Mark the appointment as attended before recording its work.")
    record = getattr(appointment, "record", None)
    if record is not None and record.is_signed:
        raise InventoryRuleError(
            "This session's record is signed, so its focus work cannot change. Add an addendum."
        )
    if not course.focus_agreed_for(appointment):
        raise InventoryRuleError(
            "This session is not in the middle phase: record the treatment agreement (or an "
            "override) first."
        )
    unknown = sorted(set(techniques) - {technique.code for technique in TECHNIQUES})
    if unknown:
        raise InventoryRuleError("Choose techniques from the list.", "techniques")
    goals = {g.pk: g for g in Goal.objects.filter(course=course, retired_at__isnull=True)}
    for goal_id, rating in ratings.items():
        if goal_id not in goals:
            raise InventoryRuleError("One of the goals rated is not a current goal of this course.")
        if rating is not None and rating not in GOAL_PROGRESS:
            raise InventoryRuleError(
                "Rate progress from 0 (not started) to 10 (goal reached).", f"goal_{goal_id}"
            )
    work = SessionFocusWork.objects.filter(appointment=appointment).first()
    if work is None:
        if expected_version not in (None, 0):
            raise InventoryRuleError("This session's focus work no longer exists. Reload the page.")
        try:
            with transaction.atomic():
                work = SessionFocusWork.objects.create(
                    appointment=appointment, techniques=list(techniques), updated_by=actor
                )
        except IntegrityError:
            # Two people saved this session's first focus work at once; the later one is told.
            raise EditConflict("focus work") from None
    else:
        work.techniques = list(techniques)
        work.updated_by = actor
        work.updated_at = timezone.now()
        save_if_unchanged(
            work,
            expected_version,
            ["techniques", "updated_by", "updated_at"],
            "focus work",
            actor=actor,
        )
    for goal_id, rating in ratings.items():
        if rating is None:
            GoalRating.objects.filter(goal_id=goal_id, appointment=appointment).delete()
        else:
            GoalRating.objects.update_or_create(
                goal_id=goal_id, appointment=appointment, defaults={"rating": rating}
            )
    audit.record(
        actor=actor,
        action="session_focus_work.save",
        client=_client(course),
        obj=work,
        detail={"techniques": list(techniques), "goals_rated": sorted(ratings)},
    )
    return work


# --- Continuation ---------------------------------------------------------------------------------


@transaction.atomic
def copy_inventory_forward(source: Course, target: Course, *, actor: User) -> int:
    """Copy the inventory and timeline to a continuation course of the same referral (§7).

    Returns the number of relationships copied. The focus, formulation and goals are not copied:
    a continuation course agrees its own (ipt-method.md R21).
    """
    copied = copy_inventory(source, target)
    audit.record(
        actor=actor,
        action="inventory.copy_forward",
        client=_client(target),
        obj=target,
        detail={"from_course": source.pk, "relationships": copied},
    )
    return copied


def carry_focus_forward(source: Course, target: Course, *, actor: User) -> FocusDecision | None:
    """Start ``target`` with the focus ``source`` ended with (maintenance IPT, issue 14).

    The focus "may shift" in maintenance (ipt-method.md §1.5): it is a choice before the new
    agreement, so the therapist changes it freely until then. Not audited here: the caller's one
    event names it. Nothing is carried when the source had no focus.
    """
    focus = current_focus(source)
    if focus is None:
        return None
    return FocusDecision.objects.create(
        course=target,
        areas=list(focus.areas),
        reason=f"Carried forward from the previous course. {focus.reason}",
        dispute_stage=focus.dispute_stage,
        suggested=[],
        decided_by=actor,
    )


def copy_inventory(source: Course, target: Course) -> int:
    """The copy of :func:`copy_inventory_forward` without its audit event, for a caller that
    writes one event for the whole change. Returns the number of relationships copied."""
    _ensure_open(target)
    if source.referral_id != target.referral_id or source.pk == target.pk:
        raise InventoryRuleError(
            "An inventory is copied only to another course of the same referral."
        )
    if (
        Relationship.objects.filter(course=target).exists()
        or LifeEvent.objects.filter(course=target).exists()
    ):
        raise InventoryRuleError("The new course already has an inventory; nothing was copied.")
    facts = Inventory.objects.filter(course=source).first()
    if facts is not None:
        Inventory.objects.create(
            course=target,
            onset_on=facts.onset_on,
            onset_precision=facts.onset_precision,
            onset_until_on=facts.onset_until_on,
            onset_until_precision=facts.onset_until_precision,
            chronic_course=facts.chronic_course,
            patterns=facts.patterns,
        )
    mapping: dict[int, Relationship] = {}
    for person in Relationship.objects.filter(course=source):
        old = person.pk
        person.pk = None
        person.id = None
        person.course = target
        person.version = 1
        person.save()
        mapping[old] = person
    for event in LifeEvent.objects.filter(course=source).prefetch_related("people"):
        people = [mapping[p.pk] for p in event.people.all()]
        event.pk = None
        event.id = None
        event.course = target
        event.version = 1
        event.save()
        event.people.set(people)
    for episode in EarlierEpisode.objects.filter(course=source):
        episode.pk = None
        episode.id = None
        episode.course = target
        episode.save()
    return len(mapping)
