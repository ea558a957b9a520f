"""Disposal decisions: keep a record until a later date, or destroy it (issue 10 item 6).

Destroying erases every clinical record of the client and their identifying details, and keeps a
tombstone: the client row with its identity blanked, the ``DisposalDecision`` (who, when, why, and
what was erased, as counts) and the audit events, which can never change. Which records are
erased is found by walking Django's relations from ``Client`` (:func:`linked_models`): a model
linked to a client that is neither in :data:`ERASED` nor in :data:`KEPT` stops the destruction,
and a test fails, so a new clinical model cannot be missed silently.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from graphlib import TopologicalSorter

from django.db import models, transaction
from django.db.models import ForeignObjectRel
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.clients.models import Client
from iptclinic.history.services import purge_history_for_client

from .models import Decision, DisposalDecision
from .selectors import RecordDates, record_dates

ERASED = frozenset(
    {
        "accounts.PortalInvitation",
        "attention.Item",
        "clients.Allocation",
        "clients.Carer",
        "clients.NeedsTold",
        "clients.RecordingConsent",
        "clients.Referral",
        "courses.Addendum",
        "courses.Appointment",
        "courses.ContractChange",
        "courses.Course",
        "courses.SessionRecord",
        "courses.SessionRequest",
        "eating.EatingLogEntry",
        "eating.MeasureResponse",
        "endings.EndingRecord",
        "fidelity.AdherenceChecklist",
        "fidelity.AdherenceRating",
        # Group IPT (issue 14): the member's place in the group and which meeting each of their
        # appointments was; the group and its sessions are the facilitators' and are kept.
        "groups.GroupMembership",
        "groups.MemberMeeting",
        "inventory.EarlierEpisode",
        "inventory.FocusDecision",
        "inventory.Formulation",
        "inventory.Goal",
        "inventory.GoalRating",
        "inventory.Inventory",
        "inventory.LifeEvent",
        "inventory.LifeEvent_people",
        "inventory.MiddlePhaseOverride",
        "inventory.PortalGoalRating",
        "inventory.PortalShare",
        "inventory.Relationship",
        "inventory.SessionFocusWork",
        "inventory.Suggestion",
        "inventory.TreatmentAgreement",
        "letters.IssuedLetter",
        "letters.LetterFile",
        "letters.LetterRequest",
        "letters.TranslationNeed",
        "measures.PortalScores",
        "measures.QuestionnaireDraft",
        "measures.QuestionnaireResponse",
        "measures.QuestionnaireRevision",
        "measures.RiskAlert",
        "notifications.SentReminder",
        "portal.ContactMessage",
        "portal.RecordQuestion",
        "reports.StoredOutcome",
        "service.ContactFacts",
        "service.CourseFacts",
        "service.ReferralTimes",
        "subject_access.SubjectAccessRequest",
        "subject_access.ThirdParty",
        # Supervision (issue 13): what was said and heard about the client; the meeting itself
        # (date, supervisor, therapist, what was agreed) is the therapist's and is kept.
        "supervision.Action",
        "supervision.CaseDiscussed",
        "supervision.RecordingReviewed",
    }
)
"""Linked to a client and erased with the record."""

KEPT = frozenset({"audit.AuditEvent", "retention.DisposalDecision"})
"""Linked to a client and kept: the audit (never changed) and the decision itself."""

CLIENT_KEPT_FIELDS = frozenset({"id", "team", "created_at", "version"})
"""The tombstone: which team held the record and when it was entered. Everything else is blanked."""

TOMBSTONE_BIRTH_DATE = date(1900, 1, 1)


class RetentionError(Exception):
    """A retention decision refused, with words for the service lead."""


def _relations(model: type[models.Model]) -> list[ForeignObjectRel]:
    """The links into ``model`` from other kinds of record, hidden ones (``related_name="+"``,
    such as an agreement's focus) included: a hidden link still holds a row back from deletion.
    The history tables' copies of those links are left to ``purge_history``."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel)
        and not relation.many_to_many
        and relation.related_model is not model
        and not hasattr(relation.related_model, "instance_type")  # a history table
    ]


def linked_models() -> dict[str, list[tuple[str, str]]]:
    """Every model reachable from ``Client`` by reverse relations: label -> [(parent, field)]."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    todo: list[type[models.Model]] = [Client]
    seen = {Client._meta.label}
    while todo:
        model = todo.pop()
        for relation in _relations(model):
            child = relation.related_model
            label = child._meta.label
            found[label].append((model._meta.label, relation.field.name))
            if label not in seen and label not in KEPT:
                seen.add(label)
                todo.append(child)
    return dict(found)


def _check_every_link_is_handled() -> None:
    unknown = set(linked_models()) - ERASED - KEPT
    if unknown:
        raise RetentionError(
            "A kind of record linked to clients has no retention handling yet; nothing was "
            "destroyed. Tell IT support."
        )


def _collect(client: Client) -> dict[type[models.Model], set[object]]:
    """The primary keys of every erased row linked to ``client``, however deep."""
    rows: dict[type[models.Model], set[object]] = defaultdict(set)
    rows[Client] = {client.pk}
    changed = True
    while changed:
        changed = False
        for model in list(rows):
            for relation in _relations(model):
                child = relation.related_model
                if child._meta.label in KEPT:
                    continue
                pks = set(
                    child._default_manager.filter(
                        **{f"{relation.field.name}__in": rows[model]}
                    ).values_list("pk", flat=True)
                )
                if not pks <= rows[child]:
                    rows[child] |= pks
                    changed = True
    del rows[Client]
    return rows


def _delete_order(models_found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Children before parents, so no PROTECT link is ever left dangling."""
    graph: dict[type[models.Model], set[type[models.Model]]] = {m: set() for m in models_found}
    for model in models_found:
        for relation in _relations(model):
            if relation.related_model in graph:
                graph[model].add(relation.related_model)
    return list(TopologicalSorter(graph).static_order())


