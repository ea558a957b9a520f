"""Registering clients, their page, their details and allocation."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit.services import record_list_view
from iptclinic.audit.views import record_view
from iptclinic.courses.continuation import maintenance_offers, with_maintenance_agreed
from iptclinic.courses.models import Appointment, ContractChange, Course, CourseTimeline
from iptclinic.history.selectors import last_correction, with_corrections
from iptclinic.inventory.selectors import initial_phase_summaries
from iptclinic.ipt.phases import Phase
from iptclinic.lib.concurrency import EditConflict
from iptclinic.supervision.selectors import last_discussed_for

from . import services
from .access import (
    can_allocate,
    can_edit_clinical_record,
    can_edit_details,
    client_for,
    visible_clients,
)
from .forms import (
    AllocationForm,
    ClientCorrectionForm,
    ClientDetailsForm,
    ClientSearchForm,
    ReferralCorrectionForm,
    ReferralForm,
)
from .models import Referral
from .selectors import ClientSearch, Standing, client_page, therapists_to_search


@staff_required()
def client_list(request: HttpRequest) -> HttpResponse:
    """Everyone the person may see, found by search, one page at a time (an htmx request gets
    the results alone; without JavaScript the same form reloads the page)."""
    form = ClientSearchForm(request.GET, therapists=therapists_to_search(request.user))
    # A field that does not validate is shown with its message and left out of the search; the
    # rest of the search still runs (cleaned_data keeps the fields that did validate).
    form.is_valid()
    data = form.cleaned_data
    search = ClientSearch(
        text=data.get("text", ""),
        therapist=data.get("therapist"),
        standing=Standing(data["standing"]) if data.get("standing") else None,
        phase=Phase(data["phase"]) if data.get("phase") else None,
    )
    page = client_page(
        visible_clients(request.user), search, after=data.get("after"), before=data.get("before")
    )
    record_list_view(
        actor=request.user,
        action="clients.search",
        clients=[row.client for row in page.rows],
        search={
            **search.as_audit_detail(),
            "after": data.get("after"),
            "before": data.get("before"),
        },
    )
    template = "clients/client_list.html#results" if request.htmx else "clients/client_list.html"
    return render(
        request, template, {"form": form, "page": page, "query": _query_without_cursor(request)}
    )


def _query_without_cursor(request: HttpRequest) -> str:
    """The search as a query string, for the next and previous links to carry."""
    query = request.GET.copy()
    for cursor in ("after", "before"):
        query.pop(cursor, None)
    return query.urlencode()


@staff_required()
@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    details = ClientDetailsForm(request.POST if request.method == "POST" else None, prefix="client")
    referral = ReferralForm(request.POST if request.method == "POST" else None, prefix="referral")
    allocation = AllocationForm(
        request.POST if request.method == "POST" else None,
        team_id=request.user.team_id,
        prefix="allocation",
    )
    lead = request.user.is_service_lead
    if not request.user.has_role(Role.THERAPIST, Role.SERVICE_LEAD):
        raise Http404
    if (
        request.method == "POST"
        and details.is_valid()
        and referral.is_valid()
        and (not lead or allocation.is_valid())
    ):
        changes = {k: v for k, v in details.cleaned_data.items() if k != "version"}
        therapist = allocation.cleaned_data["therapist"] if lead else request.user
        client = services.register_client(
            actor=request.user, details=changes, referral=referral.cleaned_data, therapist=therapist
        )
        messages.success(request, f"{client.full_name} is registered.")
        return redirect("clients:detail", client.pk)
    return render(
        request,
        "clients/client_new.html",
        {"details": details, "referral": referral, "allocation": allocation if lead else None},
    )


def _courses_with_timelines(client_id: int) -> list[Course]:
    # portal appointments (issue 11): how many requests the client sent about each one
    appointments = Appointment.objects.select_related(
        "record", "replacement", "replaces", "carer"
    ).annotate(request_count=Count("session_requests"))
    return list(
        with_maintenance_agreed(Course.objects.filter(referral__client_id=client_id))
        .select_related("referral", "continues", "continued_by")
        .prefetch_related(
            Prefetch("appointments", queryset=appointments),
            Prefetch(
                "contract_changes", queryset=ContractChange.objects.select_related("changed_by")
            ),
        )
    )


def _with_summaries(courses: list[Course]) -> list[tuple[Course, CourseTimeline, dict]]:
    """Each course with its timeline and its inventory summary (inventory, issue 3)."""
    timelines = [(course, course.timeline()) for course in courses]
    summaries = initial_phase_summaries(timelines)
    return [(course, timeline, summaries[course.pk]) for course, timeline in timelines]


def _can_open_course(courses: list[Course]) -> bool:
    """A course can be opened when no course is open: a referral holds one open course at a time."""
    return not any(course.is_open for course in courses)


@staff_required()
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    courses = _courses_with_timelines(client.pk)
    record_view(request, client, "client")
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "referrals": with_corrections(Referral.objects.filter(client=client)),
            "correction": last_correction(client),
            "courses": _with_summaries(courses),
            "can_open_course": _can_open_course(courses),
            # issue 14: an ended course whose ending agreed maintenance offers to start it
            "maintenance_offers": maintenance_offers(courses),
            "can_edit": can_edit_clinical_record(request.user, client),
            "can_edit_details": can_edit_details(request.user, client),
            "can_allocate": can_allocate(request.user),
            # supervision (issue 13): seen by the therapist and their supervisor
            "last_discussed": last_discussed_for(request.user, client),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    if not can_edit_details(request.user, client):
        raise Http404
    # The form works on a copy so that the banner keeps showing the saved details.
    form = ClientCorrectionForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(client)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("version", "change_reason") and k in form.changed_data
        }
        try:
            services.update_client_details(
                form.instance,
                actor=request.user,
                changes=changes,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["change_reason"].strip(),
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        else:
            messages.success(request, "The details are saved.")
            return redirect("clients:detail", client.pk)
    record_view(request, client, "client_edit")
    return render(
        request, "clients/client_edit.html", {"client": client, "form": form}, status=status
    )


@staff_required(Role.SERVICE_LEAD)
@recent_authentication_required
@require_http_methods(["GET", "POST"])
def client_allocate(request: HttpRequest, client_id: int) -> HttpResponse:
    """Allocate, or move a client to another therapist: a move mid-course is confirmed first."""
    client = client_for(request.user, client_id)
    form = AllocationForm(
        request.POST if request.method == "POST" else None,
        team_id=request.user.team_id,
        initial={"therapist": client.therapist},
    )
    care = services.care_in_progress(client)
    template = "clients/client_allocate.html"
    if request.method == "POST" and form.is_valid():
        therapist = form.cleaned_data["therapist"]
        moving = client.therapist is not None and therapist != client.therapist and care.any
        if moving and request.POST.get("confirm") != "yes":
            try:
                services.check_allocation(client, therapist, form.cleaned_data["reason"])
            except services.AllocationError as error:
                form.add_error(None, str(error))
            else:
                template = "clients/client_allocate_confirm.html"
        else:
            try:
                services.allocate_client(
                    client,
                    actor=request.user,
                    therapist=therapist,
                    reason=form.cleaned_data["reason"],
                )
            except services.AllocationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The allocation is saved.")
                return redirect("clients:detail", client.pk)
    record_view(request, client, "allocate")
    return render(request, template, {"client": client, "form": form, "care": care})


@staff_required()
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    if not can_edit_details(request.user, client):
        raise Http404
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.add_referral(client, actor=request.user, details=form.cleaned_data)
        messages.success(request, "The referral is added.")
        return redirect("clients:detail", client.pk)
    record_view(request, client, "referral_new")
    return render(request, "clients/referral_new.html", {"client": client, "form": form})


@staff_required()
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, client_id: int, referral_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    if not can_edit_details(request.user, client):
        raise Http404
    referral = get_object_or_404(Referral, pk=referral_id, client=client)
    form = ReferralCorrectionForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(referral)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("version", "change_reason") and k in form.changed_data
        }
        try:
            services.correct_referral(
                form.instance,
                actor=request.user,
                changes=changes,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["change_reason"].strip(),
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        else:
            messages.success(request, "The referral is saved.")
            return redirect("clients:detail", client.pk)
    record_view(request, client, "referral_edit")
    return render(
        request,
        "clients/referral_edit.html",
        {"client": client, "referral": referral, "form": form},
        status=status,
    )
