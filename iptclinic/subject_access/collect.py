"""Reading a client's whole record into one plain structure, for the PDF and the JSON alike.

Every model that holds a client's data is named here once, in ``SECTIONS`` (copied) or in
``NOT_COPIED`` (with the reason); ``tests/test_subject_access_coverage.py`` walks Django's model
relations from ``Client`` and fails when a model is in neither, so a new kind of record cannot
be left out of the copy silently. Each section is one query (forward links joined), so the time
to read grows with the size of the record, not with its shape.

The values are plain JSON: text, numbers, booleans, ``None``, lists and objects. Choices are
given in words; a member of staff as their name and role (staff acting in their role are not
third parties: docs/subject-access.md); dates and times in ISO 8601 with the service's offset.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from iptclinic.accounts.models import Role, User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import (
    Allocation,
    Carer,
    Client,
    NeedsTold,
    RecordingConsent,
    Referral,
)
from iptclinic.courses.models import (
    Addendum,
    Appointment,
    ContractChange,
    Course,
    SessionRecord,
    SessionRequest,
)
from iptclinic.eating.models import EatingLogEntry, MeasureResponse
from iptclinic.endings.models import EndingRecord
from iptclinic.groups.models import GroupMembership, MemberMeeting
from iptclinic.history.registry import BY_KIND, KEPT, Kept
from iptclinic.history.selectors import user_fields, versions_of
from iptclinic.inventory.models import (
    EarlierEpisode,
    FocusDecision,
    Formulation,
    Goal,
    GoalRating,
    Inventory,
    LifeEvent,
    MiddlePhaseOverride,
    PortalGoalRating,
    PortalShare,
    Relationship,
    SessionFocusWork,
    Suggestion,
    TreatmentAgreement,
)
from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.ipt.tasks import TASK_LABELS
from iptclinic.letters.models import IssuedLetter, LetterFile, LetterFormat, TranslationNeed
from iptclinic.measures.models import (
    PortalScores,
    QuestionnaireDraft,
    QuestionnaireResponse,
    QuestionnaireRevision,
    RiskAlert,
)
from iptclinic.portal.models import ContactMessage, RecordQuestion
from iptclinic.supervision.models import Action as SupervisionAction
from iptclinic.supervision.models import CaseDiscussed, RecordingReviewed

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    model: type[models.Model]
    rows: Callable[[Client], QuerySet[Any]]
    about: str = ""
    adds: Callable[[Any], Row] | None = None


def _for_client(model: type[models.Model], path: str, *order: str) -> Callable[[Client], QuerySet]:
    def rows(client: Client) -> QuerySet[Any]:
        joined = [f.name for f in model._meta.concrete_fields if f.is_relation]
        return (
            model._default_manager.filter(**{path: client})
            .select_related(*joined)
            .order_by(*order, "pk")
        )

    return rows


def _answers(response: QuestionnaireResponse | QuestionnaireDraft) -> Row:
    instrument = INSTRUMENTS.get(response.instrument)
    items = {item.number: item for item in instrument.items} if instrument else {}
    answered = []
    for number, value in sorted(response.answers.items(), key=lambda pair: int(pair[0])):
        item = items.get(int(number))
        words = None
        if item is not None:
            words = next((o.text for o in item.options if o.value == value), None)
            if value == "na":
                words = item.not_applicable_text
        answered.append(
            {
                "item": int(number),
                "question": item.text if item else None,
                "answer": value,
                "answer_in_words": words,
            }
        )
    return {
        "questionnaire": instrument.name if instrument else response.instrument,
        "item_answers": answered,
    }


def _tasks_done(record: SessionRecord) -> Row:
    """The checklist items done, in the words staff saw (the codes stay in the JSON too)."""
    return {"tasks_done_in_words": [TASK_LABELS.get(code, code) for code in record.tasks_done]}


def _letter_text(letter: IssuedLetter) -> Row:
    """The letter's words as sent: its plain-text file, or the text of its PDF."""
    texts = {}
    for stored in letter.files.all():
        if stored.format == LetterFormat.TEXT:
            texts[stored.recipient] = bytes(stored.content).decode("utf-8", "replace")
    for stored in letter.files.all():
        if stored.format == LetterFormat.PDF and stored.recipient not in texts:
            texts[stored.recipient] = _pdf_text(bytes(stored.content))
    return {
        "letter_text": [
            {"recipient": LetterFile(recipient=r).get_recipient_display(), "text": t}
            for r, t in sorted(texts.items())
        ]
    }


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _discussions(client: Client) -> QuerySet[Any]:
    return (
        CaseDiscussed.objects.filter(course__referral__client=client)
        .select_related("meeting__supervisor", "meeting__therapist", "course", "appointment")
        .order_by("meeting__met_on", "pk")
    )


