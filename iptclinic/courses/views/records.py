"""Session records: writing one, signing it, and addenda to a signed record."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.inventory.selectors import focus_work_context
from iptclinic.ipt.tasks import session_checklist
from iptclinic.lib.concurrency import EditConflict

from .. import services
from ..access import appointment_for, record_for
from ..forms import SessionRecordForm
from ..models import Course, SessionRecord
from .course import _require_editor


@staff_required()
@require_http_methods(["GET", "POST"])
def session_record(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request.user, appointment_id)
    course = appointment.course
    client = course.referral.client
    timeline = Course.objects.prefetch_related("appointments").get(pk=course.pk).timeline()
    row = next((r for r in timeline.rows if r.appointment.pk == appointment.pk), None)
    if row is None or row.number is None:
        raise Http404
    record = (
        SessionRecord.objects.filter(appointment=appointment)
        .prefetch_related("addenda__author")
        .first()
    )
    checklist = session_checklist(
        row.number,
        course.contracted_sessions,
        course.variant_enum,
        focus_agreed=course.focus_agreed_for(appointment),
    )
    editable = can_edit_clinical_record(request.user, client) and not (record and record.is_signed)
    form = SessionRecordForm(
        request.POST if request.method == "POST" else None,
        instance=record or SessionRecord(),
        checklist=checklist,
    )
    status, latest = 200, None
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                saved = services.save_session_record(
                    appointment,
                    actor=request.user,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
                latest = SessionRecord.objects.get(appointment=appointment)
            except services.CourseRuleError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, f"The record of session {row.number} is saved.")
                return redirect("courses:record", saved.appointment_id)
    record_view(request, client, "session_record")
    return render(
        request,
        "courses/session_record.html",
        {
            "client": client,
            "course": course,
            "appointment": appointment,
            "row": row,
            "record": record,
            "form": form,
            "editable": editable,
            "can_edit": can_edit_clinical_record(request.user, client),
            "latest": latest,
            "contracted": course.contracted_sessions,
            # Middle-phase strategies, techniques and goal ratings (inventory app), else None.
            "focus_work": focus_work_context(appointment, phase=row.phase, editable=editable),
        },
        status=status,
    )


@staff_required()
@require_POST
def record_sign(request: HttpRequest, record_id: int) -> HttpResponse:
    record = record_for(request.user, record_id)
    _require_editor(request, record.appointment.course.referral.client)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.sign_session_record(record, actor=request.user, expected_version=version)
    except services.CourseRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "The record is signed. It can no longer be changed; add an addendum to correct it.",
        )
    return redirect("courses:record", record.appointment_id)


@staff_required()
@require_POST
def record_addendum(request: HttpRequest, record_id: int) -> HttpResponse:
    record = record_for(request.user, record_id)
    _require_editor(request, record.appointment.course.referral.client)
    try:
        services.add_addendum(record, actor=request.user, text=request.POST.get("text", ""))
    except services.CourseRuleError as error:
        messages.error(request, str(error))
        request.session["addendum_draft"] = request.POST.get("text", "")
    else:
        request.session.pop("addendum_draft", None)
        messages.success(request, "The addendum is added.")
    return redirect("courses:record", record.appointment_id)
