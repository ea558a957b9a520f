"""Middle-phase work in a session record: techniques used and progress on each goal.

The section lives on the session record page (``courses.views.session_record``) as its own small
form, so saving it never touches the record's text; htmx swaps the section in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.access import appointment_for
from iptclinic.courses.models import Course
from iptclinic.ipt.strategies import TECHNIQUES
from iptclinic.lib.concurrency import EditConflict

from .. import services
from ..selectors import focus_work_context

SECTION = "inventory/_focus_work.html"


@staff_required()
@require_POST
def focus_work(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request.user, appointment_id)
    client = appointment.course.referral.client
    if not can_edit_clinical_record(request.user, client):
        raise Http404
    course = Course.objects.prefetch_related("appointments").get(pk=appointment.course_id)
    row = next((r for r in course.timeline().rows if r.appointment.pk == appointment.pk), None)
    context = focus_work_context(
        appointment, phase=row.phase if row else None, editable=True, data=request.POST
    )
    if context is None:
        raise Http404
    form = context["form"]
    status = 200
    if form.is_valid():
        try:
            services.save_focus_work(
                appointment,
                actor=request.user,
                techniques=form.cleaned_data["techniques"],
                allowed_techniques=[t.code for t in TECHNIQUES],
                ratings=form.ratings,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if request.htmx:
                context = focus_work_context(appointment, phase=row.phase, editable=True)
                return render(request, f"{SECTION}#focus-work", {**context, "saved": True})
            messages.success(request, "The focus work of this session is saved.")
            return redirect("courses:record", appointment.pk)
    record_view(request, client, "session_record")
    if request.htmx:
        return render(request, f"{SECTION}#focus-work", context)
    return render(
        request,
        "inventory/focus_work.html",
        {**context, "client": client, "row": row},
        status=status,
    )