def _meeting(case: CaseDiscussed) -> Row:
    """When and with whom the client was discussed. What was agreed and the actions belong to
    the whole meeting, which may be about other clients too, so they are not copied here."""
    meeting = case.meeting
    return {
        "met_on": meeting.met_on.isoformat(),
        "supervisor": staff_label(meeting.supervisor),
        "therapist": staff_label(meeting.therapist),
    }


def _letters(client: Client) -> QuerySet[Any]:
    return _for_client(IssuedLetter, "client", "issued_at")(client).prefetch_related("files")


SECTIONS: tuple[Section, ...] = (
    Section(
        "client",
        "Personal details",
        Client,
        lambda c: Client.objects.filter(pk=c.pk).select_related("therapist"),
    ),
    Section("referrals", "Referrals", Referral, _for_client(Referral, "client", "received_on")),
    Section(
        "allocations",
        "Therapist allocations",
        Allocation,
        _for_client(Allocation, "client", "allocated_at"),
    ),
    Section(
        "needs_told",
        "Communication needs told in the portal",
        NeedsTold,
        _for_client(NeedsTold, "client", "told_at"),
    ),
    Section(
        "courses",
        "Courses of therapy",
        Course,
        _for_client(Course, "referral__client", "start_date"),
        adds=lambda course: {"weekday_in_words": calendar.day_name[course.weekday]},
    ),
    Section(
        "contract_changes",
        "Changes to the number of sessions",
        ContractChange,
        _for_client(ContractChange, "course__referral__client", "changed_at"),
    ),
    Section(
        "appointments",
        "Appointments and attendance",
        Appointment,
        _for_client(Appointment, "course__referral__client", "starts_at"),
    ),
    # group IPT (issue 14): the person's place in a group and which appointments were group
    # sessions; never the other members, who are other people's records.
    Section(
        "group_memberships",
        "Group therapy",
        GroupMembership,
        _for_client(GroupMembership, "course__referral__client", "joined_at"),
    ),
    Section(
        "group_meetings",
        "Group sessions and individual meetings in a group",
        MemberMeeting,
        lambda c: (
            MemberMeeting.objects.filter(membership__course__referral__client=c)
            .select_related("membership__group", "appointment", "group_session")
            .order_by("appointment__starts_at", "pk")
        ),
    ),
    Section(
        "session_requests",
        "Requests to cancel or move a session",
        SessionRequest,
        _for_client(SessionRequest, "appointment__course__referral__client", "made_at"),
    ),
    Section(
        "session_records",
        "Session records",
        SessionRecord,
        _for_client(
            SessionRecord, "appointment__course__referral__client", "appointment__starts_at"
        ),
        adds=_tasks_done,
    ),
    Section(
        "addenda",
        "Additions to signed session records",
        Addendum,
        _for_client(Addendum, "record__appointment__course__referral__client", "created_at"),
    ),
    Section(
        "session_focus_work",
        "Techniques used in sessions",
        SessionFocusWork,
        _for_client(
            SessionFocusWork, "appointment__course__referral__client", "appointment__starts_at"
        ),
    ),
    Section(
        "questionnaires",
        "Questionnaires",
        QuestionnaireResponse,
        _for_client(QuestionnaireResponse, "client", "completed_on"),
        adds=_answers,
    ),
    Section(
        "questionnaire_revisions",
        "Corrections to questionnaires",
        QuestionnaireRevision,
        _for_client(QuestionnaireRevision, "response__client", "changed_at"),
    ),
    Section(
        "questionnaire_drafts",
        "Questionnaires answered in the portal",
        QuestionnaireDraft,
        _for_client(QuestionnaireDraft, "client", "started_at"),
        about="Answers kept as they were given in the portal, before they were sent.",
        adds=_answers,
    ),
    Section(
        "portal_scores",
        "Seeing your scores in the portal",
        PortalScores,
        _for_client(PortalScores, "client"),
    ),
    Section(
        "risk_alerts",
        "Risk alerts and their reviews",
        RiskAlert,
        _for_client(RiskAlert, "client", "raised_at"),
    ),
    Section(
        "inventory",
        "Interpersonal inventory",
        Inventory,
        _for_client(Inventory, "course__referral__client"),
    ),
    Section(
        "relationships",
        "Relationships",
        Relationship,
        _for_client(Relationship, "course__referral__client", "position"),
    ),
    Section(
        "life_events",
        "Life events",
        LifeEvent,
        lambda c: _for_client(LifeEvent, "course__referral__client", "happened_on")(
            c
        ).prefetch_related("people"),
        adds=lambda event: {"people": [person.label for person in event.people.all()]},
    ),
    Section(
        "earlier_episodes",
        "Earlier episodes",
        EarlierEpisode,
        _for_client(EarlierEpisode, "course__referral__client", "began_on"),
    ),
    Section(
        "focus_decisions",
        "Focus of therapy",
        FocusDecision,
        _for_client(FocusDecision, "course__referral__client", "decided_at"),
    ),
    Section(
        "formulations",
        "Formulation",
        Formulation,
        _for_client(Formulation, "course__referral__client"),
    ),
    Section(
        "treatment_agreements",
        "Treatment agreement",
        TreatmentAgreement,
        _for_client(TreatmentAgreement, "course__referral__client"),
    ),
    Section(
        "middle_phase_overrides",
        "Moving to the middle phase early",
        MiddlePhaseOverride,
        _for_client(MiddlePhaseOverride, "course__referral__client"),
    ),
    Section("goals", "Goals", Goal, _for_client(Goal, "course__referral__client", "position")),
    Section(
        "goal_ratings",
        "Goal ratings",
        GoalRating,
        _for_client(GoalRating, "goal__course__referral__client", "appointment__starts_at"),
    ),
    Section(
        "portal_goal_ratings",
        "Goal ratings given in the portal",
        PortalGoalRating,
        _for_client(PortalGoalRating, "goal__course__referral__client", "appointment__starts_at"),
    ),
    Section(
        "portal_shares",
        "Parts of the therapy shared in the portal",
        PortalShare,
        _for_client(PortalShare, "course__referral__client", "shared_at"),
    ),
    Section(
        "portal_suggestions",
        "Suggestions made in the portal",
        Suggestion,
        _for_client(Suggestion, "course__referral__client", "created_at"),
    ),
    Section(
        "ending_records",
        "Ending of therapy",
        EndingRecord,
        _for_client(EndingRecord, "course__referral__client"),
    ),
    Section(
        "eating_log",
        "Eating log",
        EatingLogEntry,
        _for_client(EatingLogEntry, "course__referral__client", "appointment__starts_at"),
    ),
    Section(
        "eating_measures",
        "Questionnaires about eating",
        MeasureResponse,
        _for_client(MeasureResponse, "course__referral__client", "appointment__starts_at"),
    ),
    Section("letters", "Letters sent", IssuedLetter, _letters, adds=_letter_text),
    Section(
        "translation_needs",
        "Translation needs",
        TranslationNeed,
        _for_client(TranslationNeed, "client", "recorded_at"),
    ),
    # Supervision (issue 13): consent to recording, and what was said and heard about the client.
    Section(
        "recording_consents",
        "Consent to recording sessions",
        RecordingConsent,
        _for_client(RecordingConsent, "client", "given_on"),
    ),
    # IPT for adolescents (issue 14): parents and carers, with the consents to involve and contact.
    Section("carers", "Parents and carers", Carer, _for_client(Carer, "client", "recorded_at")),
    Section(
        "supervision_discussions",
        "Discussed in clinical supervision",
        CaseDiscussed,
        _discussions,
        about="The therapist's supervisor discussed the therapy in a supervision meeting.",
        adds=_meeting,
    ),
    Section(
        "recordings_reviewed",
        "Recordings of sessions heard in supervision",
        RecordingReviewed,
        _for_client(RecordingReviewed, "appointment__course__referral__client"),
    ),
    Section(
        "contact_messages",
        "Messages, feedback and complaints sent from the portal",
        ContactMessage,
        _for_client(ContactMessage, "client", "sent_at"),
    ),
    Section(
        "record_questions",
        "Questions about who looked at the record",
        RecordQuestion,
        _for_client(RecordQuestion, "client", "sent_at"),
    ),
)

