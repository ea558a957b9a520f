"""Starting maintenance IPT from the page of the course it continues (issue 14)."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record

from .. import services
from ..access import course_for
from ..continuation import maintenance_problem, start_maintenance, suggested_start
from ..forms import MaintenanceForm


@staff_required()
@require_http_methods(["GET", "POST"])
def course_maintenance(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    if not can_edit_clinical_record(request.user, client):
        raise Http404
    problem = maintenance_problem(course)
    form = MaintenanceForm(
        request.POST if request.method == "POST" and not problem else None,
        initial=asdict(suggested_start(course)),
    )
    if form.is_bound and form.is_valid():
        try:
            start_maintenance(course, actor=request.user, **form.cleaned_data)
        except services.CourseRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Maintenance IPT is open and its appointments are booked.")
            return redirect("clients:detail", client.pk)
    record_view(request, client, "maintenance_new")
    return render(
        request,
        "courses/maintenance_new.html",
        {"client": client, "course": course, "form": form, "problem": problem},
        status=409 if problem and request.method == "POST" else 200,
    )
