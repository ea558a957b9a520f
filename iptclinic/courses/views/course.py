"""Caseload, opening a course, its schedule and attendance, the contract and ending a course."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.attention.access import own_items
from iptclinic.attention.selectors import item_rows, open_items, safety_net_status
from iptclinic.audit.services import record_list_view
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record, client_for, visible_clients
from iptclinic.ipt.attendance import Attendance
from iptclinic.ipt.variants import age_outside_range, variant_config
from iptclinic.measures.models import RiskAlert
from iptclinic.measures.selectors import caseload_alerts, duty_alerts

from .. import requests as session_requests
from .. import services
from ..access import appointment_for, course_for
from ..forms import (
    AgreementForm,
    AppointmentPlaceForm,
    ContractForm,
    EndCourseForm,
    OpenCourseForm,
    RebookForm,
)
from ..models import Appointment, Course
from ..selectors import caseload as build_caseload
from ..selectors import sessions_between, week_bounds

ATTENTION_ON_CASELOAD = 10


@staff_required()
def caseload(request: HttpRequest) -> HttpResponse:
    clients = visible_clients(request.user)
    work = build_caseload(clients, timezone.localdate())
    rows = work.open.rows
    start, end = week_bounds(timezone.localdate())
    # The safety net (issue 8): the person's own work queue heads the page.
    attention = item_rows(open_items(own_items(request.user))[:ATTENTION_ON_CASELOAD])
    # measures (issue 4): open risk alerts of every client the person sees, on the list or not.
    risk_alerts = caseload_alerts(clients)
    record_list_view(
        actor=request.user,
        action="caseload.view",
        clients=[row.client for row in rows]
        + work.waiting.rows
        + [course.referral.client for course in work.ended.rows]
        + [alert.client for alert in risk_alerts]
        + [row.item.client for row in attention if row.item.client_id],
    )
    return render(
        request,
        "courses/caseload.html",
        {
            "attention": attention,
            "attention_status": safety_net_status(request.user.team),
            "work": work,
            "rows": rows,
            "alerted_client_ids": {alert.client_id for alert in risk_alerts},
            "this_week": sessions_between(rows, start, end),
            "week_start": start,
            "to_write": [
                (row, item)
                for row in rows
                if row.timeline
                for item in row.timeline.records_to_write
            ],
            "risk_alerts": risk_alerts,
            "duty_alerts": duty_alerts(request.user),
        },
    )


def _require_editor(request: HttpRequest, client: object) -> None:
    if not can_edit_clinical_record(request.user, client):
        raise Http404


@staff_required()
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    _require_editor(request, client)
    referrals = client.referrals.filter(closed_on__isnull=True)
    form = OpenCourseForm(
        request.POST if request.method == "POST" else None,
        referrals=referrals,
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.open_course(
                data["referral"],
                actor=request.user,
                contracted_sessions=data["contracted_sessions"],
                start_date=data["start_date"],
                weekday=data["weekday"],
                session_time=data["session_time"],
                variant=data["variant"],
                slot_minutes=data["slot_minutes"],
            )
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The course is open and its appointments are booked.")
            age = age_outside_range(data["variant"], client.date_of_birth, data["start_date"])
            if age is not None:
                config = variant_config(data["variant"])
                low, high = config.age_range or (0, 0)
                messages.warning(
                    request,
                    f"{client.called} is {age}. {config.name} is meant for ages {low} to "
                    f"{high}: check it is the right kind of IPT.",
                )
            return redirect("clients:detail", client.pk)
    record_view(request, client, "course_new")
    return render(request, "courses/course_new.html", {"client": client, "form": form})


def _timeline_fragment(request: HttpRequest, course: Course, error: str = "") -> HttpResponse:
    course = (
        Course.objects.select_related("referral__client", "continues", "continued_by")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related(
                    "record", "replacement", "replaces", "carer"
                ).annotate(request_count=Count("session_requests")),
            )
        )
        .get(pk=course.pk)
    )
    client = course.referral.client
    return render(
        request,
        "courses/_timeline.html",
        {
            "course": course,
            "timeline": course.timeline(),
            "client": client,
            "can_edit": can_edit_clinical_record(request.user, client),
            "error": error,
        },
    )


@staff_required()
@require_POST
def appointment_attendance(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request.user, appointment_id)
    client = appointment.course.referral.client
    _require_editor(request, client)
    try:
        status = Attendance(request.POST.get("status", ""))
        services.set_attendance(appointment, actor=request.user, status=status)
    except ValueError as error:
        message = (
            str(error)
            if isinstance(error, services.CourseRuleError)
            else "Choose a valid attendance."
        )
        if request.htmx:
            return _timeline_fragment(request, appointment.course, error=message)
        messages.error(request, message)
        return redirect("clients:detail", client.pk)
    if request.htmx:
        return _timeline_fragment(request, appointment.course)
    messages.success(request, "Attendance saved.")
    return redirect("clients:detail", client.pk)


@staff_required()
@require_http_methods(["GET", "POST"])
def appointment_rebook(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request.user, appointment_id)
    course = appointment.course
    client = course.referral.client
    _require_editor(request, client)
    form = RebookForm(
        request.POST if request.method == "POST" else None,
        initial={"place": appointment.place, "video_link": appointment.video_link},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                replacement = services.rebook(
                    appointment, actor=request.user, starts_at=form.starts_at(course.time_zone)
                )
                session_requests.set_appointment_place(
                    replacement,
                    actor=request.user,
                    place=form.cleaned_data["place"],
                    video_link=form.cleaned_data["video_link"],
                )
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Rebooked for {timezone.localtime(replacement.starts_at):%A %-d %B at %H:%M}.",
            )
            return redirect("clients:detail", client.pk)
    record_view(request, client, "rebook")
    return render(
        request, "courses/rebook.html", {"client": client, "appointment": appointment, "form": form}
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """One appointment: where it happens (editable) and the client's requests about it."""
    appointment = appointment_for(request.user, appointment_id)
    client = appointment.course.referral.client
    can_edit = can_edit_clinical_record(request.user, client)
    form = AppointmentPlaceForm(
        request.POST if request.method == "POST" else None,
        initial={"place": appointment.place, "video_link": appointment.video_link},
    )
    if request.method == "POST":
        _require_editor(request, client)
        if form.is_valid():
            session_requests.set_appointment_place(
                appointment, actor=request.user, **form.cleaned_data
            )
            messages.success(request, "Where the session happens is saved.")
            return redirect("courses:appointment", appointment.pk)
    record_view(request, client, "appointment")
    return render(
        request,
        "courses/appointment.html",
        {
            "client": client,
            "appointment": appointment,
            "requests": appointment.session_requests.select_related("made_by"),
            "form": form,
            "can_edit": can_edit,
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def course_contract(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    _require_editor(request, client)
    contract = ContractForm(
        request.POST if request.POST.get("form") == "contract" else None,
        variant=course.variant_enum,
        initial={"contracted_sessions": course.contracted_sessions},
    )
    agreement = AgreementForm(
        request.POST if request.POST.get("form") == "agreement" else None,
        initial={"agreed_on": timezone.localdate()},
    )
    if request.method == "POST":
        try:
            if contract.is_bound and contract.is_valid():
                services.change_contract(
                    course,
                    actor=request.user,
                    contracted_sessions=contract.cleaned_data["contracted_sessions"],
                    reason=contract.cleaned_data["reason"],
                )
                messages.success(request, "The contract is changed.")
                return redirect("clients:detail", client.pk)
            if agreement.is_bound and agreement.is_valid():
                services.agree_contract(
                    course, actor=request.user, agreed_on=agreement.cleaned_data["agreed_on"]
                )
                messages.success(
                    request, "The treatment agreement is recorded; the contract is now fixed."
                )
                return redirect("clients:detail", client.pk)
        except services.CourseRuleError as error:
            (contract if contract.is_bound else agreement).add_error(None, str(error))
    record_view(request, client, "contract")
    return render(
        request,
        "courses/contract.html",
        {"client": client, "course": course, "contract": contract, "agreement": agreement},
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def course_end(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    _require_editor(request, client)
    form = EndCourseForm(
        request.POST if request.method == "POST" else None,
        initial={"ended_on": timezone.localdate()},
        open_alerts=RiskAlert.objects.open().filter(client=client).order_by("raised_at", "id"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.end_course(
                course,
                actor=request.user,
                target=form.target,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.early_reason,
                note=form.cleaned_data["note"],
                alert_reviews=form.alert_reviews(),
            )
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The course has ended.")
            return redirect("clients:detail", client.pk)
    record_view(request, client, "course_end")
    timeline = Course.objects.prefetch_related("appointments").get(pk=course.pk).timeline()
    return render(
        request,
        "courses/course_end.html",
        {"client": client, "course": course, "form": form, "timeline": timeline},
    )
