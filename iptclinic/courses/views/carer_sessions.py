"""Parent or carer sessions in the schedule (IPT for adolescents, issue 14)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.ipt.attendance import Attendee

from .. import services
from ..access import appointment_for, course_for
from ..forms import AttendeeForm, CarerSessionForm


@staff_required()
@require_http_methods(["GET", "POST"])
def appointment_attendee(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Who a planned appointment is with: the client, with a parent or carer, or the carer alone."""
    appointment = appointment_for(request.user, appointment_id)
    client = appointment.course.referral.client
    if not can_edit_clinical_record(request.user, client):
        raise Http404
    form = AttendeeForm(
        request.POST if request.method == "POST" else None,
        carers=client.carers.all(),
        initial={"attendee": appointment.attendee, "carer": appointment.carer_id},
    )
    if request.method == "POST" and form.is_valid():
        carer = form.cleaned_data["carer"]
        try:
            services.set_attendee(
                appointment,
                actor=request.user,
                attendee=Attendee(form.cleaned_data["attendee"]),
                carer_id=carer.pk if carer else None,
            )
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Who attends is saved.")
            return redirect("clients:detail", client.pk)
    record_view(request, client, "appointment_attendee")
    return render(
        request,
        "courses/appointment_attendee.html",
        {"client": client, "appointment": appointment, "form": form},
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def carer_session_new(request: HttpRequest, course_id: int) -> HttpResponse:
    """Book an extra session with a parent or carer alone: it uses none of the contract."""
    course = course_for(request.user, course_id)
    client = course.referral.client
    if not can_edit_clinical_record(request.user, client):
        raise Http404
    form = CarerSessionForm(
        request.POST if request.method == "POST" else None,
        carers=client.carers.all(),
        initial={"on": timezone.localdate(), "at": course.session_time},
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.book_carer_session(
                course,
                actor=request.user,
                starts_at=form.starts_at(course.time_zone),
                carer_id=form.cleaned_data["carer"].pk,
            )
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Parent or carer session booked for "
                f"{timezone.localtime(appointment.starts_at):%A %-d %B at %H:%M}.",
            )
            return redirect("clients:detail", client.pk)
    record_view(request, client, "carer_session_new")
    return render(
        request,
        "courses/carer_session_new.html",
        {"client": client, "course": course, "form": form},
    )
