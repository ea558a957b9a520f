"""The safety net: what needs a person's attention, whose it is, and by when.

The rules read plain facts about a team's open courses, risk alerts, referrals and duty rota at
one instant and return the :class:`Need` items that are due now. The Django side (the
``attention`` app) keeps one work-queue item per need and owner, closes items whose cause has gone
and sends the messages; nothing here touches the database.

Sources (all PRODUCT unless marked):

* ``decisions.md`` §33 (one work queue: one owner, a due time, a recorded resolution), §38
  (escalation: the supervisor and duty clinician at the end of the working day, the service lead
  at 09:00 the next working day, and again each working day until reviewed);
* ``ipt-method.md`` §7 R17 (a missed session is followed up and never silently extends the
  contract) and R18 (repeated non-attendance triggers follow-up; "2 consecutive" is its example);
  R10 (the ending raised by session N−2, FIRM); R12/R13 (a symptom measure and a risk check at
  every session; FIRM in NHS Talking Therapies); R26 (no improvement by mid-treatment prompts a
  review of the plan, CONVENTION);
* ``measures-and-standards.md`` §2: reliable change is PHQ-9 ±6 and GAD-7 ±4 (FIRM); here it is
  applied to the latest score against the first, at any session, as an early warning;
* the NHS Talking Therapies waiting-time standard (first treatment within 6 weeks for 75% of
  referrals) sets the default waiting threshold.

Every threshold lives in :class:`SafetyNetSettings`, which a team can change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from iptclinic.ipt.attendance import Attendance, Attendee, counts_toward_contract
from iptclinic.ipt.instruments import INSTRUMENTS
from iptclinic.ipt.measure_schedule import Frequency, due_at_session
from iptclinic.ipt.phases import ending_must_be_raised_by
from iptclinic.ipt.variants import Variant, variant_config
from iptclinic.ipt.working_days import WorkingWeek


class Owner(StrEnum):
    """Who a need belongs to, as a role in the client's care; resolved to a person by
    :func:`assign_owners`."""

    THERAPIST = "therapist"
    SUPERVISOR = "supervisor"
    DUTY = "duty"
    LEAD = "lead"


class NeedKind(StrEnum):
    RISK_ALERT = "risk_alert"
    MISSED_SESSION = "missed_session"
    REPEATED_NON_ATTENDANCE = "repeated_non_attendance"
    DETERIORATION = "deterioration"
    NO_IMPROVEMENT = "no_improvement"
    RECORD_NOT_WRITTEN = "record_not_written"
    RECORD_NOT_SIGNED = "record_not_signed"
    QUESTIONNAIRE_MISSING = "questionnaire_missing"
    RISK_NOT_ASKED = "risk_not_asked"
    ENDING_NOT_RAISED = "ending_not_raised"
    NO_PLANNED_APPOINTMENT = "no_planned_appointment"
    REFERRAL_WAITING = "referral_waiting"
    DUTY_ROTA_GAP = "duty_rota_gap"
    # Raised by an event rather than by these rules (the notifications and jobs apps).
    MESSAGE_FAILED = "message_failed"
    JOB_FAILED = "job_failed"
    UNUSUAL_ACCESS = "unusual_access"  # the audit's unusual-access check (ipt/unusual_access.py)
    # A person asked for their whole record: open until the copy is released (subject_access).
    SUBJECT_ACCESS = "subject_access"
    # Raised by the daily retention check (the retention app).
    RETENTION_DUE = "retention_due"
    # Raised by the service user from the portal: each waits for a person on the team.
    SESSION_REQUEST = "session_request"  # "I can't come" or "Can we move it?"
    CONTACT_MESSAGE = "contact_message"  # a non-urgent message to the team
    FEEDBACK = "feedback"
    COMPLAINT = "complaint"  # a complaint or a wish to reach the patient advice route
    PORTAL_SUGGESTION = "portal_suggestion"  # "Add someone", "This isn't right"
    NEEDS_TO_CONFIRM = "needs_to_confirm"  # communication needs or language told by the person
    RECORD_QUESTION = "record_question"  # a question about an entry of "who has looked"
    # Set by a supervisor in a supervision meeting for the therapist (the supervision app).
    SUPERVISION_ACTION = "supervision_action"


PORTAL_KINDS = frozenset(
    {
        NeedKind.SESSION_REQUEST,
        NeedKind.CONTACT_MESSAGE,
        NeedKind.FEEDBACK,
        NeedKind.COMPLAINT,
        NeedKind.PORTAL_SUGGESTION,
        NeedKind.NEEDS_TO_CONFIRM,
        NeedKind.RECORD_QUESTION,
    }
)
"""Raised when a service user asks for something in the portal; closed by the person who acts."""

RULE_KINDS = frozenset(NeedKind) - {
    NeedKind.MESSAGE_FAILED,
    NeedKind.JOB_FAILED,
    NeedKind.UNUSUAL_ACCESS,
    NeedKind.SUBJECT_ACCESS,
    NeedKind.RETENTION_DUE,
    NeedKind.SUPERVISION_ACTION,
    *PORTAL_KINDS,
}

KIND_LABELS: Mapping[NeedKind, str] = MappingProxyType(
    {
        NeedKind.RISK_ALERT: "Risk alert not reviewed",
        NeedKind.MISSED_SESSION: "Missed session",
        NeedKind.REPEATED_NON_ATTENDANCE: "Repeated missed sessions",
        NeedKind.DETERIORATION: "Scores reliably worse",
        NeedKind.NO_IMPROVEMENT: "No reliable improvement by the middle",
        NeedKind.RECORD_NOT_WRITTEN: "Session record not written",
        NeedKind.RECORD_NOT_SIGNED: "Session record not signed",
        NeedKind.QUESTIONNAIRE_MISSING: "Questionnaire not recorded",
        NeedKind.RISK_NOT_ASKED: "Risk not recorded",
        NeedKind.ENDING_NOT_RAISED: "Ending not raised",
        NeedKind.NO_PLANNED_APPOINTMENT: "No appointment booked",
        NeedKind.REFERRAL_WAITING: "Waiting for a first session",
        NeedKind.DUTY_ROTA_GAP: "Nobody on duty",
        NeedKind.MESSAGE_FAILED: "A message was not delivered",
        NeedKind.JOB_FAILED: "Background work failed",
        NeedKind.UNUSUAL_ACCESS: "Unusual access to records",
        NeedKind.SUBJECT_ACCESS: "A copy of a whole record is due",
        NeedKind.RETENTION_DUE: "Records due for a retention review",
        NeedKind.SESSION_REQUEST: "A client asked to cancel or move a session",
        NeedKind.CONTACT_MESSAGE: "A message from a client",
        NeedKind.FEEDBACK: "Feedback from a client",
        NeedKind.COMPLAINT: "A complaint or a request for the patient advice service",
        NeedKind.PORTAL_SUGGESTION: "A client suggested a change to their therapy record",
        NeedKind.NEEDS_TO_CONFIRM: "A client told us their communication needs",
        NeedKind.RECORD_QUESTION: "A client asked who looked at their record",
        NeedKind.SUPERVISION_ACTION: "An action from supervision",
    }
)

GONE: Mapping[NeedKind, str] = MappingProxyType(
    {
        NeedKind.RISK_ALERT: "The alert was reviewed, or the client's care moved.",
        NeedKind.MISSED_SESSION: "The course has ended.",
        NeedKind.REPEATED_NON_ATTENDANCE: "The course has ended.",
        NeedKind.DETERIORATION: "The scores no longer show a reliable rise, or the course ended.",
        NeedKind.NO_IMPROVEMENT: "The scores now show a reliable improvement, or the course ended.",
        NeedKind.RECORD_NOT_WRITTEN: "The record was written, or the course ended.",
        NeedKind.RECORD_NOT_SIGNED: "The record was signed, or the course ended.",
        NeedKind.QUESTIONNAIRE_MISSING: "The questionnaires were recorded, or the course ended.",
        NeedKind.RISK_NOT_ASKED: "The risk answers were recorded, or the course ended.",
        NeedKind.ENDING_NOT_RAISED: "The ending was raised, or the course ended.",
        NeedKind.NO_PLANNED_APPOINTMENT: "An appointment was booked, or the course ended.",
        NeedKind.REFERRAL_WAITING: "The first session took place, or the referral closed.",
        NeedKind.DUTY_ROTA_GAP: "Someone is now on duty that day.",
        NeedKind.MESSAGE_FAILED: "The message was sent.",
        NeedKind.JOB_FAILED: "The work was done.",
        NeedKind.UNUSUAL_ACCESS: "The access was checked.",
        NeedKind.SUBJECT_ACCESS: "The copy was released.",
        NeedKind.RETENTION_DUE: "The records were reviewed.",
        NeedKind.SESSION_REQUEST: "The request was answered.",
        NeedKind.CONTACT_MESSAGE: "The message was answered.",
        NeedKind.FEEDBACK: "The feedback was read.",
        NeedKind.COMPLAINT: "The complaint was taken up.",
        NeedKind.PORTAL_SUGGESTION: "The suggestion was accepted or discussed.",
        NeedKind.NEEDS_TO_CONFIRM: "The needs were confirmed.",
        NeedKind.RECORD_QUESTION: "The question was answered.",
        NeedKind.SUPERVISION_ACTION: "The action was done.",
    }
)
"""What closed an item by itself: its cause is no longer there."""


def _default_reliable_rise() -> Mapping[str, int]:
    return MappingProxyType(
        {
            code: form.reliable_change
            for code, form in INSTRUMENTS.items()
            if form.reliable_change is not None and form.caseness_threshold is not None
        }
    )


@dataclass(frozen=True)
class SafetyNetSettings:
    """A team's thresholds. Counts of days are working days."""

    contact_after_missed_within_days: int = 2
    missed_in_a_row_for_supervisor: int = 2
    missed_in_course_for_supervisor: int = 3
    record_written_within_days: int = 2
    record_signed_within_days: int = 5
    questionnaires_within_days: int = 1
    waiting_weeks_for_first_session: int = 6
    duty_rota_look_ahead_days: int = 14
    look_back_days: int = 28
    reliable_rise: Mapping[str, int] = field(default_factory=_default_reliable_rise)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "reliable_rise":
                for code, points in value.items():
                    if code not in INSTRUMENTS:
                        raise ValueError(f"Unknown questionnaire {code!r} in the safety net.")
                    if not 1 <= points <= INSTRUMENTS[code].max_total:
                        raise ValueError(f"A rise of {points} is not possible on {code}.")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{f.name.replace('_', ' ')} must be a whole number from 1.")
        if self.missed_in_course_for_supervisor < self.missed_in_a_row_for_supervisor:
            raise ValueError("Missed sessions in a course cannot be fewer than those in a row.")

    def to_json(self) -> dict[str, Any]:
        stored: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        stored["reliable_rise"] = dict(self.reliable_rise)
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> SafetyNetSettings:
        """Settings read back from storage; unknown names are ignored, missing ones defaulted."""
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in stored.items() if name in known}
        if "reliable_rise" in values:
            values["reliable_rise"] = MappingProxyType(dict(values["reliable_rise"]))
        return replace(cls(), **values)


