"""Load invented demo data: two teams, staff in every role, and clients at every phase of IPT.

Idempotent: if the demo team already exists nothing is added, and the logins are printed again.
Every person here is invented; NHS numbers come from the 999 range that is never issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iptclinic.accounts.mfa import totp_secret
from iptclinic.accounts.models import Role, Team, User
from iptclinic.clients import services as client_services
from iptclinic.clients.carers import save_carer
from iptclinic.clients.models import Client, PresentingProblem
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Course, RiskLevel
from iptclinic.courses.requests import set_appointment_place
from iptclinic.endings import services as ending_services
from iptclinic.inventory.demo import add_demo_initial_phase
from iptclinic.inventory.sharing import set_shared
from iptclinic.ipt.attendance import Attendance, Attendee
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.ipt.my_therapy import SharedItem
from iptclinic.ipt.nhs_number import check_digit
from iptclinic.ipt.variants import Variant
from iptclinic.lib.demo import DemoCommand

DEMO_PASSWORD = "ipt-demo-2026"  # noqa: S105 - invented demo accounts, printed on purpose
DEMO_TEAM = "Riverside IPT Service"
OTHER_TEAM = "Hillside IPT Service"

LOGINS = (
    ("tess", "IPT therapist (Tess Morgan)"),
    ("otto", "IPT therapist (Otto Reyes)"),
    ("sam", "Supervisor of Tess (Sam Okafor)"),
    ("lee", "Service lead (Lee Chen)"),
    ("cara", "Service user (Cara Whitfield)"),
    ("hana", "IPT therapist in another team (Hana Ito)"),
)


def demo_nhs_number(serial: int) -> str:
    """A valid number in the never-issued 999 range."""
    while True:
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        serial += 1


@dataclass
class DemoClient:
    given: str
    family: str
    born: date
    therapist: str | None
    weeks_ago: int = 0
    contracted: int = 16
    attended: int = 0
    missed_at: tuple[int, ...] = ()
    unwritten: int = 0
    completed: bool = False
    problem: str = PresentingProblem.DEPRESSION
    needs: dict[str, object] = field(default_factory=dict)
    preferred: str = ""
    agreed: bool = False
    variant: Variant = Variant.LEAFLET


CLIENTS = (
    DemoClient(
        "Cara",
        "Whitfield",
        date(1988, 3, 14),
        "tess",
        weeks_ago=6,
        attended=6,
        unwritten=1,
        agreed=True,
        needs={"large_print": True},
    ),
    DemoClient("Jonah", "Price", date(1975, 9, 2), "tess", weeks_ago=2, attended=2),
    DemoClient(
        "Amira",
        "Haddad",
        date(1969, 11, 23),
        "tess",
        weeks_ago=14,
        attended=14,
        agreed=True,
        needs={"language": "Arabic", "interpreter": "spoken"},
    ),
    DemoClient("Bea", "Lindqvist", date(1996, 1, 30), "tess", weeks_ago=0, attended=0),
    DemoClient(
        "Owen",
        "Tallis",
        date(1982, 6, 8),
        "tess",
        weeks_ago=8,
        contracted=12,
        attended=7,
        missed_at=(4,),
        agreed=True,
        needs={"interpreter": "bsl"},
    ),
    DemoClient(
        "Priya",
        "Nair",
        date(1999, 4, 17),
        "tess",
        weeks_ago=5,
        attended=4,
        missed_at=(2,),
        unwritten=1,
        problem=PresentingProblem.BULIMIA,
        preferred="Pri",
        variant=Variant.IPT_ED,  # with an eating log (issue 14)
    ),
    DemoClient(
        "Marcus",
        "Bell",
        date(1961, 12, 1),
        "tess",
        weeks_ago=20,
        contracted=12,
        attended=12,
        completed=True,
        agreed=True,
        needs={"braille": True, "large_print": True, "audio": True},
    ),
    DemoClient("Ruth", "Adeyemi", date(1979, 7, 21), "otto", weeks_ago=3, attended=3),
    DemoClient(
        "Tomasz",
        "Wojcik",
        date(1990, 10, 5),
        "otto",
        weeks_ago=10,
        attended=9,
        agreed=True,
        needs={"language": "Polish", "interpreter": "spoken"},
    ),
    DemoClient("Nadia", "Stone", date(2001, 2, 11), None),
)

DEMO_ENDING = {
    "kind": "full",
    "feelings_about_ending": "Sad that the sessions are ending, and a little worried; relieved too.",
    "past_losses": "The end brought back leaving his last job.",
    "progress_review": "Mood much lower on the PHQ-9; back in touch with his brother.",
    "what_helped": "Saying what you need to your brother, and planning one outing a week.",
    "warning_signs": "Staying in bed late, not answering the phone, skipping meals.",
    "relapse_plan": "Call your brother, keep the weekly outing, and see your GP if it lasts two weeks.",
    "future_goals": "Join the community choir.",
    "gp_consent": True,
    "disposition": "discharge",
}

# A session's risk check that found nothing (also the bench data's, bench/data.py).
NO_RISK_FOUND = {
    "suicidal_thoughts": "no",
    "suicidal_plans": "no",
    "suicidal_intent": "no",
    "self_harm": "no",
    "harm_to_others": "no",
    "safeguarding_concern": "no",
    "risk_level": RiskLevel.NONE,
    "risk_action": "",
}

NOTES = {
    "initial": "Reviewed symptoms with the PHQ-9 and GAD-7. Talked about the important people in their life and what changed when the low mood began.",
    "middle": "Looked at a recent disagreement in detail and at what each person expected. Agreed one thing to try before next week.",
    "ending": "Talked about how it feels that therapy is ending and about earlier endings. Reviewed progress and named early warning signs.",
}


def demo_authenticator_app(user: User) -> TOTPDevice:
    """The demo login's authenticator app, made once (development only, like the demo)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Demo authenticator app", confirmed=True
    )