def purge_history(client: Client) -> None:
    """The one place erasure removes the client's earlier versions (iptclinic.history): a
    destroyed record must not live on in its corrections."""
    purge_history_for_client(client)


def _blank_identity(client: Client) -> list[str]:
    blanked = []
    for field in Client._meta.concrete_fields:
        if field.name in CLIENT_KEPT_FIELDS:
            continue
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.name == "date_of_birth":
            value = TOMBSTONE_BIRTH_DATE
        else:
            value = ""
        setattr(client, field.attname, value)
        blanked.append(field.attname)
    client.version += 1
    client.save(update_fields=[*blanked, "version"])
    return blanked


def _close_portal_account(user: User | None) -> None:
    if user is None:
        return
    user.is_active = False
    user.first_name = user.last_name = user.email = ""
    user.username = f"closed-{user.pk}"
    user.set_unusable_password()
    user.save(
        update_fields=["is_active", "first_name", "last_name", "email", "username", "password"]
    )


def _check_due(dates: RecordDates) -> None:
    if dates.due_on > timezone.localdate():
        raise RetentionError(
            f"This record is kept until {dates.due_on:%-d %B %Y}. It cannot be destroyed before then."
        )
    held = DisposalDecision.objects.filter(
        client=dates.client, decision=Decision.KEEP, keep_until__gt=timezone.localdate()
    ).first()
    if held is not None:
        raise RetentionError(
            f"A decision holds this record until {held.keep_until:%-d %B %Y}. It cannot be "
            "destroyed before then."
        )


@transaction.atomic
def keep_record(client: Client, *, actor: User, until: date, reason: str) -> DisposalDecision:
    reason = reason.strip()
    if not reason:
        raise RetentionError("Say why the record is kept, for example a legal hold.")
    if until <= timezone.localdate():
        raise RetentionError("Choose a date after today.")
    dates = record_dates(client)
    decision = DisposalDecision.objects.create(
        client=client,
        team_id=client.team_id,
        decision=Decision.KEEP,
        keep_until=until,
        reason=reason,
        last_contact=dates.last_contact,
        due_on=dates.due_on,
        decided_by=actor,
    )
    audit.record(
        actor=actor,
        action="retention.keep",
        client=client,
        obj=decision,
        detail={"keep_until": until.isoformat()},
    )
    return decision


@transaction.atomic
def destroy_record(client: Client, *, actor: User, reason: str) -> DisposalDecision:
    """Erase the record of a client past its retention date, keeping the tombstone."""
    reason = reason.strip()
    if not reason:
        raise RetentionError("Say why the record is destroyed.")
    if not actor.is_service_lead or actor.team_id != client.team_id:
        raise RetentionError("Only a service lead of the client's team can destroy a record.")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if DisposalDecision.objects.filter(client=client, decision=Decision.DESTROY).exists():
        raise RetentionError("This record has already been destroyed.")
    _check_every_link_is_handled()
    dates = record_dates(client)
    _check_due(dates)

    rows = _collect(client)
    erased: dict[str, int] = {}
    for model in _delete_order(list(rows)):
        pks = rows[model]
        if not pks:
            continue
        for field in model._meta.concrete_fields:
            # Links between rows of one kind (a rebooked appointment) are undone first.
            if field.is_relation and field.related_model is model and field.null:
                model._default_manager.filter(pk__in=pks).update(**{field.name: None})
        model._default_manager.filter(pk__in=pks).delete()
        erased[model._meta.label] = len(pks)
    portal_user = client.portal_user
    blanked = _blank_identity(client)
    _close_portal_account(portal_user)
    # Last: deleting or blanking a record writes its final version to the history tables.
    purge_history(client)

    decision = DisposalDecision.objects.create(
        client=client,
        team_id=client.team_id,
        decision=Decision.DESTROY,
        reason=reason,
        last_contact=dates.last_contact,
        due_on=dates.due_on,
        erased=erased,
        decided_by=actor,
    )
    audit.record(
        actor=actor,
        action="retention.destroy",
        client=client,
        obj=decision,
        detail={"erased": erased, "blanked": sorted(blanked)},
    )
    return decision