# --- Facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """One appointment of a course as the rules see it."""

    appointment_id: int
    starts_at: datetime
    status: Attendance
    record_written: bool = False
    record_signed: bool = False
    questionnaires: frozenset[str] = frozenset()
    risk_asked: bool = False
    """PHQ-9 item 9 answered in this session, or the risk check's question about suicidal
    thoughts answered in its record (R12, R13)."""
    attendee: Attendee = Attendee.CLIENT
    risk_check_complete: bool = False
    """Every question of the record's risk check answered and a level chosen."""


@dataclass(frozen=True)
class Score:
    """A usable questionnaire total of the course's referral (decisions §14–15)."""

    response_id: int
    instrument: str
    completed_on: date
    total: int


@dataclass(frozen=True)
class CourseFacts:
    course_id: int
    client_id: int
    contracted: int
    variant: Variant
    ending_raised: bool
    sessions: tuple[Session, ...]
    """Every appointment of the course in date order."""
    scores: tuple[Score, ...] = ()
    """The referral's usable scores in completion order."""
    schedule: Mapping[str, Frequency] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertFacts:
    alert_id: int
    client_id: int
    raised_at: datetime
    escalate_at: datetime


@dataclass(frozen=True)
class ReferralFacts:
    referral_id: int
    client_id: int
    received_on: date
    allocated: bool
    first_session_held: bool


