"""Issue 14: IPC booked as 30-minute slots (or as chosen), and maintenance IPT continuing a course."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.courses import services
from iptclinic.courses.continuation import maintenance_problem, start_maintenance, suggested_start
from iptclinic.courses.models import Course
from iptclinic.courses.services import CourseRuleError
from iptclinic.courses.tests.maintenance_helpers import ended_acute_course
from iptclinic.inventory import services as inventory_services
from iptclinic.inventory.models import FocusDecision, Relationship
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea
from iptclinic.ipt.variants import Variant
from iptclinic.letters.kinds import appointments_letter
from iptclinic.reports.models import StoredOutcome
from iptclinic.test import attend_next, open_course_for

LONDON = ZoneInfo("Europe/London")


def _local(course: Course) -> list:
    return [a.starts_at.astimezone(LONDON) for a in course.appointments.order_by("starts_at")]


# --- Slots from the variant ----------------------------------------------------------------------


def test_an_ipc_course_is_booked_as_weekly_30_minute_appointments(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=0, contracted=4, variant=Variant.IPC)

    assert course.slot_minutes == 30
    assert [a.duration_minutes for a in course.appointments.all()] == [30] * 4
    days = [m.date() for m in _local(course)]
    assert [b - a for a, b in zip(days, days[1:], strict=False)] == [timedelta(weeks=1)] * 3
    assert course.session_minutes == 30


def test_a_standard_course_keeps_its_weekly_hour_and_50_minute_sessions(
    cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=0, contracted=12)

    assert {a.duration_minutes for a in course.appointments.all()} == {60}
    assert (course.slot_minutes, course.session_minutes) == (60, 50)


def test_the_person_opening_an_ipc_course_may_choose_its_length(cara: Client, tess: User) -> None:
    course = services.open_course(
        cara.referrals.get(),
        actor=tess,
        contracted_sessions=3,
        start_date=timezone.localdate(),
        weekday=timezone.localdate().weekday(),
        session_time=time(14, 0),
        variant=Variant.IPC,
        slot_minutes=45,
    )

    assert {a.duration_minutes for a in course.appointments.all()} == {45}
    assert course.session_minutes == 45
    event = AuditEvent.objects.get(action="course.open")
    assert event.detail["slot_minutes"] == 45


@pytest.mark.parametrize(
    ("variant", "minutes", "message"),
    [
        (Variant.IPC, 15, "20 to 50 minutes long; 15 is too short"),
        (Variant.LEAFLET, 30, "booked for 60 minutes; leave the length empty"),
    ],
)
def test_a_length_the_variant_does_not_allow_is_refused(
    cara: Client, tess: User, variant: Variant, minutes: int, message: str
) -> None:
    with pytest.raises(CourseRuleError, match=message):
        services.open_course(
            cara.referrals.get(),
            actor=tess,
            contracted_sessions=4 if variant is Variant.IPC else 16,
            start_date=timezone.localdate(),
            weekday=0,
            session_time=time(10, 0),
            variant=variant,
            slot_minutes=minutes,
        )
    assert not Course.objects.exists()


def test_a_rebooked_ipc_session_keeps_its_30_minutes(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=1, contracted=4, variant=Variant.IPC)
    first = course.appointments.order_by("starts_at").first()
    services.set_attendance(first, actor=tess, status=Attendance.DID_NOT_ATTEND)

    replacement = services.rebook(first, actor=tess)

    assert replacement.duration_minutes == 30


def test_sessions_added_to_an_ipc_contract_are_30_minutes_a_week_apart(
    cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=0, contracted=4, variant=Variant.IPC)

    services.change_contract(course, actor=tess, contracted_sessions=6, reason="")

    appointments = list(course.appointments.order_by("starts_at"))
    assert [a.duration_minutes for a in appointments] == [30] * 6
    assert appointments[-1].starts_at - appointments[-2].starts_at == timedelta(weeks=1)


def test_the_appointments_letter_and_its_calendar_say_30_minutes_for_ipc(
    cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=0, contracted=4, variant=Variant.IPC)

    assert appointments_letter(course).context["minutes"] == 30


def test_maintenance_ipt_cannot_be_opened_as_a_fresh_course(cara: Client, tess: User) -> None:
    with pytest.raises(CourseRuleError, match="continues a course that has ended"):
        open_course_for(cara, tess, weeks_ago=0, contracted=12, variant=Variant.IPT_M)


# --- Maintenance IPT -----------------------------------------------------------------------------


@pytest.fixture
def acute(cara: Client, tess: User) -> Course:
    return ended_acute_course(cara, tess)


def _start(acute: Course, tess: User, **changes: object) -> Course:
    suggestion = suggested_start(acute)
    return start_maintenance(
        acute,
        actor=tess,
        **{
            "contracted_sessions": suggestion.contracted_sessions,
            "start_date": suggestion.start_date,
            "weekday": suggestion.weekday,
            "session_time": suggestion.session_time,
            **changes,
        },
    )


def test_the_suggestion_is_12_sessions_four_weeks_after_the_last_on_its_day_and_time(
    acute: Course,
) -> None:
    last = acute.appointments.filter(status=Attendance.ATTENDED).order_by("starts_at").last()
    local = last.starts_at.astimezone(LONDON)

    suggestion = suggested_start(acute)

    assert suggestion.contracted_sessions == 12
    assert suggestion.start_date == local.date() + timedelta(weeks=4)
    assert (suggestion.weekday, suggestion.session_time) == (local.weekday(), time(10, 0))


def test_maintenance_joins_the_referral_every_four_weeks_and_links_both_ways(
    acute: Course, tess: User
) -> None:
    maintenance = _start(acute, tess)

    assert maintenance.referral_id == acute.referral_id
    assert maintenance.variant == Variant.IPT_M
    assert maintenance.continues == acute
    acute.refresh_from_db()
    assert acute.continued_by == maintenance
    local = _local(maintenance)
    assert len(local) == 12
    assert {(m.weekday(), m.hour, m.minute) for m in local} == {(local[0].weekday(), 10, 0)}
    assert {(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)} == {28}
    assert {a.duration_minutes for a in maintenance.appointments.all()} == {60}


def test_maintenance_carries_the_inventory_and_the_focus_forward_in_one_audit_event(
    acute: Course, tess: User
) -> None:
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    maintenance = _start(acute, tess)

    events = AuditEvent.objects.exclude(pk__in=before)
    assert [e.action for e in events] == ["course.start_maintenance"]
    assert events.get().detail["continues"] == acute.pk
    assert Relationship.objects.filter(course=maintenance).count() == (
        Relationship.objects.filter(course=acute).count()
    )
    focus = FocusDecision.objects.get(course=maintenance)
    assert focus.areas == [ProblemArea.ROLE_DISPUTE.value]
    assert focus.dispute_stage == DisputeStage.IMPASSE
    assert focus.reason.startswith("Carried forward from the previous course.")


def test_the_focus_may_shift_before_the_new_agreement(acute: Course, tess: User) -> None:
    maintenance = _start(acute, tess)

    inventory_services.choose_focus(
        maintenance,
        actor=tess,
        areas=[ProblemArea.ROLE_TRANSITION],
        reason="Retirement is now what matters most.",
    )

    current = FocusDecision.objects.get(course=maintenance, superseded_at__isnull=True)
    assert current.areas == [ProblemArea.ROLE_TRANSITION.value]


def test_maintenance_needs_an_ending_that_agreed_it(cara: Client, tess: User) -> None:
    discharged = ended_acute_course(cara, tess, disposition="discharge")

    assert maintenance_problem(discharged) == (
        "The ending record does not say that maintenance IPT was agreed."
    )
    with pytest.raises(CourseRuleError, match="maintenance IPT was agreed"):
        _start(discharged, tess)


def test_maintenance_cannot_start_on_an_open_course(cara: Client, tess: User) -> None:
    course = open_course_for(cara, tess, weeks_ago=2, contracted=12)

    with pytest.raises(CourseRuleError, match="has not ended yet"):
        _start(course, tess)


def test_a_course_is_continued_only_once(acute: Course, tess: User) -> None:
    _start(acute, tess)

    with pytest.raises(CourseRuleError, match="already continues this one"):
        _start(acute, tess)


def test_maintenance_starts_after_the_course_it_continues_ended(acute: Course, tess: User) -> None:
    with pytest.raises(CourseRuleError, match="Start maintenance IPT after that"):
        _start(acute, tess, start_date=acute.ended_on)


def test_maintenance_on_a_closed_referral_is_refused(acute: Course, tess: User) -> None:
    referral = acute.referral
    referral.closed_on = timezone.localdate()
    referral.save(update_fields=["closed_on"])

    assert maintenance_problem(acute) == "The referral is closed."


def test_maintenance_sessions_count_in_the_referrals_outcome(
    acute: Course, tess: User, time_machine
) -> None:
    outcome = StoredOutcome.objects.get(referral=acute.referral)
    assert (outcome.attended, outcome.ended_on) == (12, acute.ended_on)
    tomorrow = acute.ended_on + timedelta(days=1)

    maintenance = _start(acute, tess, start_date=tomorrow, weekday=tomorrow.weekday())
    # The referral is open again: it is the unit of outcome, and its end moves to maintenance's.
    assert StoredOutcome.objects.get(referral=acute.referral).ended_on is None
    time_machine.move_to(datetime.combine(tomorrow, time(11, 0), tzinfo=LONDON), tick=False)
    attend_next(maintenance, tess, 1)

    outcome = StoredOutcome.objects.get(referral=acute.referral)
    assert (outcome.attended, outcome.ended_on) == (13, None)


def test_a_missed_maintenance_session_is_rebooked_four_weeks_after_the_last(
    acute: Course, tess: User
) -> None:
    maintenance = _start(acute, tess)
    first, *_rest, last = list(maintenance.appointments.order_by("starts_at"))
    services.set_attendance(first, actor=tess, status=Attendance.CANCELLED_BY_CLIENT)

    replacement = services.rebook(first, actor=tess)

    assert replacement.starts_at.astimezone(LONDON).date() == (
        last.starts_at.astimezone(LONDON).date() + timedelta(weeks=4)
    )
    assert replacement.starts_at.astimezone(LONDON).time() == time(10, 0)


# --- Pages ---------------------------------------------------------------------------------------


def _signed_in(client: HttpClient, user: User) -> HttpClient:
    client.force_login(user)
    return client


def test_the_ended_course_offers_to_start_maintenance_and_the_form_is_prefilled(
    client: HttpClient, acute: Course, tess: User, cara: Client
) -> None:
    page = _signed_in(client, tess).get(reverse("clients:detail", args=[cara.pk]))
    assert reverse("courses:maintenance", args=[acute.pk]) in page.content.decode()

    form = client.get(reverse("courses:maintenance", args=[acute.pk]))

    assert form.status_code == 200
    text = form.content.decode()
    assert "Sessions are every four weeks" in text
    assert f'value="{suggested_start(acute).start_date:%Y-%m-%d}"' in text


def test_starting_maintenance_from_its_page_books_it_and_links_the_courses(
    client: HttpClient, acute: Course, tess: User, cara: Client
) -> None:
    suggestion = suggested_start(acute)

    response = _signed_in(client, tess).post(
        reverse("courses:maintenance", args=[acute.pk]),
        {
            "contracted_sessions": "6",
            "start_date": f"{suggestion.start_date:%Y-%m-%d}",
            "weekday": str(suggestion.weekday),
            "session_time": "10:00",
        },
    )

    assert response.status_code == 302
    maintenance = Course.objects.get(continues=acute)
    assert maintenance.appointments.count() == 6
    page = client.get(reverse("clients:detail", args=[cara.pk])).content.decode()
    assert "Continues the course from" in page
    assert "Continued by Maintenance IPT from" in page
    assert reverse("courses:maintenance", args=[acute.pk]) not in page


def test_a_contract_outside_3_to_36_is_refused_and_what_was_typed_is_kept(
    client: HttpClient, acute: Course, tess: User
) -> None:
    response = _signed_in(client, tess).post(
        reverse("courses:maintenance", args=[acute.pk]),
        {
            "contracted_sessions": "40",
            "start_date": "2030-01-07",
            "weekday": "0",
            "session_time": "09:30",
        },
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "40 is too many" in text
    assert 'value="09:30"' in text
    assert not Course.objects.filter(continues=acute).exists()


def test_a_discharged_course_offers_no_maintenance(
    client: HttpClient, cara: Client, tess: User
) -> None:
    discharged = ended_acute_course(cara, tess, disposition="discharge")

    page = _signed_in(client, tess).get(reverse("clients:detail", args=[cara.pk]))
    assert reverse("courses:maintenance", args=[discharged.pk]) not in page.content.decode()
    form = client.get(reverse("courses:maintenance", args=[discharged.pk]))
    assert "maintenance IPT was agreed" in form.content.decode()
    refused = client.post(reverse("courses:maintenance", args=[discharged.pk]), {})
    assert refused.status_code == 409
    assert not Course.objects.filter(continues=discharged).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_otto_gets_404_on_the_maintenance_page(
    client: HttpClient, acute: Course, otto: User, method: str
) -> None:
    response = getattr(_signed_in(client, otto), method)(
        reverse("courses:maintenance", args=[acute.pk])
    )

    assert response.status_code == 404


def test_the_opening_form_refuses_a_bad_ipc_length_and_keeps_what_was_typed(
    client: HttpClient, cara: Client, tess: User
) -> None:
    response = _signed_in(client, tess).post(
        reverse("courses:new", args=[cara.pk]),
        {
            "referral": str(cara.referrals.get().pk),
            "variant": Variant.IPC.value,
            "contracted_sessions": "4",
            "start_date": f"{timezone.localdate():%Y-%m-%d}",
            "weekday": "2",
            "session_time": "11:15",
            "slot_minutes": "90",
        },
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "20 to 50 minutes long; 90 is too long" in text
    assert 'value="90"' in text
    assert not Course.objects.exists()


def test_the_opening_form_does_not_offer_maintenance(
    client: HttpClient, cara: Client, tess: User
) -> None:
    page = _signed_in(client, tess).get(reverse("courses:new", args=[cara.pk])).content.decode()

    assert 'value="ipt_m"' not in page
    assert 'value="ipc"' in page