NOT_COPIED: dict[str, str] = {
    # The model's label is built, not written, so the audit's scan of action names skips it.
    SupervisionAction._meta.label_lower: "A task set for the therapist in a supervision meeting "
    "that may be about several clients; what was discussed about this person is copied.",
    "audit.auditevent": "Copied as its own section: who saw or changed the record.",
    "letters.letterrequest": "The making of a letter; the letter itself is copied with its text.",
    "letters.letterfile": "The files of a letter; their words are copied with the letter.",
    "attention.item": "The team's work queue about the person, not a record about them.",
    "notifications.sentreminder": "A note that a reminder of an appointment was sent, so it is "
    "not sent twice; the appointment itself is copied.",
    "subject_access.subjectaccessrequest": "This request itself: it is not part of the record.",
    "subject_access.thirdparty": "The review of this request, not part of the record.",
    "retention.disposaldecision": "The service's decision about keeping the record, not a record "
    "about the person.",
    "reports.storedoutcome": "Figures worked out again from the referral, sessions and "
    "questionnaires, which are copied, for the service's outcomes report.",
    # Decision for the data protection officer (docs/fidelity.md): adherence ratings are feedback
    # between a therapist and their supervisor on the therapist's work, not information about the
    # person, and are never shown to them.
    "fidelity.adherencechecklist": "Staff feedback on the therapist's work (the items a session's "
    "adherence was rated on), not information about the person.",
    "fidelity.adherencerating": "Staff feedback on the therapist's work (a therapist's or "
    "supervisor's rating of a session's adherence), not information about the person.",
    "service.referraltimes": "Dates worked out again from the referral, sessions and "
    "questionnaires, which are copied, for the service lead's figures.",
}
"""Models linked to a client that are not copied row by row, and why."""

