"""The outcomes report for service leads (the whole team) and supervisors (their supervisees)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit.services import record
from iptclinic.lib.spreadsheet import csv_lines

from .access import visible_outcomes
from .forms import PeriodForm
from .selectors import OutcomeReport, csv_rows, outcome_report


def _period_form(request: HttpRequest) -> PeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    today = timezone.localdate()
    return PeriodForm({"start": today - timedelta(days=364), "end": today})


def _audit(request: HttpRequest, report: OutcomeReport, action: str) -> None:
    """One event recording the question asked and how many records answered it.

    Not a list of client ids: a trust's 12-month report draws on tens of thousands of clients,
    and the report shows only counts of groups. The period, the reader, their team and roles say exactly which referrals went in (docs/security/audit.md).
    """
    record(
        actor=request.user,
        action=action,
        detail={
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            # The roles decide whose clients are visible (clients.access.visible_clients).
            "roles": sorted(str(role) for role in request.user.roles),
            "referrals": report.referrals,
        },
    )


@staff_required(Role.SUPERVISOR, Role.SERVICE_LEAD)
def outcomes(request: HttpRequest) -> HttpResponse:
    form = _period_form(request)
    report = None
    if form.is_valid():
        report = outcome_report(
            visible_outcomes(request.user), form.cleaned_data["start"], form.cleaned_data["end"]
        )
        _audit(request, report, "report.outcomes")
    return render(
        request,
        "reports/outcomes.html",
        {"form": form, "report": report},
    )


@staff_required(Role.SUPERVISOR, Role.SERVICE_LEAD)
@recent_authentication_required
def outcomes_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "reports/outcomes.html", {"form": form, "report": None})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = outcome_report(visible_outcomes(request.user), start, end)
    _audit(request, report, "report.outcomes_csv")
    response = StreamingHttpResponse(
        csv_lines(csv_rows(report)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="outcomes-{start.isoformat()}-to-{end.isoformat()}.csv"'
    )
    return response