@dataclass(frozen=True)
class Need:
    """Something a person must act on: one item in the owner's "Needs attention".

    ``key`` names the cause, so the same cause found again is the same need. ``recurs`` says
    whether an item closed by its owner comes back the next working morning while its cause is
    still there (a state such as "not signed"); an event (a missed session) is acted on once.
    """

    kind: NeedKind
    key: str
    owner: Owner
    title: str
    since: datetime
    due: datetime
    client_id: int | None = None
    subject: tuple[str, int] | None = None
    urgent: bool = False
    recurs: bool = True


# --- Rules ---------------------------------------------------------------------------------------


def _day(moment: datetime, week: WorkingWeek) -> str:
    return f"{moment.astimezone(week.zone):%a %-d %b}"


def _numbered(sessions: Sequence[Session]) -> Iterator[tuple[int, Session]]:
    number = 0
    for session in sessions:
        if session.status is Attendance.ATTENDED and counts_toward_contract(session.attendee):
            number += 1
            yield number, session


def _next_planned(course: CourseFacts, now: datetime) -> datetime | None:
    return next(
        (
            s.starts_at
            for s in course.sessions
            if s.status is Attendance.PLANNED and s.starts_at > now
        ),
        None,
    )


def _due_by_next_session(
    course: CourseFacts, since: datetime, now: datetime, days: int, week: WorkingWeek
) -> datetime:
    """Before the next planned session, but never later than ``days`` working days on."""
    latest = week.within_working_days(max(since, now), days)
    upcoming = _next_planned(course, now)
    return min(upcoming, latest) if upcoming else latest


