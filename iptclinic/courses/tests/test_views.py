"""The course pages: caseload, opening, attendance, rebooking, records, contract and ending."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from iptclinic.accounts.models import User
from iptclinic.clients.models import Client
from iptclinic.courses import services
from iptclinic.courses.models import Appointment, ContractChange, Course, SessionRecord
from iptclinic.endings import services as ending_services
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.test import attend_next, open_course_for, record_the_past_as_missed

CLEAR_RISK = {
    "suicidal_thoughts": "no",
    "suicidal_plans": "no",
    "suicidal_intent": "no",
    "self_harm": "no",
    "harm_to_others": "no",
    "safeguarding_concern": "no",
    "risk_level": "none",
}


def _page(response: Any) -> str:
    return response.content.decode()


def _signed_in(client: HttpClient, user: User) -> HttpClient:
    client.force_login(user)
    return client


def _appointments(course: Course) -> list[Appointment]:
    return list(course.appointments.order_by("starts_at", "id"))


def _future(course: Course) -> Appointment:
    today = timezone.localdate()
    return next(a for a in _appointments(course) if timezone.localdate(a.starts_at) > today)


def _focus_agreed_at(course: Course, session: Appointment) -> None:
    """The focus and agreement were recorded at ``session``; the middle phase may follow."""
    day = timezone.localdate(session.starts_at) + timedelta(days=1)
    Course.objects.filter(pk=course.pk).update(middle_phase_allowed_on=day)


def _record_url(appointment: Appointment) -> str:
    return reverse("courses:record", args=[appointment.pk])


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def as_tess(client: HttpClient, tess: User) -> HttpClient:
    return _signed_in(client, tess)


# Caseload


def test_the_caseload_shows_each_client_with_their_session_and_phase(
    as_tess: HttpClient, cara_course: Course, tess: User, ruth: Client
) -> None:
    attended = attend_next(cara_course, tess, 4)
    _focus_agreed_at(cara_course, attended[2])

    page = _page(as_tess.get(reverse("courses:caseload")))

    assert "Cara Whitfield" in page
    assert "Session 4 of 16" in page
    assert "<td>Middle</td>" in page
    assert "Cara Whitfield: session 4 on" in page  # its record is still to write
    assert "Ruth Adeyemi" not in page


@pytest.mark.parametrize(("persona", "sees_ruth"), [("sam", False), ("lee", True)])
def test_a_supervisor_sees_their_supervisees_clients_and_a_lead_the_whole_team(
    client: HttpClient,
    cara_course: Course,
    ruth: Client,
    persona: str,
    sees_ruth: bool,
    request: pytest.FixtureRequest,
) -> None:
    page = _page(_signed_in(client, request.getfixturevalue(persona)).get("/caseload/"))

    assert "Cara Whitfield" in page
    assert ("Ruth Adeyemi" in page) is sees_ruth


def _prompts(client: HttpClient) -> str:
    """The caseload's prompts cell for the one client, with its markup."""
    page = _page(client.get(reverse("courses:caseload")))
    return page.split('<section aria-labelledby="clients-title">', 1)[1]


RAISE = '<span class="prompt">Raise the ending at the next session</span>'
OVERDUE = (
    '<strong class="prompt prompt--urgent">Ending overdue: raise it at the next session</strong>'
)
NOT_DISCUSSED = (
    '<strong class="prompt prompt--urgent">Ending not discussed yet: talk about it at the next '
    "session</strong>"
)
ENDING_PROMPTS = (RAISE, OVERDUE, NOT_DISCUSSED)


def test_the_caseload_prompts_the_ending_from_n_minus_4_warns_from_n_minus_2_and_stops_once_ending_work_is_recorded(
    as_tess: HttpClient, cara: Client, tess: User
) -> None:
    """Hazard H-005: 12 sessions, so the prompt comes with session 8 next and the warning once
    session 10 has gone by; in the ending phase (11–12) a ticked ending task counts as raising it.
    """
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)

    attend_next(course, tess, 6)
    assert not any(prompt in _prompts(as_tess) for prompt in ENDING_PROMPTS)

    attend_next(course, tess, 1)
    assert RAISE in _prompts(as_tess)

    attend_next(course, tess, 2)
    assert RAISE in _prompts(as_tess)

    attend_next(course, tess, 1)
    assert OVERDUE in _prompts(as_tess)

    (eleventh,) = attend_next(course, tess, 1)
    prompts = _prompts(as_tess)
    assert NOT_DISCUSSED in prompts
    assert "Write the ending record" in prompts

    as_tess.post(
        _record_url(eleventh),
        {"version": "0", "notes": "Talked about the ending.", "tasks_done": ["ending_feelings"]},
    )
    prompts = _prompts(as_tess)
    assert not any(prompt in prompts for prompt in ENDING_PROMPTS)
    assert "Write the ending record" in prompts
    course.refresh_from_db()
    assert course.ending_raised_on == timezone.localdate(eleventh.starts_at)


