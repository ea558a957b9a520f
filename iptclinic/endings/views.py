"""The ending page of a course: the progress review, the ending record, and what comes next."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.access import course_for
from iptclinic.courses.services import CourseRuleError
from iptclinic.history.selectors import last_correction
from iptclinic.ipt.ending import EndingKind, needs_new_contract
from iptclinic.ipt.lifecycle import CourseState
from iptclinic.lib.concurrency import EditConflict

from . import services
from .completion import ending_record_for
from .forms import EndingRecordForm
from .models import EndingRecord
from .selectors import progress_review


def _kind(request: HttpRequest, course_state: str, record: EndingRecord | None) -> EndingKind:
    if course_state == CourseState.ENDED_EARLY:
        return EndingKind.EARLY
    asked = request.POST.get("kind") or request.GET.get("kind")
    if asked in (EndingKind.FULL, EndingKind.EARLY):
        return EndingKind(asked)
    return record.kind_enum if record else EndingKind.FULL


@staff_required()
@require_http_methods(["GET", "POST"])
def ending(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    record = ending_record_for(course)
    kind = _kind(request, course.state, record)
    editable = can_edit_clinical_record(request.user, client) and (
        course.is_open or (course.state == CourseState.ENDED_EARLY)
    )
    form = EndingRecordForm(
        request.POST if request.method == "POST" else None,
        instance=record or EndingRecord(),
        kind=kind,
    )
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                saved = services.save_ending_record(
                    course,
                    actor=request.user,
                    data=form.record_data(),
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data.get("change_reason", "").strip() or None,
                )
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except CourseRuleError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                done = "complete" if saved.is_complete else "saved; some items are still to do"
                messages.success(request, f"The ending record is {done}.")
                return redirect("endings:ending", course.pk)
    record_view(request, client, "ending")
    return render(
        request,
        "endings/ending.html",
        {
            "client": client,
            "course": course,
            "record": record,
            "correction": last_correction(record) if record else None,
            "kind": kind,
            "form": form,
            "asks_why": "change_reason" in form.fields,
            "editable": editable,
            "can_edit": can_edit_clinical_record(request.user, client),
            "review": progress_review(course),
            "new_contract": needs_new_contract(record.disposition_enum if record else None),
        },
        status=status,
    )
