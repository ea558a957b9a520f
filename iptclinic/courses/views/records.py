"""Session records: writing one (with its focus work in the middle phase), signing, addenda.

Signing has its own confirmation page showing the record as it will be signed, what signing
means, and anything that must be put right first (``signing.py``); the page needs no script.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import User
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.fidelity.selectors import record_link
from iptclinic.inventory import services as inventory_services
from iptclinic.inventory.forms import FocusWorkForm
from iptclinic.inventory.selectors import focus_work_context
from iptclinic.ipt.tasks import Task, session_checklist
from iptclinic.lib.concurrency import EditConflict
from iptclinic.lib.text import TextKind, without_refused

from .. import services
from ..access import appointment_for, record_for
from ..forms import SessionRecordForm
from ..models import Appointment, Course, SessionRecord, TimelineRow
from ..signing import risk_contradictions, risk_signals, signing_problems


def _record_to_write(request: HttpRequest, record_id: int) -> SessionRecord:
    """A record the user may sign or add to: only the allocated therapist writes (else 404)."""
    record = record_for(request.user, record_id)
    if not can_edit_clinical_record(request.user, record.appointment.course.referral.client):
        raise Http404
    return record


def _numbered_row(appointment: Appointment) -> TimelineRow:
    """The session's number and phase; 404 for an appointment that was not an attended session."""
    timeline = (
        Course.objects.prefetch_related("appointments").get(pk=appointment.course_id).timeline()
    )
    row = next((r for r in timeline.rows if r.appointment.pk == appointment.pk), None)
    if row is None or row.number is None:
        raise Http404
    return row


def _checklist(appointment: Appointment, row: TimelineRow) -> tuple[Task, ...]:
    course = appointment.course
    assert row.number is not None  # _numbered_row
    return session_checklist(
        row.number,
        course.contracted_sessions,
        course.variant_enum,
        focus_agreed=course.focus_agreed_for(appointment),
    )


def _save_session(
    appointment: Appointment,
    *,
    actor: User,
    form: SessionRecordForm,
    focus_form: FocusWorkForm | None,
) -> SessionRecord:
    """Everything on the record page in one save: in the middle phase, the focus work too."""
    record = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    if focus_form is None:
        return services.save_session_record(
            appointment, actor=actor, data=record, expected_version=form.cleaned_data["version"]
        )
    return inventory_services.save_session_record_and_focus_work(
        appointment,
        actor=actor,
        record=record,
        record_version=form.cleaned_data["version"],
        techniques=focus_form.cleaned_data["techniques"],
        ratings=focus_form.ratings,
        focus_work_version=focus_form.cleaned_data["version"],
    )


def _latest_saved(
    appointment: Appointment,
    row: TimelineRow,
    form: SessionRecordForm,
    focus_form: FocusWorkForm | None,
) -> dict[str, Any]:
    """After a conflict: the latest saved version of each part someone else changed, to compare.

    Its version goes into the form, so the next save (after reading it) is not refused again.
    """
    latest = SessionRecord.objects.filter(appointment=appointment).first()
    changed = latest is not None and latest.version != form.cleaned_data["version"]
    latest_work = None
    if focus_form is not None:
        saved = focus_work_context(appointment, phase=row.phase, editable=False)
        work = saved["work"] if saved else None
        if work is not None and work.version != focus_form.cleaned_data["version"]:
            latest_work = saved
    return {"latest": latest if changed else None, "latest_work": latest_work}


def _saved(request: HttpRequest, row: TimelineRow, record: SessionRecord) -> HttpResponse:
    """Say the record is saved, and if its risk check still needs reconciling; then go on to
    the signing page if that was the button pressed, else back to the record."""
    messages.success(request, f"The record of session {row.number} is saved.")
    if risk_contradictions(record, risk_signals(record.appointment)):
        messages.warning(
            request,
            "The risk check differs from what else is known about risk at this session. "
            "Change it, or say why it differs, before signing.",
        )
    if request.POST.get("then") == "sign":
        return redirect("courses:sign", record.pk)
    return redirect("courses:record", record.appointment_id)


