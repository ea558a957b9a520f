"""The service user's appointments (issue 11, item 2): the next session first, every session of
the course with where it is, a calendar file, "I can't come" and "Can we move it?", and their
choice about reminders. A request never changes the booking; it reaches the therapist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from iptclinic.accounts.models import User
from iptclinic.audit.services import record
from iptclinic.audit.views import record_view
from iptclinic.clients.models import Client
from iptclinic.courses.models import Appointment, Course, SessionRequest, SessionRequestKind
from iptclinic.courses.requests import REASON_LIMIT, RequestError, request_session_change
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.portal_sessions import PAST_WORDS, course_stage_words, portal_numbers
from iptclinic.lib.forms import CheckedTextForm
from iptclinic.notifications.models import ReminderChoice
from iptclinic.notifications.reminders import reminder_choice_of, set_reminder_choice

from .access import own_client
from .appointments_calendar import portal_ics

KIND_OF_SLUG = {"cant-come": SessionRequestKind.CANNOT_COME, "move": SessionRequestKind.MOVE}


class SessionRequestForm(CheckedTextForm, forms.Form):
    reason = forms.CharField(
        label="Tell us why (optional)",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-textarea"}),
        error_messages={"max_length": f"Keep it to {REASON_LIMIT} characters or fewer."},
    )


class ReminderForm(CheckedTextForm, forms.Form):
    choice = forms.ChoiceField(
        label="How should we remind you?",
        widget=forms.RadioSelect,
        choices=ReminderChoice.choices,
        error_messages={"required": "Choose how you want to be reminded, or no reminders."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_choice(self) -> str:
        choice = self.cleaned_data["choice"]
        if choice == ReminderChoice.EMAIL and not self.user.email.strip():
            raise forms.ValidationError(
                "We do not have an email address for you. Choose text message, or ask the team "
                "to add your email address."
            )
        if choice == ReminderChoice.SMS and not self.user.mobile_phone.strip():
            raise forms.ValidationError(
                "We do not have a mobile number for you. Choose email, or ask the team to add "
                "your mobile number."
            )
        return choice


@dataclass(frozen=True)
class SessionLine:
    appointment: Appointment
    number: int | None
    contracted: int
    upcoming: bool
    request: SessionRequest | None

    @property
    def status_words(self) -> str:
        return PAST_WORDS[Attendance(self.appointment.status)]

    @property
    def minutes(self) -> int:
        return self.appointment.duration_minutes

    @property
    def ends_at(self) -> datetime:
        return self.appointment.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Sessions:
    course: Course | None
    lines: list[SessionLine]
    stage_words: str

    @property
    def upcoming(self) -> list[SessionLine]:
        return [line for line in self.lines if line.upcoming]

    @property
    def next(self) -> SessionLine | None:
        return next(iter(self.upcoming), None)

    @property
    def past(self) -> list[SessionLine]:
        return [line for line in self.lines if not line.upcoming]


def current_course(client: Client) -> Course | None:
    """The open course, else the latest one; with its appointments and their requests."""
    courses = (
        Course.objects.filter(referral__client=client)
        .order_by("-start_date", "-id")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.order_by("starts_at", "id").prefetch_related(
                    "session_requests"
                ),
            )
        )
    )
    listed = list(courses)
    return next((c for c in listed if c.is_open), listed[0] if listed else None)


def sessions_of(client: Client) -> Sessions:
    course = current_course(client)
    if course is None:
        return Sessions(course=None, lines=[], stage_words="")
    now = timezone.now()
    # A parent or carer session without the young person is not one of their sessions.
    appointments = [a for a in course.appointments.all() if a.counts_toward_contract]
    to_come = [course.is_open and a.is_planned and a.starts_at >= now for a in appointments]
    numbers = portal_numbers(
        [(Attendance(a.status), c) for a, c in zip(appointments, to_come, strict=True)],
        course.contracted_sessions,
    )
    lines = [
        SessionLine(
            appointment=a,
            number=n,
            contracted=course.contracted_sessions,
            upcoming=c,
            request=next(iter(a.session_requests.all()), None),
        )
        for a, n, c in zip(appointments, numbers, to_come, strict=True)
    ]
    attended = sum(1 for a in appointments if a.is_attended and a.counts_toward_contract)
    stage = course_stage_words(
        attended,
        course.contracted_sessions,
        course.variant_enum,
        focus_agreed=course.middle_phase_allowed_on is not None,
        ended=not course.is_open,
    )
    return Sessions(course=course, lines=lines, stage_words=stage)


def home_context(client: Client) -> dict[str, object]:
    """What the portal's home page shows of the appointments: the next session first."""
    sessions = sessions_of(client)
    return {"sessions": sessions, "therapist": client.therapist}


def _own_appointment(client: Client, appointment_id: int) -> Appointment:
    try:
        appointment = Appointment.objects.select_related("course").get(
            pk=appointment_id, course__referral__client=client
        )
    except Appointment.DoesNotExist:
        raise Http404 from None
    return appointment


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    client = own_client(request.user)
    record_view(request, client, "portal_appointments")
    return render(
        request,
        "portal/appointments/list.html",
        {"client": client, "team": client.team, **home_context(client)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_request(request: HttpRequest, appointment_id: int, kind: str) -> HttpResponse:
    """ "I can't come" or "Can we move it?" about one future session, with an optional reason."""
    client = own_client(request.user)
    if kind not in KIND_OF_SLUG:
        raise Http404
    appointment = _own_appointment(client, appointment_id)
    request_kind = KIND_OF_SLUG[kind]
    upcoming = appointment.is_planned and appointment.starts_at > timezone.now()
    form = SessionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and upcoming and form.is_valid():
        try:
            request_session_change(
                appointment,
                actor=request.user,
                kind=request_kind,
                reason=form.cleaned_data["reason"],
            )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            return redirect("portal:session_request_sent", appointment.pk)
    return render(
        request,
        "portal/appointments/request.html",
        {
            "client": client,
            "team": client.team,
            "appointment": appointment,
            "kind": request_kind,
            "upcoming": upcoming,
            "form": form,
            "therapist": client.therapist,
        },
    )


@login_required
@require_GET
def session_request_sent(request: HttpRequest, appointment_id: int) -> HttpResponse:
    client = own_client(request.user)
    appointment = _own_appointment(client, appointment_id)
    return render(
        request,
        "portal/appointments/sent.html",
        {
            "client": client,
            "team": client.team,
            "appointment": appointment,
            "therapist": client.therapist,
        },
    )


@login_required
@require_GET
def calendar_file(request: HttpRequest) -> HttpResponse:
    """The planned sessions as an ICS file; no clinical word in it (hazard H-087)."""
    client = own_client(request.user)
    sessions = sessions_of(client)
    if not sessions.upcoming:
        return render(
            request,
            "portal/appointments/no_calendar.html",
            {"client": client, "team": client.team},
            status=404,
        )
    ics = portal_ics(client, [line.appointment for line in sessions.upcoming])
    record(
        actor=request.user,
        action="portal.calendar_download",
        client=client,
        detail={"appointments": len(sessions.upcoming)},
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointments.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """How the person wants to be reminded of their sessions, or not at all."""
    client = own_client(request.user)
    current = reminder_choice_of(request.user)
    form = ReminderForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"choice": current},
    )
    if request.method == "POST" and form.is_valid():
        set_reminder_choice(request.user, client=client, choice=form.cleaned_data["choice"])
        messages.success(request, "Your choice about reminders is saved.")
        return redirect("portal:appointments")
    return render(
        request,
        "portal/appointments/reminders.html",
        {"client": client, "team": client.team, "form": form},
    )