class Command(DemoCommand):
    help = "Load invented demo data (safe to run again) and print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        if Team.objects.filter(name=DEMO_TEAM).exists():
            self.stdout.write("The demo data is already loaded.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Loaded the demo data."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, who in LOGINS:
            self.stdout.write(f"  {username:<6} {who}")
        # The second factor (issue 9): each demo login has an authenticator app already.
        self.stdout.write(
            "\nThen the code of an authenticator app: add the key below to one, or print the "
            "current code with `.venv/bin/python manage.py demo_code USERNAME`."
        )
        for username, _who in LOGINS:
            device = demo_authenticator_app(User.objects.get(username=username))
            self.stdout.write(f"  {username:<6} app key {totp_secret(device)}")

    def _user(
        self, team: Team, username: str, first: str, last: str, role: Role, **extra: object
    ) -> User:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            team=team,
            roles={role},
            # Invented addresses on the domain reserved for examples: messages go nowhere real.
            email=f"{username}@example.org",
            **extra,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _load(self) -> None:
        team = Team.objects.create(
            name=DEMO_TEAM,
            phone="0300 555 0142",
            address="Riverside Health Centre\n12 Mill Lane\nExampletown EX1 2AB",
            # Contact details printed on letters (issue 5): invented numbers and addresses.
            email="ipt.riverside@example.org",
            care_coordination_phone="0300 555 0143",
            interpreting_contact="0300 555 0144",
            bsl_video_relay="https://relay.example.org/riverside",
            complaints_phone="0300 555 0150",
            complaints_freephone="0800 555 0151",
            complaints_email="pals@example.org",
        )
        other = Team.objects.create(name=OTHER_TEAM, phone="0300 555 0199")
        sam = self._user(team, "sam", "Sam", "Okafor", Role.SUPERVISOR)
        staff = {
            "tess": self._user(team, "tess", "Tess", "Morgan", Role.THERAPIST, supervisor=sam),
            "otto": self._user(team, "otto", "Otto", "Reyes", Role.THERAPIST),
            "hana": self._user(other, "hana", "Hana", "Ito", Role.THERAPIST),
        }
        lead = self._user(team, "lee", "Lee", "Chen", Role.SERVICE_LEAD)
        # Otto is on duty, so an alert of Tess's that waits past 17:00 reaches Sam and Otto.
        team.duty_clinician = staff["otto"]
        team.save(update_fields=["duty_clinician"])
        other.duty_clinician = staff["hana"]
        other.save(update_fields=["duty_clinician"])
        today = timezone.localdate()
        for serial, demo in enumerate(CLIENTS, start=101):
            actor = staff[demo.therapist] if demo.therapist else lead
            client = client_services.register_client(
                actor=actor,
                therapist=staff[demo.therapist] if demo.therapist else None,
                details={
                    "given_name": demo.given,
                    "family_name": demo.family,
                    "preferred_name": demo.preferred,
                    "date_of_birth": demo.born,
                    "nhs_number": demo_nhs_number(serial * 1000),
                    "address": f"{serial} Example Street\nExampletown",
                    "postcode": "EX1 9ZZ",
                    "phone": f"07700 900{serial:03d}",
                    "gp_practice": "Mill Lane Surgery",
                    "gp_address": "3 Mill Lane\nExampletown EX1 2AC",
                    **demo.needs,
                },
                referral={
                    "received_on": today - timedelta(weeks=demo.weeks_ago + 4),
                    "referrer": "Dr Ana Silva, Mill Lane Surgery",
                    "reason": "Low mood for several months after changes at home and work.",
                    "presenting_problem": demo.problem,
                },
            )
            if demo.given == "Cara":
                client.portal_user = self._user(
                    team, "cara", "Cara", "Whitfield", Role.SERVICE_USER
                )
                client.save(update_fields=["portal_user"])
            if demo.therapist:
                self._course(client, demo, staff[demo.therapist], today)
            if client.portal_user_id:
                self._portal(client, staff["tess"])
                self._adherence(client, staff["tess"], sam)
        self._supervision(sam, staff["tess"], today)
        self._adolescent(team, staff["tess"], today)

    def _adolescent(self, team: Team, tess: User, today: date) -> None:
        """IPT for adolescents (issue 14): Jade, 15, starts IPT-A in two days. Her mum may join
        sessions and be contacted; a parent session is booked the day before Jade's first
        session, and Jade's fourth session is with her mum too."""
        jade = client_services.register_client(
            actor=tess,
            therapist=tess,
            details={
                "given_name": "Jade",
                "family_name": "Okafor-Reid",
                "date_of_birth": date(today.year - 15, 2, 9),
                "nhs_number": demo_nhs_number(200_000),
                "address": "200 Example Street\nExampletown",
                "postcode": "EX1 9ZZ",
                "gp_practice": "Mill Lane Surgery",
                "gp_address": "3 Mill Lane\nExampletown EX1 2AC",
            },
            referral={
                "received_on": today - timedelta(weeks=3),
                "referrer": "School nurse, Exampletown Academy",
                "reason": "Low mood since moving school; arguing with her mum.",
                "presenting_problem": PresentingProblem.DEPRESSION,
            },
        )
        mum = save_carer(
            jade,
            actor=tess,
            values={
                "name": "Grace Okafor-Reid",
                "relationship": "Mum",
                "parental_responsibility": True,
                "phone": "07700 900200",
                "preferred_contact": "text",
                "involve_consent_on": today - timedelta(days=7),
                "contact_consent_on": today - timedelta(days=7),
            },
        )
        start = today + timedelta(days=2)
        course = course_services.open_course(
            jade.referrals.get(),
            actor=tess,
            contracted_sessions=12,
            start_date=start,
            weekday=start.weekday(),
            session_time=time(16, 0),
            variant=Variant.IPT_A,
        )
        course_services.book_carer_session(
            course,
            actor=tess,
            starts_at=timezone.make_aware(datetime.combine(start - timedelta(days=1), time(17, 0))),
            carer_id=mum.pk,
        )
        fourth = course.appointments.order_by("starts_at")[3]
        course_services.set_attendee(
            fourth, actor=tess, attendee=Attendee.CLIENT_AND_CARER, carer_id=mum.pk
        )

    def _supervision(self, sam: User, tess: User, today: date) -> None:
        """Supervision (issue 13): Cara consented to recording before her first session; Sam met
        Tess yesterday, discussed Cara and Amira, heard Cara's last session before the meeting,
        and set Tess an action that is open in her Needs attention."""
        from iptclinic.clients.recording import give_recording_consent
        from iptclinic.supervision.services import ActionInput, CaseInput, record_meeting

        courses = {
            course.referral.client.given_name: course
            for course in Course.objects.filter(
                referral__client__therapist=tess,
                referral__client__given_name__in=["Cara", "Amira"],
                state=CourseState.ACTIVE,
            ).select_related("referral__client")
        }
        cara, amira = courses["Cara"], courses["Amira"]
        give_recording_consent(
            cara.referral.client, actor=tess, given_on=cara.start_date - timedelta(days=1)
        )
        met_on = today - timedelta(days=1)
        heard = (
            cara.appointments.filter(status=Attendance.ATTENDED, starts_at__date__lt=met_on)
            .order_by("starts_at")
            .last()
        )
        record_meeting(
            actor=sam,
            therapist=tess,
            met_on=met_on,
            agreed="Keep the focus on Cara's role transition; plan the ending with Amira.",
            cases=[
                CaseInput(cara, heard, "Heard the recording: good work on the new role."),
                CaseInput(amira, None, "Two sessions left: talk about the ending and relapse."),
            ],
            recordings=[heard] if heard else [],
            actions=[
                ActionInput(
                    "Give Amira the relapse prevention leaflet before the last session.",
                    today + timedelta(days=7),
                )
            ],
        )

    def _portal(self, client: Client, therapist: User) -> None:
        """What Cara's portal shows in the demo: the parts of her therapy Tess chose to share, and
        where her next two sessions are (one in a room, one by video)."""
        course = Course.objects.get(referral__client=client, state=CourseState.ACTIVE)
        set_shared(
            course,
            actor=therapist,
            items=[SharedItem.FOCUS, SharedItem.GOALS, SharedItem.CIRCLE, SharedItem.TIMELINE],
        )
        upcoming = course.appointments.filter(
            starts_at__gt=timezone.now(), status=Attendance.PLANNED
        ).order_by("starts_at")[:2]
        for appointment, (place, video_link) in zip(
            upcoming,
            (
                ("Room 3, Riverside Health Centre", ""),
                ("", "https://video.example.org/riverside/room-3"),
            ),
            strict=False,
        ):
            set_appointment_place(appointment, actor=therapist, place=place, video_link=video_link)

    def _adherence(self, client: Client, therapist: User, supervisor: User) -> None:
        """Tess's own adherence ratings of three of Cara's sessions, and Sam's rating of one of
        them from being in the room, which differs from hers (issue 13)."""
        from iptclinic.fidelity.selectors import new_checklist
        from iptclinic.fidelity.services import rate_session

        course = Course.objects.get(referral__client=client, state=CourseState.ACTIVE)
        sessions = list(
            course.appointments.filter(status=Attendance.ATTENDED, record__isnull=False).order_by(
                "starts_at"
            )
        )
        # Sessions 2, 4 and 5: an initial one and two of the middle phase, with their strategies.
        for number in (2, 4, 5):
            appointment = sessions[number - 1]
            items = new_checklist(appointment)[2]
            marks: dict[str, int | None] = {item.code: 2 for item in items}
            if number == 2:
                marks["history_and_medication"] = 1
            if number == 5:  # two strategies worked on; the rest not this session
                strategies = [item.code for item in items if item.kind == "strategy"]
                marks.update(dict.fromkeys(strategies[2:]))
                marks["techniques"] = 1
            rate_session(appointment, therapist, "self", marks)
        # Sam sat in on session 4: the options to try were not agreed, and the strategies less
        # than Tess thought.
        fourth = sessions[3]
        items = new_checklist(fourth)[2]
        seen: dict[str, int | None] = {
            item.code: 1 if item.kind == "strategy" else 2 for item in items
        }
        seen.update({"options_to_try": 0, "interval_question": 1})
        rate_session(fourth, supervisor, "present", seen)

    def _course(self, client: Client, demo: DemoClient, therapist: User, today: date) -> None:
        start = today - timedelta(weeks=demo.weeks_ago)
        if demo.weeks_ago == 0:
            start = today + timedelta(days=2)
        course = course_services.open_course(
            client.referrals.get(),
            actor=therapist,
            contracted_sessions=demo.contracted,
            start_date=start,
            weekday=start.weekday(),
            session_time=time(10 + len(demo.given) % 6, 0),
            variant=demo.variant,
        )
        appointments = list(course.appointments.order_by("starts_at"))
        attended = 0
        for index, appointment in enumerate(appointments):
            if attended >= demo.attended:
                break
            if index in demo.missed_at:
                course_services.set_attendance(
                    appointment, actor=therapist, status=Attendance.DID_NOT_ATTEND
                )
                course_services.rebook(appointment, actor=therapist)
                continue
            if timezone.localdate(appointment.starts_at) > today:
                break
            appointment = course_services.set_attendance(
                appointment, actor=therapist, status=Attendance.ATTENDED
            )
            attended += 1
            if attended > demo.attended - demo.unwritten:
                continue
            self._record(course, appointment, attended, therapist)
            if demo.agreed and attended == 3:
                # Inventory, focus, formulation and the treatment agreement (which fixes the
                # contract), so that the middle phase starts with session 4.
                add_demo_initial_phase(
                    course, therapist=therapist, agreed_on=timezone.localdate(appointment.starts_at)
                )
        if demo.variant is Variant.IPT_ED:
            from iptclinic.eating.demo import add_demo_eating_log

            add_demo_eating_log(course, therapist=therapist)
        if demo.completed:
            course.refresh_from_db()
            # A course closes as completed only with its ending record (issue 5).
            ending_services.save_ending_record(
                course, actor=therapist, data=DEMO_ENDING, expected_version=None
            )
            course_services.end_course(
                course,
                actor=therapist,
                target=CourseState.COMPLETED,
                ended_on=today - timedelta(days=3),
            )

    def _record(self, course: Course, appointment: object, number: int, therapist: User) -> None:
        from iptclinic.ipt.tasks import session_checklist

        checklist = session_checklist(number, course.contracted_sessions, course.variant_enum)
        phase = checklist[-1].phase.value
        record = course_services.save_session_record(
            appointment,
            actor=therapist,
            data={
                "agenda": "Questionnaires, the week's events, then the focus.",
                "notes": NOTES[phase],
                "tasks_done": [task.code for task in checklist],
                **NO_RISK_FOUND,
            },
            expected_version=None,
        )
        course_services.sign_session_record(
            record, actor=therapist, expected_version=record.version
        )