@staff_required()
@require_http_methods(["GET", "POST"])
def session_record(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _session_record_page(request, appointment_for(request.user, appointment_id))


def _session_record_page(
    request: HttpRequest, appointment: Appointment, *, addendum: dict[str, str] | None = None
) -> HttpResponse:
    """The record page; on a POST to it, the save. ``addendum`` holds a refused addendum's text,
    shown again in its box (and kept nowhere else), with the reason as a message."""
    client = appointment.course.referral.client
    row = _numbered_row(appointment)
    record = (
        SessionRecord.objects.filter(appointment=appointment)
        .prefetch_related("addenda__author")
        .first()
    )
    editable = can_edit_clinical_record(request.user, client) and not (record and record.is_signed)
    saving = request.method == "POST" and addendum is None
    if saving and not editable:
        raise Http404
    data = request.POST if saving else None
    signals = risk_signals(appointment)
    checklist = _checklist(appointment, row)
    form = SessionRecordForm(
        data,
        instance=record or SessionRecord(),
        checklist=checklist,
        ask_reconciliation=signals.any,
    )
    # After the course has ended its record can still be finished, but not its focus work.
    focus_work = focus_work_context(
        appointment,
        phase=row.phase,
        editable=editable and appointment.course.is_open,
        data=data,
    )
    focus_form = focus_work["form"] if focus_work and focus_work["editable"] else None
    # Both forms are checked, so every mistake on the page is shown at once.
    valid = [form.is_valid(), focus_form is None or focus_form.is_valid()]
    status, conflict = 200, {"latest": None, "latest_work": None}
    if data is not None and all(valid):
        try:
            saved = _save_session(appointment, actor=request.user, form=form, focus_form=focus_form)
        except EditConflict as error:
            form.add_error(None, str(error))
            status, conflict = 409, _latest_saved(appointment, row, form, focus_form)
        except inventory_services.InventoryRuleError as error:
            assert focus_form is not None  # raised only by the focus work
            focus_form.add_error(
                error.field if error.field in focus_form.fields else None, str(error)
            )
            status = 409
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            return _saved(request, row, saved)
    record_view(request, client, "session_record")
    return render(
        request,
        "courses/session_record.html",
        {
            "client": client,
            "course": appointment.course,
            "appointment": appointment,
            "row": row,
            "record": record,
            "covered": [
                task.label for task in checklist if record and task.code in record.tasks_done
            ],
            "form": form,
            "editable": editable,
            "can_edit": can_edit_clinical_record(request.user, client),
            "contracted": appointment.course.contracted_sessions,
            "signals": signals,
            "contradictions": risk_contradictions(record, signals) if record else [],
            # Middle-phase strategies, techniques and goal ratings (inventory app), else None.
            "focus_work": focus_work and {**focus_work, "latest_work": conflict["latest_work"]},
            "latest": conflict["latest"],
            "refused_addendum": addendum,
            # Adherence (issue 13): the link to rate this session, for its therapist or supervisor.
            "adherence": record and record_link(request.user, appointment),
        },
        status=400 if addendum else status,
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def record_sign(request: HttpRequest, record_id: int) -> HttpResponse:
    """GET: the record as it will be signed, with what signing means; POST: sign that version."""
    record = _record_to_write(request, record_id)
    appointment = record.appointment
    client = appointment.course.referral.client
    if record.is_signed:
        messages.info(request, "This record is already signed.")
        return redirect("courses:record", appointment.pk)
    if request.method == "POST":
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
        return redirect("courses:record", appointment.pk)
    row = _numbered_row(appointment)
    signals = risk_signals(appointment)
    record_view(request, client, "session_record_sign")
    return render(
        request,
        "courses/record_sign.html",
        {
            "client": client,
            "appointment": appointment,
            "row": row,
            "record": record,
            "covered": [
                t.label for t in _checklist(appointment, row) if t.code in record.tasks_done
            ],
            "contracted": appointment.course.contracted_sessions,
            "signals": signals,
            "contradictions": risk_contradictions(record, signals),
            "problems": signing_problems(record, signals),
            "focus_work": focus_work_context(appointment, phase=row.phase, editable=False),
        },
    )


@staff_required()
@require_POST
def record_addendum(request: HttpRequest, record_id: int) -> HttpResponse:
    """Add an addendum; a refused one is shown again in the page with what was typed (the
    clinical text is never kept in the session)."""
    record = _record_to_write(request, record_id)
    text = request.POST.get("text", "")
    try:
        services.add_addendum(record, actor=request.user, text=text)
    except services.CourseRuleError as error:
        messages.error(request, str(error))
        # Shown again without any refused character, which the person could not find to delete.
        shown = without_refused(text, TextKind.LINES)
        return _session_record_page(request, record.appointment, addendum={"text": shown})
    messages.success(request, "The addendum is added.")
    return redirect("courses:record", record.appointment_id)