def _therapist_need(
    course: CourseFacts,
    kind: NeedKind,
    key: str,
    title: str,
    since: datetime,
    due: datetime,
    *,
    appointment_id: int | None = None,
    recurs: bool = True,
) -> Need:
    """A need of one course for its therapist, about the course or one of its appointments."""
    return Need(
        kind=kind,
        key=key,
        owner=Owner.THERAPIST,
        title=title,
        since=since,
        due=due,
        client_id=course.client_id,
        subject=("appointment", appointment_id) if appointment_id else ("course", course.course_id),
        recurs=recurs,
    )


MISSED_BY_CLIENT = frozenset({Attendance.DID_NOT_ATTEND, Attendance.CANCELLED_BY_CLIENT})


def missed_session_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """R17, R18. A did-not-attend: the therapist contacts the client within 2 working days.
    Two missed in a row, or three in the course (did not attend or cancelled by the client):
    the supervisor is told, at each further miss too. Missed sessions never add sessions to the
    contract by themselves: the item says so, and rebooking or renegotiating is the therapist's
    recorded choice."""
    needs = []
    in_a_row = in_course = 0
    horizon = now - timedelta(days=settings.look_back_days)
    for session in course.sessions:
        if session.starts_at > now or session.status in (
            Attendance.PLANNED,
            Attendance.CANCELLED_BY_SERVICE,
        ):
            continue
        if session.status is Attendance.ATTENDED:
            in_a_row = 0
            continue
        in_a_row += 1
        in_course += 1
        if session.starts_at < horizon:
            continue
        when = _day(session.starts_at, week)
        if session.status is Attendance.DID_NOT_ATTEND:
            needs.append(
                _therapist_need(
                    course,
                    NeedKind.MISSED_SESSION,
                    f"missed:{session.appointment_id}",
                    f"Did not attend on {when}: contact the client, and rebook within "
                    "the contract or renegotiate it",
                    session.starts_at,
                    week.within_working_days(
                        session.starts_at, settings.contact_after_missed_within_days
                    ),
                    appointment_id=session.appointment_id,
                    recurs=False,
                )
            )
        if (
            in_a_row >= settings.missed_in_a_row_for_supervisor
            or in_course >= settings.missed_in_course_for_supervisor
        ):
            needs.append(
                Need(
                    kind=NeedKind.REPEATED_NON_ATTENDANCE,
                    key=f"non_attendance:{session.appointment_id}",
                    owner=Owner.SUPERVISOR,
                    title=f"Sessions missed: {in_a_row} in a row and {in_course} in this course "
                    f"(the latest on {when}): discuss the plan with the therapist",
                    since=session.starts_at,
                    due=week.within_working_days(
                        session.starts_at, settings.contact_after_missed_within_days
                    ),
                    client_id=course.client_id,
                    subject=("course", course.course_id),
                    recurs=False,
                )
            )
    return needs


