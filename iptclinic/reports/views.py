"""The outcomes report for service leads (the whole team) and supervisors (their supervisees)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit.services import record
from iptclinic.clients.access import visible_clients
from iptclinic.lib.spreadsheet import write_csv

from .forms import PeriodForm
from .selectors import OutcomeReport, csv_rows, outcome_report


def _period_form(request: HttpRequest) -> PeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    today = timezone.localdate()
    return PeriodForm({"start": today - timedelta(days=364), "end": today})


def _audit(request: HttpRequest, report: OutcomeReport, action: str) -> None:
    """One event naming the clients whose records went into the report (decisions.md §24)."""
    record(
        actor=request.user,
        action=action,
        detail={
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "client_ids": report.client_ids,
        },
    )


@staff_required(Role.SUPERVISOR, Role.SERVICE_LEAD)
def outcomes(request: HttpRequest) -> HttpResponse:
    form = _period_form(request)
    report = None
    if form.is_valid():
        report = outcome_report(
            visible_clients(request.user), form.cleaned_data["start"], form.cleaned_data["end"]
        )
        _audit(request, report, "report.outcomes")
    return render(
        request,
        "reports/outcomes.html",
        {"form": form, "report": report},
    )


@staff_required(Role.SUPERVISOR, Role.SERVICE_LEAD)
@recent_authentication_required
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "reports/outcomes.html", {"form": form, "report": None})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = outcome_report(visible_clients(request.user), start, end)
    _audit(request, report, "report.outcomes_csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="outcomes-{start.isoformat()}-to-{end.isoformat()}.csv"'
    )
    write_csv(response, csv_rows(report))
    return response
