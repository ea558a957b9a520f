"""The facts the safety-net rules read, gathered for a whole team in a fixed number of queries.

Only open courses, open alerts, referrals past the waiting threshold and the duty rota are read:
the work grows with the service's current activity, not with its history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from iptclinic.accounts.models import Role, Team, User, with_role
from iptclinic.clients.models import Client, Referral
from iptclinic.courses.models import HELD_CONTRACT_SESSION, RISK_QUESTIONS, Appointment, Course
from iptclinic.courses.selectors import OPEN_STATES
from iptclinic.ipt.attendance import Attendance, Attendee
from iptclinic.ipt.instruments import PHQ9
from iptclinic.ipt.safety_net import (
    AlertFacts,
    CareTeam,
    CourseFacts,
    ReferralFacts,
    SafetyNetSettings,
    Score,
    Session,
    look_ahead_days,
)
from iptclinic.ipt.working_days import WorkingWeek
from iptclinic.measures.duty import on_duty_by_day
from iptclinic.measures.models import QuestionnaireResponse, RiskAlert


@dataclass(frozen=True)
class TeamFacts:
    team: Team
    now: datetime
    settings: SafetyNetSettings
    week: WorkingWeek
    courses: list[CourseFacts]
    alerts: list[AlertFacts]
    referrals: list[ReferralFacts]
    on_duty: dict[date, bool]
    care: dict[int, CareTeam]
    """Client id to the people around them; key 0 is the team (no client)."""


def lead_of(team: Team) -> User | None:
    """The service lead who owns the team's items: the longest-serving active one."""
    return (
        User.objects.filter(team=team, is_service_lead=True, is_active=True)
        .order_by("date_joined", "id")
        .first()
    )


def care_team(client: Client, duty: User | None, lead: User | None) -> CareTeam:
    """The people around one client; the client's ``therapist__supervisor`` must be loaded."""
    therapist = client.therapist if client.therapist and client.therapist.is_active else None
    supervisor = therapist.supervisor if therapist else None
    return CareTeam(
        therapist=therapist.pk if therapist else None,
        supervisor=supervisor.pk if supervisor and supervisor.is_active else None,
        duty=duty.pk if duty else None,
        lead=lead.pk if lead else None,
    )


def team_care(team: Team, duty: User | None, lead: User | None) -> CareTeam:
    """For needs of the whole team (the duty rota): the lead, or failing one, a supervisor or a
    therapist of the team, so that a team without a lead still hears of a gap."""
    clinicians = list(
        User.objects.filter(with_role(Role.SUPERVISOR, Role.THERAPIST), team=team, is_active=True)
        .order_by("date_joined", "id")
        .only("pk", "is_therapist", "is_supervisor")
    )
    therapist = next((user.pk for user in clinicians if user.is_therapist), None)
    supervisor = next((user.pk for user in clinicians if user.is_supervisor), None)
    return CareTeam(
        therapist=therapist,
        supervisor=supervisor,
        duty=duty.pk if duty else None,
        lead=lead.pk if lead else None,
    )


def _sessions(course: Course, asked: dict[int, set[str]], item9: set[int]) -> tuple[Session, ...]:
    sessions = []
    for appointment in sorted(course.appointments.all(), key=lambda a: (a.starts_at, a.pk)):
        record = getattr(appointment, "record", None)
        sessions.append(
            Session(
                appointment_id=appointment.pk,
                starts_at=appointment.starts_at,
                status=Attendance(appointment.status),
                record_written=record is not None,
                record_signed=record is not None and record.signed_at is not None,
                questionnaires=frozenset(asked.get(appointment.pk, ())),
                risk_asked=appointment.pk in item9
                or (record is not None and bool(record.suicidal_thoughts)),
                attendee=Attendee(appointment.attendee),
                risk_check_complete=record is not None and record.risk_check_complete,
            )
        )
    return tuple(sessions)


def team_facts(team: Team, now: datetime | None = None) -> TeamFacts:
    now = now or timezone.now()
    settings = team.safety_net_settings
    week = team.working_week()
    today = week.local_date(now)
    lead = lead_of(team)
    days = look_ahead_days(now, settings, week)
    rota = on_duty_by_day(team, days)
    duty = rota.get(today)

    appointments = Appointment.objects.select_related("record").only(
        "id",
        "course_id",
        "starts_at",
        "status",
        "attendee",
        "record__id",
        "record__signed_at",
        "record__risk_level",
        *(f"record__{name}" for name, _ in RISK_QUESTIONS),
    )
    courses = list(
        Course.objects.filter(referral__client__team=team, state__in=OPEN_STATES)
        .select_related("referral__client__therapist__supervisor", "ending_record")
        .prefetch_related(Prefetch("appointments", queryset=appointments))
    )
    asked: dict[int, set[str]] = defaultdict(set)
    item9: set[int] = set()
    for appointment_id, code, answers in QuestionnaireResponse.objects.filter(
        appointment__course__in=[c.pk for c in courses]
    ).values_list("appointment_id", "instrument", "answers"):
        asked[appointment_id].add(code)
        if code == PHQ9.code and (answers or {}).get(str(PHQ9.risk_item)) is not None:
            item9.add(appointment_id)
    scores: dict[int, list[Score]] = defaultdict(list)
    for referral_id, response_id, code, completed_on, total in (
        QuestionnaireResponse.objects.filter(
            referral_id__in={c.referral_id for c in courses}, total__isnull=False
        )
        .order_by("completed_on", "recorded_at", "id")
        .values_list("referral_id", "id", "instrument", "completed_on", "total")
    ):
        scores[referral_id].append(Score(response_id, code, completed_on, total))

    care: dict[int, CareTeam] = {
        0: CareTeam(duty=duty.pk if duty else None, lead=lead.pk if lead else None)
    }
    course_facts = []
    for course in courses:
        client = course.referral.client
        care[client.pk] = care_team(client, duty, lead)
        ending = getattr(course, "ending_record", None)
        course_facts.append(
            CourseFacts(
                course_id=course.pk,
                client_id=client.pk,
                contracted=course.contracted_sessions,
                variant=course.variant_enum,
                ending_raised=course.ending_raised_on is not None or ending is not None,
                sessions=_sessions(course, asked, item9),
                scores=tuple(scores[course.referral_id]),
                schedule=team.schedule,
            )
        )

    alerts = list(
        RiskAlert.objects.open()
        .filter(client__team=team)
        .select_related("client__therapist__supervisor")
    )
    for alert in alerts:
        care.setdefault(alert.client_id, care_team(alert.client, duty, lead))

    attended = Appointment.objects.filter(HELD_CONTRACT_SESSION, course__referral=OuterRef("pk"))
    waiting = list(
        Referral.objects.filter(
            client__team=team,
            closed_on__isnull=True,
            received_on__lte=today - timedelta(weeks=settings.waiting_weeks_for_first_session),
        )
        .annotate(held=Exists(attended))
        .filter(held=False)
        .select_related("client__therapist__supervisor")
    )
    for referral in waiting:
        care.setdefault(referral.client_id, care_team(referral.client, duty, lead))

    return TeamFacts(
        team=team,
        now=now,
        settings=settings,
        week=week,
        courses=course_facts,
        alerts=[AlertFacts(a.pk, a.client_id, a.raised_at, a.escalate_at) for a in alerts],
        referrals=[
            ReferralFacts(
                referral_id=r.pk,
                client_id=r.client_id,
                received_on=r.received_on,
                allocated=r.client.therapist_id is not None,
                first_session_held=False,
            )
            for r in waiting
        ],
        on_duty={day: person is not None for day, person in rota.items()},
        care=care,
    )