def _midnight(day: date, week: WorkingWeek) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=week.zone)


def _series(course: CourseFacts, code: str) -> list[Score]:
    return [s for s in course.scores if s.instrument == code]


def deterioration_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """A reliable rise of the latest score over the first (PHQ-9 +6, GAD-7 +4), at any session.

    One need per rising score, so a rise that persists at the next score comes back.
    """
    needs = []
    for code, rise in settings.reliable_rise.items():
        series = _series(course, code)
        if len(series) < 2:
            continue
        first, latest = series[0], series[-1]
        if latest.total - first.total < rise:
            continue
        since = _midnight(latest.completed_on, week)
        name = INSTRUMENTS[code].short_name
        needs.append(
            _therapist_need(
                course,
                NeedKind.DETERIORATION,
                f"deterioration:{course.course_id}:{latest.response_id}",
                f"{name} has risen from {first.total} to {latest.total}, a reliable "
                "deterioration: review risk and the plan",
                since,
                _due_by_next_session(course, since, now, 2, week),
                recurs=False,
            )
        )
    return needs


def no_improvement_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """By the middle session of the contract (ceil(N/2)) no measure that started at caseness has
    improved reliably: prompt a review of the focus and the plan (R26 generalised, PRODUCT)."""
    attended = list(_numbered(course.sessions))
    middle = (course.contracted + 1) // 2  # the "middle" of measure_schedule.milestone_sessions
    if len(attended) < middle:
        return []
    measured = []
    for code, change in settings.reliable_rise.items():
        form = INSTRUMENTS[code]
        series = _series(course, code)
        if len(series) < 2 or not form.is_case(series[0].total):
            continue
        measured.append(series[0].total - series[-1].total >= change)
    if not measured or any(measured):
        return []
    # A session can be marked attended shortly before it starts: never "since" a future time.
    since = min(attended[middle - 1][1].starts_at, now)
    return [
        _therapist_need(
            course,
            NeedKind.NO_IMPROVEMENT,
            f"no_improvement:{course.course_id}",
            f"No reliable improvement by session {middle} of {course.contracted}: review "
            "the focus and the plan, and discuss it in supervision",
            since,
            _due_by_next_session(course, since, now, 5, week),
            recurs=False,
        )
    ]


