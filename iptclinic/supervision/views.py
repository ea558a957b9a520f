"""Supervision pages: the supervisor's overview, recording a meeting, and reading meetings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.audit.services import record_list_view

from . import selectors, services
from .access import meeting_for, supervisee_for, visible_meetings
from .forms import MeetingForm

PAGE_SIZE = 25


@staff_required(Role.SUPERVISOR)
def overview(request: HttpRequest) -> HttpResponse:
    sections = selectors.overview(request.user)
    record_list_view(
        actor=request.user,
        action="supervision.overview",
        clients=[row.client for section in sections for row in section.rows],
    )
    return render(request, "supervision/overview.html", {"sections": sections})


@staff_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, therapist_id: int) -> HttpResponse:
    therapist = supervisee_for(request.user, therapist_id)
    choices = selectors.course_choices(therapist, timezone.localdate())
    form = MeetingForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_meeting(
                actor=request.user,
                therapist=therapist,
                met_on=form.cleaned_data["met_on"],
                agreed=form.cleaned_data["agreed"],
                cases=form.cases(),
                recordings=form.recordings_heard(),
                actions=form.actions(),
            )
        except services.SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The meeting is recorded. {therapist.first_name} sees it.")
            return redirect("supervision:meeting", meeting.pk)
    record_list_view(
        actor=request.user, action="supervision.form", clients=[c.client for c in choices]
    )
    return render(request, "supervision/meeting_new.html", {"therapist": therapist, "form": form})


@staff_required(Role.SUPERVISOR, Role.THERAPIST)
def meetings(request: HttpRequest) -> HttpResponse:
    found = selectors.meeting_list(visible_meetings(request.user))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list_view(
        actor=request.user,
        action="supervision.list",
        clients=[case.course.referral.client for m in page for case in m.cases.all()],
    )
    return render(request, "supervision/meetings.html", {"page": page})


@staff_required(Role.SUPERVISOR, Role.THERAPIST)
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = meeting_for(request.user, meeting_id)
    found = selectors.meeting_detail(found.pk, visible_meetings(request.user))
    services.record_reading(found, actor=request.user)
    return render(
        request,
        "supervision/meeting.html",
        {"meeting": found, "is_therapist": found.therapist_id == request.user.pk},
    )