def test_starting_the_ending_record_stops_the_ending_warning(
    as_tess: HttpClient, cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attend_next(course, tess, 11)
    assert NOT_DISCUSSED in _prompts(as_tess)

    ending_services.save_ending_record(
        course,
        actor=tess,
        data={"kind": "full", "feelings_about_ending": "Worried about managing alone."},
        expected_version=None,
    )

    prompts = _prompts(as_tess)
    assert not any(prompt in prompts for prompt in ENDING_PROMPTS)
    assert "Write the ending record" in prompts


def test_raising_the_ending_before_the_ending_phase_ends_the_prompt(
    as_tess: HttpClient, cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    eighth = attend_next(course, tess, 8)[-1]
    assert RAISE in _prompts(as_tess)

    as_tess.post(
        _record_url(eighth),
        {"version": "0", "notes": "Raised the ending.", "tasks_done": ["raise_ending"]},
    )
    attend_next(course, tess, 3)

    assert not any(prompt in _prompts(as_tess) for prompt in ENDING_PROMPTS)


# Opening a course


def test_opening_a_course_through_the_form_books_its_appointments(
    as_tess: HttpClient, cara: Client
) -> None:
    start = timezone.localdate() - timedelta(weeks=1)

    response = as_tess.post(
        reverse("courses:new", args=[cara.pk]),
        {
            "referral": cara.referrals.get().pk,
            "variant": "leaflet",
            "contracted_sessions": "12",
            "start_date": start.isoformat(),
            "weekday": str(start.weekday()),
            "session_time": "14:30",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[cara.pk])
    course = Course.objects.get()
    assert course.contracted_sessions == 12
    assert course.appointments.count() == 12
    assert timezone.localtime(_appointments(course)[0].starts_at).strftime("%H:%M") == "14:30"


def test_a_17_session_contract_is_refused_on_the_form_keeping_what_was_typed(
    as_tess: HttpClient, cara: Client
) -> None:
    response = as_tess.post(
        reverse("courses:new", args=[cara.pk]),
        {
            "referral": cara.referrals.get().pk,
            "variant": "leaflet",
            "contracted_sessions": "17",
            "start_date": "2026-11-02",
            "weekday": "3",
            "session_time": "14:30",
        },
    )

    page = _page(response)
    assert response.status_code == 200
    assert "17 is too many" in page
    assert 'value="17"' in page
    assert 'value="2026-11-02"' in page
    assert 'value="14:30"' in page
    assert '<option value="3" selected>Thursday</option>' in page
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("start_date", "31/02/2026", "Enter a real date"),
        ("start_date", "next week", "Enter a real date"),
        ("session_time", "quarter past", "Enter a time such as 10:00"),
        ("contracted_sessions", "twelve", "Enter the number of sessions as a whole number"),
    ],
)
def test_malformed_input_on_the_course_form_gets_a_clear_message(
    as_tess: HttpClient, cara: Client, field: str, typed: str, message: str
) -> None:
    data = {
        "referral": cara.referrals.get().pk,
        "variant": "leaflet",
        "contracted_sessions": "16",
        "start_date": timezone.localdate().isoformat(),
        "weekday": "0",
        "session_time": "10:00",
        field: typed,
    }

    response = as_tess.post(reverse("courses:new", args=[cara.pk]), data)

    assert response.status_code == 200
    assert message in _page(response)
    assert f'value="{escape(typed)}"' in _page(response)


def test_a_course_starting_before_the_referral_shows_the_reason(
    as_tess: HttpClient, cara: Client
) -> None:
    referral = cara.referrals.get()
    before = referral.received_on - timedelta(days=3)

    response = as_tess.post(
        reverse("courses:new", args=[cara.pk]),
        {
            "referral": referral.pk,
            "variant": "leaflet",
            "contracted_sessions": "16",
            "start_date": before.isoformat(),
            "weekday": "0",
            "session_time": "10:00",
        },
    )

    assert "A course cannot start before the referral was received." in _page(response)
    assert f'value="{before.isoformat()}"' in _page(response)


@pytest.mark.parametrize("persona", ["sam", "lee", "otto"])
def test_only_the_allocated_therapist_can_open_a_course(
    client: HttpClient, cara: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    signed_in = _signed_in(client, request.getfixturevalue(persona))

    assert signed_in.get(reverse("courses:new", args=[cara.pk])).status_code == 404


# Attendance


def test_marking_attendance_saves_it_and_returns_to_the_client_page(
    as_tess: HttpClient, cara_course: Course, cara: Client
) -> None:
    first = _appointments(cara_course)[0]

    response = as_tess.post(
        reverse("courses:attendance", args=[first.pk]), {"status": "attended"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("clients:detail", args=[cara.pk])
    assert "Attendance saved." in _messages(response)
    assert "Session 1 of 16" in _page(response)
    first.refresh_from_db()
    assert first.status == Attendance.ATTENDED


def test_marking_a_future_appointment_attended_shows_its_date(
    as_tess: HttpClient, cara_course: Course
) -> None:
    future = _future(cara_course)
    day = f"{timezone.localtime(future.starts_at):%A %-d %B %Y}"

    response = as_tess.post(
        reverse("courses:attendance", args=[future.pk]), {"status": "attended"}, follow=True
    )

    assert f"This appointment is on {day}. Attendance can be recorded from that day." in (
        _messages(response)
    )
    future.refresh_from_db()
    assert future.status == Attendance.PLANNED


def test_attendance_by_htmx_returns_the_course_timeline_with_the_error(
    as_tess: HttpClient, cara_course: Course
) -> None:
    future = _future(cara_course)

    response = as_tess.post(
        reverse("courses:attendance", args=[future.pk]),
        {"status": "did_not_attend"},
        HTTP_HX_REQUEST="true",
    )

    page = _page(response)
    assert response.status_code == 200
    assert page.startswith(f'<section class="course" id="course-{cara_course.pk}"')
    assert 'role="alert">This appointment is on' in page


def test_attendance_by_htmx_returns_the_updated_timeline(
    as_tess: HttpClient, cara_course: Course
) -> None:
    first = _appointments(cara_course)[0]

    response = as_tess.post(
        reverse("courses:attendance", args=[first.pk]),
        {"status": "attended"},
        HTTP_HX_REQUEST="true",
    )

    assert "Session 1 of 16" in _page(response)
    assert "<h1" not in _page(response)


def test_an_unknown_attendance_value_gets_a_clear_message(
    as_tess: HttpClient, cara_course: Course
) -> None:
    first = _appointments(cara_course)[0]

    response = as_tess.post(
        reverse("courses:attendance", args=[first.pk]), {"status": "maybe"}, follow=True
    )

    assert "Choose a valid attendance." in _messages(response)


def test_attendance_after_the_course_ended_is_refused_with_the_end_date(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    today = timezone.localdate()
    record_the_past_as_missed(cara_course, tess)
    services.end_course(
        cara_course, actor=tess, target=CourseState.ENDED_EARLY, ended_on=today, reason="moved_away"
    )

    response = as_tess.post(
        reverse("courses:attendance", args=[_appointments(cara_course)[0].pk]),
        {"status": "attended"},
        follow=True,
    )

    assert any(f"ended on {today:%-d %B %Y}" in m for m in _messages(response))


# Session records


PHASE_HEADINGS_OF_12 = {
    1: "Session 1 of 12: Initial phase",
    3: "Session 3 of 12: Initial phase",
    4: "Session 4 of 12: Middle phase",
    10: "Session 10 of 12: Middle phase",
    11: "Session 11 of 12: Ending phase",
    12: "Session 12 of 12: Ending phase",
}


def test_the_record_page_shows_the_phase_changing_at_sessions_4_and_11_of_12(
    as_tess: HttpClient, cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    attended = attend_next(course, tess, 12)
    _focus_agreed_at(course, attended[2])

    for number, heading in PHASE_HEADINGS_OF_12.items():
        page = _page(as_tess.get(_record_url(attended[number - 1])))
        assert f"<h1>{heading}</h1>" in page, number


def test_a_missed_session_is_not_counted_in_the_phase_shown(
    as_tess: HttpClient, cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=12, contracted=12)
    services.set_attendance(_appointments(course)[0], actor=tess, status=Attendance.DID_NOT_ATTEND)
    *_, third_session, fourth_session = attend_next(course, tess, 4)
    _focus_agreed_at(course, third_session)

    assert "Session 4 of 12: Middle phase" in _page(as_tess.get(_record_url(fourth_session)))


def test_an_appointment_that_was_not_attended_has_no_record_page(
    as_tess: HttpClient, cara_course: Course
) -> None:
    assert as_tess.get(_record_url(_appointments(cara_course)[0])).status_code == 404


def test_writing_a_record_through_the_form_saves_it(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)

    response = as_tess.post(
        _record_url(appointment),
        {
            "version": "0",
            "agenda": "Sleep.",
            "notes": "Described the last month.",
            "tasks_done": ["measures", "symptom_review"],
            **CLEAR_RISK,
        },
    )

    assert response.status_code == 302
    record = SessionRecord.objects.get()
    assert (record.agenda, record.notes, record.version) == (
        "Sleep.",
        "Described the last month.",
        1,
    )
    assert record.tasks_done == ["measures", "symptom_review"]
    assert "The record of session 1 is saved." in _messages(as_tess.get(response["Location"]))


def test_a_stale_save_is_refused_keeping_the_typed_notes_and_showing_the_latest(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    services.save_session_record(
        appointment, actor=tess, data={"notes": "First draft."}, expected_version=0
    )
    services.save_session_record(
        appointment, actor=tess, data={"notes": "Saved from the other tab."}, expected_version=1
    )

    response = as_tess.post(
        _record_url(appointment),
        {"version": "1", "agenda": "", "notes": "Typed in this tab.", **CLEAR_RISK},
    )

    page = _page(response)
    assert response.status_code == 409
    assert "Someone else saved this session record while you were editing it." in page
    assert "Typed in this tab.</textarea>" in page
    assert "The latest saved version" in page
    assert "<dd>Saved from the other tab.</dd>" in page
    assert '<input type="hidden" name="version" value="2">' in page
    assert SessionRecord.objects.get().notes == "Saved from the other tab."


def test_a_second_first_save_through_the_form_is_refused(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    services.save_session_record(
        appointment, actor=tess, data={"notes": "Saved in the other tab."}, expected_version=0
    )

    response = as_tess.post(
        _record_url(appointment), {"version": "0", "notes": "Typed here.", **CLEAR_RISK}
    )

    assert response.status_code == 409
    assert "Typed here.</textarea>" in _page(response)
    assert SessionRecord.objects.get().notes == "Saved in the other tab."


def test_a_signed_record_is_shown_read_only_and_cannot_be_posted(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.save_session_record(
        appointment, actor=tess, data={"notes": "Final.", **CLEAR_RISK}, expected_version=0
    )

    signed = as_tess.post(reverse("courses:sign", args=[record.pk]), {"version": "1"}, follow=True)

    page = _page(signed)
    assert "The record is signed." in page
    assert "Signed by Tess on" in page
    assert 'name="notes"' not in page
    assert 'name="text"' in page  # the addendum box instead
    posted = as_tess.post(_record_url(appointment), {"version": "2", "notes": "Rewritten."})
    assert posted.status_code == 404
    assert SessionRecord.objects.get().notes == "Final."


def test_signing_with_an_incomplete_risk_check_shows_what_is_missing(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.save_session_record(
        appointment, actor=tess, data={"notes": "Draft."}, expected_version=0
    )

    response = as_tess.post(
        reverse("courses:sign", args=[record.pk]), {"version": "1"}, follow=True
    )

    assert "Complete every question of the risk check before signing the record." in (
        _messages(response)
    )
    record.refresh_from_db()
    assert not record.is_signed


def test_an_addendum_is_shown_with_its_author_and_time(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.save_session_record(
        appointment, actor=tess, data=CLEAR_RISK, expected_version=0
    )
    services.sign_session_record(record, actor=tess, expected_version=1)

    response = as_tess.post(
        reverse("courses:addendum", args=[record.pk]),
        {"text": "Her sister is older, not younger."},
        follow=True,
    )

    page = _page(response)
    assert "The addendum is added." in _messages(response)
    assert "Her sister is older, not younger." in page
    assert f"Tess, {timezone.localtime():%-d %b %Y}" in page


def test_a_refused_addendum_is_shown_again_and_its_text_is_kept_nowhere_else(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.save_session_record(
        appointment, actor=tess, data=CLEAR_RISK, expected_version=0
    )
    services.sign_session_record(record, actor=tess, expected_version=1)
    typed = "Her sister\x07 is older, not younger."  # a control character is refused

    response = as_tess.post(reverse("courses:addendum", args=[record.pk]), {"text": typed})

    assert response.status_code == 400
    page = _page(response)
    assert "Her sister is older, not younger." in page  # back in its box, without the bell
    assert "data-has-unsaved" in page
    assert _messages(response)
    assert not record.addenda.exists()
    session = as_tess.session
    assert "addendum_draft" not in session
    assert not any("sister" in str(value) for value in session.values())
    # The next visit starts with an empty box: nothing was carried over.
    again = _page(as_tess.get(_record_url(appointment)))
    assert "Her sister" not in again


def test_an_addendum_to_an_unsigned_record_is_refused_with_a_message(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    record = services.save_session_record(
        appointment, actor=tess, data={"notes": "Draft."}, expected_version=0
    )

    response = as_tess.post(
        reverse("courses:addendum", args=[record.pk]), {"text": "A correction."}, follow=True
    )

    assert "Edit the record itself: addenda are for records that are already signed." in (
        _messages(response)
    )
    assert not record.addenda.exists()


def test_ticking_raise_ending_on_the_form_records_that_the_ending_was_raised(
    as_tess: HttpClient, cara: Client, tess: User
) -> None:
    course = open_course_for(cara, tess, weeks_ago=8, contracted=12)
    eighth = attend_next(course, tess, 8)[-1]
    assert "Talk about the ending: 4 sessions left after this one" in _page(
        as_tess.get(_record_url(eighth))
    )

    as_tess.post(
        _record_url(eighth),
        {"version": "0", "notes": "Raised the ending.", "tasks_done": ["raise_ending"]},
    )

    course.refresh_from_db()
    assert course.ending_raised_on == timezone.localdate(eighth.starts_at)


def test_a_supervisor_reads_a_record_but_cannot_write_it(
    client: HttpClient, cara_course: Course, tess: User, sam: User
) -> None:
    (appointment,) = attend_next(cara_course, tess)
    services.save_session_record(
        appointment, actor=tess, data={"notes": "Tess's notes."}, expected_version=0
    )
    as_sam = _signed_in(client, sam)

    page = _page(as_sam.get(_record_url(appointment)))
    posted = as_sam.post(_record_url(appointment), {"version": "1", "notes": "Sam's notes."})

    assert "Draft record" in page
    assert 'name="notes"' not in page
    assert posted.status_code == 404
    assert SessionRecord.objects.get().notes == "Tess's notes."


# Rebooking


def test_rebooking_without_a_date_books_a_week_after_the_last_appointment(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    missed = _appointments(cara_course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)
    last = timezone.localtime(_appointments(cara_course)[-1].starts_at)

    response = as_tess.post(reverse("courses:rebook", args=[missed.pk]), {}, follow=True)

    replacement = Appointment.objects.get(replaces=missed)
    assert timezone.localtime(replacement.starts_at) == last + timedelta(weeks=1)
    expected = last + timedelta(weeks=1)
    assert f"Rebooked for {expected:%A %-d %B at %H:%M}." in _messages(response)
    assert f"replaces {timezone.localtime(missed.starts_at):%-d %b}" in _page(response)


def test_rebooking_an_attended_appointment_is_refused_on_the_page(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    (attended,) = attend_next(cara_course, tess)

    response = as_tess.post(reverse("courses:rebook", args=[attended.pk]), {})

    assert "Only a missed or cancelled appointment can be rebooked." in _page(response)
    assert not Appointment.objects.filter(replaces=attended).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on": "2020-01-06", "at": "10:00"}, "A new appointment cannot be in the past."),
        ({"on": "2099-01-06", "at": ""}, "Give a time for the new appointment."),
        ({"on": "someday", "at": "10:00"}, "Enter a real date"),
    ],
)
def test_a_rebooking_date_is_checked(
    as_tess: HttpClient, cara_course: Course, tess: User, data: dict[str, str], message: str
) -> None:
    missed = _appointments(cara_course)[0]
    services.set_attendance(missed, actor=tess, status=Attendance.DID_NOT_ATTEND)

    response = as_tess.post(reverse("courses:rebook", args=[missed.pk]), data)

    assert message in _page(response)
    assert f'value="{data["on"]}"' in _page(response)
    assert not Appointment.objects.filter(replaces=missed).exists()


# The contract


def test_a_provisional_contract_is_changed_on_the_page(
    as_tess: HttpClient, cara_course: Course
) -> None:
    response = as_tess.post(
        reverse("courses:contract", args=[cara_course.pk]),
        {"form": "contract", "contracted_sessions": "14", "reason": ""},
    )

    assert response.status_code == 302
    assert cara_course.appointments.count() == 14
    assert ContractChange.objects.get().renegotiation is False


def test_after_the_agreement_the_page_asks_for_the_reason_and_keeps_the_number(
    as_tess: HttpClient, cara_course: Course
) -> None:
    url = reverse("courses:contract", args=[cara_course.pk])
    agreed = as_tess.post(url, {"form": "agreement", "agreed_on": timezone.localdate().isoformat()})
    assert agreed.status_code == 302

    response = as_tess.post(url, {"form": "contract", "contracted_sessions": "13", "reason": ""})

    page = _page(response)
    assert "a change is a renegotiation: record the reason" in page
    assert 'value="13"' in page
    cara_course.refresh_from_db()
    assert cara_course.contracted_sessions == 16

    as_tess.post(url, {"form": "contract", "contracted_sessions": "13", "reason": "Holiday."})

    assert ContractChange.objects.get().renegotiation is True


def test_a_17_session_contract_is_refused_on_the_contract_page(
    as_tess: HttpClient, cara_course: Course
) -> None:
    response = as_tess.post(
        reverse("courses:contract", args=[cara_course.pk]),
        {"form": "contract", "contracted_sessions": "17", "reason": ""},
    )

    assert "17 is too many" in _page(response)
    assert not ContractChange.objects.exists()


# Ending a course


def _end(client: HttpClient, course: Course, **data: str) -> Any:
    return client.post(reverse("courses:end", args=[course.pk]), data)


def test_ending_early_without_a_reason_keeps_the_typed_note(
    as_tess: HttpClient, cara_course: Course
) -> None:
    response = _end(
        as_tess,
        cara_course,
        outcome="ended_early",
        reason="",
        note="Has moved to Leeds.",
        ended_on=timezone.localdate().isoformat(),
    )

    page = _page(response)
    assert "Choose why the course ended early." in page
    assert "Has moved to Leeds.</textarea>" in page
    cara_course.refresh_from_db()
    assert cara_course.is_open


def test_completing_a_course_with_sessions_left_explains_why_not(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 7)
    day = timezone.localdate().isoformat()

    response = _end(as_tess, cara_course, outcome="completed", note="Went well.", ended_on=day)

    page = _page(response)
    assert "Only 7 of 16 sessions have taken place." in page
    assert f'value="{day}"' in page
    assert "Went well.</textarea>" in page


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        ((timezone.localdate() + timedelta(days=2)).isoformat(), "cannot be in the future"),
        ("yesterday", "Enter a real date"),
        ("31/02/2026", "Enter a real date"),
    ],
)
def test_a_bad_end_date_gets_a_clear_message(
    as_tess: HttpClient, cara_course: Course, ended_on: str, message: str
) -> None:
    response = _end(
        as_tess, cara_course, outcome="ended_early", reason="dropped_out", ended_on=ended_on
    )

    assert response.status_code == 200
    assert message in _page(response)
    assert f'value="{ended_on}"' in _page(response)


def test_ending_a_course_on_the_page_closes_it_and_cancels_what_was_planned(
    as_tess: HttpClient, cara_course: Course, tess: User
) -> None:
    attend_next(cara_course, tess, 2)

    record_the_past_as_missed(cara_course, tess)
    response = _end(
        as_tess,
        cara_course,
        outcome="ended_early",
        reason="not_suitable",
        ended_on=timezone.localdate().isoformat(),
    )

    assert response.status_code == 302
    cara_course.refresh_from_db()
    assert (cara_course.state, cara_course.early_end_reason) == ("ended_early", "not_suitable")
    assert not cara_course.appointments.filter(status=Attendance.PLANNED).exists()
    page = _page(as_tess.get(response["Location"]))
    assert "Ended early" in page
    assert "End the course" not in page


# Someone else's client


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("courses:new", "get"),
        ("courses:contract", "get"),
        ("courses:end", "get"),
        ("courses:rebook", "get"),
        ("courses:record", "get"),
        ("courses:attendance", "post"),
    ],
)
def test_otto_gets_404_on_caras_course_pages(
    client: HttpClient,
    cara_course: Course,
    cara: Client,
    tess: User,
    otto: User,
    name: str,
    method: str,
) -> None:
    (attended,) = attend_next(cara_course, tess)
    arg = {
        "courses:new": cara.pk,
        "courses:contract": cara_course.pk,
        "courses:end": cara_course.pk,
    }.get(name, attended.pk)

    response = getattr(_signed_in(client, otto), method)(reverse(name, args=[arg]))

    assert response.status_code == 404