def record_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """A record not written 2 working days after the session, or not signed after 5.

    The item appears once the time has passed and shows that time as its due time.
    """
    needs = []
    for number, session in _numbered(course.sessions):
        if session.record_signed:
            continue
        kind, days, words, key = (
            (
                NeedKind.RECORD_NOT_SIGNED,
                settings.record_signed_within_days,
                "sign",
                "record_unsigned",
            )
            if session.record_written
            else (
                NeedKind.RECORD_NOT_WRITTEN,
                settings.record_written_within_days,
                "write",
                "record_unwritten",
            )
        )
        deadline = week.within_working_days(session.starts_at, days)
        if now < deadline:
            continue
        needs.append(
            _therapist_need(
                course,
                kind,
                f"{key}:{session.appointment_id}",
                f"{words.capitalize()} the record of session {number} "
                f"({_day(session.starts_at, week)})",
                session.starts_at,
                deadline,
                appointment_id=session.appointment_id,
            )
        )
    return needs


def session_measure_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """After the session's working day: questionnaires due by the team's schedule but not
    recorded (decisions §12), and the risk question not answered at all (R12, R13: asked at
    every attended session, whatever the questionnaire schedule).

    A variant can ask for more at every session with the client (IPT for adolescents: a mood
    measure and a completed risk check every week, ipt-method.md §1 I-3 [S11]): its
    ``weekly_measures`` are wanted whatever the schedule, and with ``weekly_risk_check_required``
    the record's whole risk check must be completed, not only the question about suicidal
    thoughts. A parent or carer session without the client has no session number and needs
    neither."""
    config = variant_config(course.variant)
    needs = []
    horizon = now - timedelta(days=settings.look_back_days)
    for number, session in _numbered(course.sessions):
        if session.starts_at < horizon:
            continue
        day_over = week.end_of_day(week.local_date(session.starts_at))
        if now < day_over:
            continue
        due = week.within_working_days(session.starts_at, settings.questionnaires_within_days)
        when = _day(session.starts_at, week)
        wanted = list(due_at_session(number, max(course.contracted, number), course.schedule))
        wanted += [code for code in config.weekly_measures if code not in wanted]
        missing = [
            INSTRUMENTS[code].short_name for code in wanted if code not in session.questionnaires
        ]
        if missing:
            needs.append(
                _therapist_need(
                    course,
                    NeedKind.QUESTIONNAIRE_MISSING,
                    f"questionnaires:{session.appointment_id}",
                    f"Record the {' and '.join(missing)} of session {number} ({when})",
                    day_over,
                    due,
                    appointment_id=session.appointment_id,
                )
            )
        if config.weekly_risk_check_required and not session.risk_check_complete:
            needs.append(
                _therapist_need(
                    course,
                    NeedKind.RISK_NOT_ASKED,
                    f"risk_unasked:{session.appointment_id}",
                    f"Complete the risk check of session {number} ({when}): it is needed "
                    "every week in this course",
                    day_over,
                    due,
                    appointment_id=session.appointment_id,
                )
            )
        elif not session.risk_asked:
            needs.append(
                _therapist_need(
                    course,
                    NeedKind.RISK_NOT_ASKED,
                    f"risk_unasked:{session.appointment_id}",
                    f"Record the risk answers of session {number} ({when}): the PHQ-9 "
                    "risk question or the risk check",
                    day_over,
                    due,
                    appointment_id=session.appointment_id,
                )
            )
    return needs


def ending_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """R10 (FIRM): the ending is raised by session N−2; a warning once that session is held."""
    if course.ending_raised:
        return []
    attended = list(_numbered(course.sessions))
    deadline = ending_must_be_raised_by(course.contracted, course.variant)
    if len(attended) < deadline:
        return []
    since = min(attended[deadline - 1][1].starts_at, now)
    left = course.contracted - len(attended)
    return [
        _therapist_need(
            course,
            NeedKind.ENDING_NOT_RAISED,
            f"ending:{course.course_id}",
            f"Raise the ending: {left} session{'s' if left != 1 else ''} left and the "
            "ending not yet discussed",
            since,
            _due_by_next_session(course, since, now, 2, week),
        )
    ]


