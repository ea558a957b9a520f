"""The service lead's pages: the dashboard, the list behind each figure, its CSV, capacities and
the dataset export. Service leads only; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role, User
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit.services import record, record_list_view
from iptclinic.ipt.service import ATTRIBUTION_RULE, DELIVERY_RULE
from iptclinic.lib.spreadsheet import csv_lines

from . import export
from .access import lead_team, team_therapist
from .forms import CapacityForm, PeriodForm
from .lists import figure_list
from .selectors import csv_rows
from .selectors import dashboard as build_dashboard
from .services import CapacityError, set_capacity

PAGE = 50
FILTERS = ("within", "status", "therapist", "band", "early", "reason", "which", "cohort")


def _period(request: HttpRequest) -> PeriodForm:
    data = request.GET if "period" in request.GET else {"period": "12"}
    return PeriodForm(data, today=timezone.localdate())


def _audit_period(request: HttpRequest, action: str, form: PeriodForm, **extra: object) -> None:
    record(
        actor=request.user,
        action=action,
        detail={
            "start": form.cleaned_data["start"].isoformat(),
            "end": form.cleaned_data["end"].isoformat(),
            **extra,
        },
    )


@staff_required(Role.SERVICE_LEAD)
def dashboard(request: HttpRequest) -> HttpResponse:
    team = lead_team(request.user)
    form = _period(request)
    board = None
    if form.is_valid():
        board = build_dashboard(team, form.cleaned_data["start"], form.cleaned_data["end"])
        _audit_period(request, "service.dashboard", form)
    return render(
        request,
        "service/dashboard.html",
        {
            "form": form,
            "board": board,
            "query": form.query() if board else "",
            "attribution_rule": ATTRIBUTION_RULE,
            "delivery_rule": DELIVERY_RULE,
        },
    )


@staff_required(Role.SERVICE_LEAD)
def figure(request: HttpRequest) -> HttpResponse:
    team = lead_team(request.user)
    form = _period(request)
    if not form.is_valid():
        return render(request, "service/dashboard.html", {"form": form, "board": None})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    filters = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    found = figure_list(team, request.GET.get("figure", ""), start, end, filters)
    page = Paginator(found.rows, PAGE).get_page(request.GET.get("page"))
    rows = [found.to_row(item) for item in page.object_list]
    record_list_view(
        actor=request.user,
        action="service.figure_list",
        clients=[row.client for row in rows],
        search={
            "figure": request.GET.get("figure"),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "page": page.number,
            **filters,
        },
    )
    here = request.GET.copy()
    here.pop("page", None)
    return render(
        request,
        "service/figure.html",
        {"list": found, "rows": rows, "page": page, "query": here.urlencode(), "form": form},
    )


@staff_required(Role.SERVICE_LEAD)
def dashboard_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The figures only (counts and staff names, no client's data), so no fresh confirmation."""
    team = lead_team(request.user)
    form = _period(request)
    if not form.is_valid():
        return render(request, "service/dashboard.html", {"form": form, "board": None})
    board = build_dashboard(team, form.cleaned_data["start"], form.cleaned_data["end"])
    _audit_period(request, "service.dashboard_csv", form)
    response = StreamingHttpResponse(
        csv_lines(csv_rows(board)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="service-{board.start.isoformat()}-to-{board.end.isoformat()}.csv"'
    )
    return response


@staff_required(Role.SERVICE_LEAD)
def capacity(request: HttpRequest) -> HttpResponse:
    team = lead_team(request.user)
    error_for: int | None = None
    form = CapacityForm()
    if request.method == "POST":
        therapist_id = request.POST.get("therapist", "")
        therapist = team_therapist(request.user, int(therapist_id) if therapist_id.isdigit() else 0)
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                set_capacity(
                    therapist, actor=request.user, open_courses=form.cleaned_data["open_courses"]
                )
            except CapacityError as error:
                form.add_error("open_courses", str(error))
            else:
                messages.success(request, f"Capacity of {therapist.display_name} saved.")
                return redirect("service:capacity")
        error_for = therapist.pk
    therapists = (
        User.objects.filter(team=team, is_therapist=True, is_active=True)
        .select_related("capacity")
        .order_by("last_name", "first_name", "pk")
    )
    return render(
        request,
        "service/capacity.html",
        {"therapists": therapists, "form": form, "error_for": error_for},
    )


@staff_required(Role.SERVICE_LEAD)
def export_page(request: HttpRequest) -> HttpResponse:
    lead_team(request.user)
    form = _period(request)
    return render(
        request,
        "service/export.html",
        {
            "form": form,
            "query": form.query() if form.is_valid() else "",
            "not_official": export.NOT_OFFICIAL,
            "referral_columns": export.REFERRAL_COLUMNS,
            "contact_columns": export.CONTACT_COLUMNS,
        },
    )


def _export(request: HttpRequest, name: str) -> HttpResponse | StreamingHttpResponse:
    team = lead_team(request.user)
    form = _period(request)
    if not form.is_valid():
        return render(
            request,
            "service/export.html",
            {"form": form, "query": "", "not_official": export.NOT_OFFICIAL},
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if name == "referrals":
        rows, columns = export.export_referrals(team, start, end), export.REFERRAL_COLUMNS
    else:
        rows, columns = export.export_contacts(team, start, end), export.CONTACT_COLUMNS
    # The period, the file and how many rows: never the rows themselves (docs/dataset-export.md).
    _audit_period(request, "service.export", form, file=name, rows=rows.count())
    response = StreamingHttpResponse(
        csv_lines(export.csv_of(columns, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{start.isoformat()}-to-{end.isoformat()}.csv"'
    )
    return response


@staff_required(Role.SERVICE_LEAD)
@recent_authentication_required
def export_referrals(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _export(request, "referrals")


@staff_required(Role.SERVICE_LEAD)
@recent_authentication_required
def export_contacts(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return _export(request, "care-contacts")