_SKIPPED_FIELDS = {"id", "version", "client", "team", "portal_user"}


def staff_label(user: User | None) -> str | None:
    """A member of staff as the copy names them: their name and the roles they hold."""
    if user is None:
        return None
    roles = [role.label for role in Role if role in user.roles]
    return f"{user.display_name} ({', '.join(roles)})" if roles else user.display_name


def _value(obj: models.Model, model_field: models.Field) -> Any:
    value = getattr(obj, model_field.name)
    if value is None:
        return None
    if model_field.is_relation:
        if isinstance(value, User):
            return staff_label(value)
        return str(value)
    if model_field.choices:
        return getattr(obj, f"get_{model_field.name}_display")()
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def serialise(obj: models.Model) -> Row:
    return {
        f.name: _value(obj, f)
        for f in obj._meta.concrete_fields
        if f.name not in _SKIPPED_FIELDS and not isinstance(f, models.BinaryField)
    }


def labels_of(model: type[models.Model]) -> dict[str, str]:
    """Field name to the words the PDF shows for it."""
    return {
        f.name: str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:]
        for f in model._meta.concrete_fields
    }


def staff_fields(model: type[models.Model]) -> list[str]:
    """The fields that name a member of staff acting in their role: never withheld."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is User and f.name not in _SKIPPED_FIELDS
    ]


def _audit_rows(client: Client) -> list[Row]:
    events = (
        AuditEvent.objects.filter(client=client)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    rows = []
    for event in events:
        actor = event.actor if event.actor_id is not None else None
        rows.append(
            {
                "when": timezone.localtime(event.occurred_at).isoformat(timespec="minutes"),
                "staff": actor.display_name if actor is not None else None,
                "role": ", ".join(r.label for r in Role if actor is not None and r in actor.roles)
                or None,
                "what": what_happened(event),
            }
        )
    return rows


STAFF_FEEDBACK_PAGES = frozenset({"adherence", "adherence_rate"})
"""Pages of feedback between a therapist and their supervisor: the copy says only that the
record was looked at in supervision, as the feedback itself is not copied (docs/fidelity.md)."""


def what_happened(event: AuditEvent) -> str:
    """An audit event in a few words: looked at a page, or a change of a kind of record."""
    page = str(event.detail.get("page", "")) if event.action == "client.view" else ""
    if page in STAFF_FEEDBACK_PAGES or event.action.startswith("adherence."):
        return "Looked at the record (supervision)"
    if event.action == "client.view":
        page = str(event.detail.get("page", "")).replace("_", " ")
        return f"Looked at the record ({page})" if page else "Looked at the record"
    subject, _, verb = event.action.partition(".")
    return f"{verb.replace('_', ' ').capitalize() or 'Changed'}: {subject.replace('_', ' ')}"


AUDIT_KEY, AUDIT_TITLE = "audit", "Who has seen or changed the record"

EARLIER_KEY, EARLIER_TITLE = "earlier_versions", "Earlier versions and corrections"
NAMES_STAFF = "names_staff"
"""Marks a change whose values name staff acting in their role ("signed by"): never withheld."""


def history_path(kept: Kept) -> str:
    """The lookup from a kept record's historical rows to its client (``course__referral__client``).

    It joins the live parents, so a version of a removed record is found while its parent exists.
    """
    parts = []
    while kept.parent is not None:
        parts.append(kept.via.removesuffix("_id"))
        kept = BY_KIND[kept.parent]
    return "__".join(parts) or "id"


def _earlier_versions(client: Client) -> list[Row]:
    """Every version of each record of the client that has more than one, oldest first.

    One query per kind of record that keeps history (the rows with their author and the staff
    their fields name, joined), so the number of queries does not grow with the record.
    """
    rows: list[Row] = []
    for kept in KEPT:
        staff = user_fields(kept)
        found = (
            kept.historical.objects.filter(**{history_path(kept): client.pk})
            .select_related("history_user", *(f.name for f in staff))
            .order_by("id", "history_date", "history_id")
        )
        by_record: dict[int, list[Any]] = {}
        for row in found:
            by_record.setdefault(row.id, []).append(row)
        staff_names = {f.name for f in staff}
        changed = [record_rows for record_rows in by_record.values() if len(record_rows) > 1]
        for ordinal, record_rows in enumerate(changed, start=1):
            users = {
                getattr(row, f.attname): staff_label(getattr(row, f.name))
                for row in record_rows
                for f in staff
                if getattr(row, f.attname) is not None
            }
            first = timezone.localtime(record_rows[0].history_date)
            number = f" {ordinal}" if len(changed) > 1 else ""
            record = f"{capfirst(kept.noun)}{number}, first recorded {first:%-d %b %Y}"
            for number, version in enumerate(
                versions_of(kept, record_rows, users, who=staff_label), start=1
            ):
                rows.append(
                    {
                        "record": record,
                        "kind": kept.kind,
                        "version": number,
                        "when": timezone.localtime(version.when).isoformat(timespec="minutes"),
                        "staff": version.who,
                        "what": version.kind,
                        "why": version.why,
                        "changes": [
                            {
                                "field": change.label,
                                "name": change.name,
                                "before": change.old,
                                "after": change.new,
                                **({NAMES_STAFF: True} if change.name in staff_names else {}),
                            }
                            for change in version.changes
                        ],
                    }
                )
    return rows


@dataclass
class Copy:
    """The whole record of one client as plain data."""

    client_id: int
    made_at: str
    sections: list[Row] = field(default_factory=list)

    def as_json(self) -> Row:
        return {"client_id": self.client_id, "made_at": self.made_at, "sections": self.sections}


def collect(client: Client, progress: Callable[[int, str], None] | None = None) -> Copy:
    """Read every section of ``client``'s record. ``progress`` is told after each section."""
    made = Copy(client_id=client.pk, made_at=timezone.localtime().isoformat(timespec="seconds"))
    total = len(SECTIONS) + 2
    for number, section in enumerate(SECTIONS, start=1):
        rows = []
        for obj in section.rows(client):
            row = serialise(obj)
            if section.adds is not None:
                row.update(section.adds(obj))
            rows.append(row)
        made.sections.append(
            {
                "key": section.key,
                "title": section.title,
                "fields": labels_of(section.model),
                "staff_fields": staff_fields(section.model),
                "records": rows,
            }
        )
        if progress is not None:
            progress(number * 100 // total, section.title)
    made.sections.append(
        {
            "key": EARLIER_KEY,
            "title": EARLIER_TITLE,
            "fields": {
                "record": "Record",
                "version": "Version",
                "when": "When",
                "staff": "Staff",
                "what": "What happened",
                "why": "Why",
                "changes": "Changes",
            },
            "staff_fields": ["staff"],
            "records": _earlier_versions(client),
        }
    )
    if progress is not None:
        progress((total - 1) * 100 // total, EARLIER_TITLE)
    made.sections.append(
        {
            "key": AUDIT_KEY,
            "title": AUDIT_TITLE,
            "fields": {"when": "When", "staff": "Staff", "role": "Role", "what": "What"},
            "staff_fields": ["staff", "role"],
            "records": _audit_rows(client),
        }
    )
    made.sections.insert(len(SECTIONS), _consents(made.sections))
    return made


def _consents(sections: Iterable[Row]) -> Row:
    """Consents, gathered from where they are recorded: treatment, GP, sharing the relapse plan."""
    by_key = {section["key"]: section["records"] for section in sections}
    rows: list[Row] = []
    for agreement in by_key.get("treatment_agreements", []):
        rows.append(
            {
                "consent": "To treatment (the treatment agreement)",
                "given": True,
                "on": agreement.get("agreed_on"),
            }
        )
    for ending in by_key.get("ending_records", []):
        rows.append(
            {
                "consent": "To sharing the end-of-therapy summary with the GP",
                "given": ending.get("gp_consent"),
                "on": None,
            }
        )
        if ending.get("share_plan"):
            who = ending.get("share_with_name") or ""
            rows.append(
                {
                    "consent": f"To sharing the relapse plan with {who}".strip(),
                    "given": True,
                    "on": ending.get("share_consent_on"),
                }
            )
    for carer in by_key.get("carers", []):
        who = f"{carer.get('name') or ''} ({carer.get('relationship') or ''})"
        for name, words in (
            ("involve_consent_on", "To involving {who} in sessions"),
            ("contact_consent_on", "To the team contacting {who}"),
        ):
            rows.append(
                {
                    "consent": words.format(who=who),
                    "given": bool(carer.get(name)),
                    "on": carer.get(name),
                }
            )
    for consent in by_key.get("recording_consents", []):
        rows.append(
            {
                "consent": "To recording sessions for supervision",
                "given": True,
                "on": consent.get("given_on"),
            }
        )
        if consent.get("withdrawn_on"):
            rows.append(
                {
                    "consent": "To recording sessions for supervision (withdrawn)",
                    "given": False,
                    "on": consent.get("withdrawn_on"),
                }
            )
    return {
        "key": "consents",
        "title": "Consents",
        "fields": {"consent": "Consent", "given": "Given", "on": "On"},
        "staff_fields": [],
        "records": rows,
    }