def no_appointment_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """An open course with contracted sessions still to hold and none booked."""
    attended = sum(1 for _ in _numbered(course.sessions))
    if attended >= course.contracted or _next_planned(course, now) is not None:
        return []
    past = [s.starts_at for s in course.sessions if s.starts_at <= now]
    since = max(past) if past else now
    return [
        _therapist_need(
            course,
            NeedKind.NO_PLANNED_APPOINTMENT,
            f"no_appointment:{course.course_id}",
            f"No appointment booked and {course.contracted - attended} contracted "
            "sessions to go: book one, or end the course",
            since,
            week.within_working_days(max(since, now), 2),
        )
    ]


COURSE_RULES = (
    missed_session_needs,
    deterioration_needs,
    no_improvement_needs,
    record_needs,
    session_measure_needs,
    ending_needs,
    no_appointment_needs,
)


def course_needs(
    course: CourseFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """Every need of one open course at ``now``."""
    return [need for rule in COURSE_RULES for need in rule(course, now, settings, week)]


def alert_key(alert_id: int) -> str:
    """The cause of every item about one risk alert: reviewing the alert closes them all."""
    return f"alert:{alert_id}"


def alert_needs(alert: AlertFacts, now: datetime, week: WorkingWeek) -> list[Need]:
    """decisions §18, §38: an open alert is the therapist's at once; at ``escalate_at`` (the end
    of the working day it was raised, or at once after it) the supervisor's and the duty
    clinician's too; the service lead's from the next working morning. Each stays until the
    alert is reviewed; messages repeat every working morning (:func:`reminder_due`)."""
    to_lead = week.next_morning(alert.escalate_at)
    ladder = [
        (Owner.THERAPIST, alert.raised_at, alert.escalate_at),
        (Owner.SUPERVISOR, alert.escalate_at, to_lead),
        (Owner.DUTY, alert.escalate_at, to_lead),
        (Owner.LEAD, to_lead, week.end_of_this_working_day(to_lead)),
    ]
    return [
        Need(
            kind=NeedKind.RISK_ALERT,
            key=alert_key(alert.alert_id),
            owner=owner,
            title="Review the risk alert raised "
            f"{alert.raised_at.astimezone(week.zone):%a %-d %b at %H:%M}"
            + ("" if owner is Owner.THERAPIST else ": it has not been reviewed in time"),
            since=since,
            due=due,
            client_id=alert.client_id,
            subject=("alert", alert.alert_id),
            urgent=True,
        )
        for owner, since, due in ladder
        if since <= now
    ]


def waiting_needs(
    referral: ReferralFacts, now: datetime, settings: SafetyNetSettings, week: WorkingWeek
) -> list[Need]:
    """A referral with no session held 6 weeks (configurable) after it was received: the
    allocated therapist books one; an unallocated referral is the service lead's to allocate."""
    if referral.first_session_held:
        return []
    breach = referral.received_on + timedelta(weeks=settings.waiting_weeks_for_first_session)
    since = _midnight(breach, week)
    if now < since:
        return []
    weeks = (week.local_date(now) - referral.received_on).days // 7
    return [
        Need(
            kind=NeedKind.REFERRAL_WAITING,
            key=f"waiting:{referral.referral_id}",
            owner=Owner.THERAPIST if referral.allocated else Owner.LEAD,
            title=f"Waiting {weeks} weeks since referral for a first session: "
            + ("book it" if referral.allocated else "allocate a therapist"),
            since=since,
            due=week.within_working_days(now, 2),
            client_id=referral.client_id,
            subject=("referral", referral.referral_id),
        )
    ]


def duty_gap_needs(
    team_id: int,
    on_duty: Mapping[date, bool],
    now: datetime,
    settings: SafetyNetSettings,
    week: WorkingWeek,
) -> list[Need]:
    """Working days in the coming fortnight with nobody on duty: the lead fills the rota, because
    an unreviewed alert would otherwise escalate to nobody (it falls to the lead meanwhile).
    ``on_duty`` maps each working day of the look-ahead to whether someone is on duty."""
    today = week.local_date(now)
    needs = []
    for day in sorted(on_duty):
        if on_duty[day] or not week.is_working_day(day) or day < today:
            continue
        if (day - today).days > settings.duty_rota_look_ahead_days:
            continue
        due = week.end_of_day(day) if day == today else week.end_of_day(_previous(day, week))
        needs.append(
            Need(
                kind=NeedKind.DUTY_ROTA_GAP,
                key=f"duty_gap:{team_id}:{day.isoformat()}",
                owner=Owner.LEAD,
                title=f"Nobody is on duty on {day:%a %-d %b}: choose a duty clinician",
                since=_midnight(day - timedelta(days=settings.duty_rota_look_ahead_days), week),
                due=due,
                subject=("team", team_id),
                urgent=day == today,
            )
        )
    return needs


def _previous(day: date, week: WorkingWeek) -> date:
    for back in range(1, 60):
        earlier = day - timedelta(days=back)
        if week.is_working_day(earlier):
            return earlier
    return day


def look_ahead_days(now: datetime, settings: SafetyNetSettings, week: WorkingWeek) -> list[date]:
    """The working days :func:`duty_gap_needs` looks at, today first."""
    today = week.local_date(now)
    days = [today + timedelta(days=n) for n in range(settings.duty_rota_look_ahead_days + 1)]
    return [day for day in days if week.is_working_day(day)]


# --- Owners --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CareTeam:
    """The people around one client (or, for team-wide needs, the team): user ids or None."""

    therapist: int | None = None
    supervisor: int | None = None
    duty: int | None = None
    lead: int | None = None

    def person(self, role: Owner) -> int | None:
        return {
            Owner.THERAPIST: self.therapist,
            Owner.SUPERVISOR: self.supervisor,
            Owner.DUTY: self.duty,
            Owner.LEAD: self.lead,
        }[role]


FALLBACKS: Mapping[Owner, tuple[Owner, ...]] = MappingProxyType(
    {
        Owner.THERAPIST: (Owner.THERAPIST, Owner.SUPERVISOR, Owner.LEAD, Owner.DUTY),
        Owner.SUPERVISOR: (Owner.SUPERVISOR, Owner.LEAD, Owner.DUTY, Owner.THERAPIST),
        Owner.DUTY: (Owner.DUTY, Owner.LEAD, Owner.SUPERVISOR, Owner.THERAPIST),
        Owner.LEAD: (Owner.LEAD, Owner.SUPERVISOR, Owner.DUTY, Owner.THERAPIST),
    }
)
"""Who takes a need when its role is empty. Nobody is ever skipped silently: a need whose whole
chain is empty stays unassigned and the caller must treat that as an error."""


def assign_owners(needs: Iterable[Need], care: CareTeam) -> list[tuple[Need, int | None]]:
    """Each need with the person who owns it, walking :data:`FALLBACKS` when a role is empty.

    The needs of one cause (one ``key``) go to different people: an escalation that lands on
    someone who already holds that cause moves on down the chain, so the duty clinician's copy of
    an alert never goes back to the therapist who already has it. A need that finds nobody new is
    dropped only because its cause is already held by someone; one that finds nobody at all gets
    None.
    """
    taken: dict[str, set[int]] = {}
    result: list[tuple[Need, int | None]] = []
    for need in needs:
        holders = taken.setdefault(need.key, set())
        candidates = [care.person(role) for role in FALLBACKS[need.owner]]
        available = [person for person in candidates if person is not None]
        owner = next((person for person in available if person not in holders), None)
        if owner is None and available:
            continue
        if owner is not None:
            holders.add(owner)
        result.append((need, owner))
    return result


def reminder_due(last_told: datetime | None, now: datetime, week: WorkingWeek) -> bool:
    """An urgent item is told again each working morning until it is closed (decisions §38)."""
    return last_told is None or week.mornings_between(last_told, now) > 0
