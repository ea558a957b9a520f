"""Recording that someone looked at a client's record, and the lead's pages that read the audit.

The reading pages are the service lead's (their own team only): a client's trail, a person's
activity, their CSV files, and the unusual-access list. Reading and exporting are audited too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.accounts.people.access import person_for
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.clients.access import client_for
from iptclinic.lib.spreadsheet import write_csv
from iptclinic.reports.forms import PeriodForm

from . import reading, services
from .models import AuditEvent

if TYPE_CHECKING:
    from iptclinic.accounts.models import User
    from iptclinic.clients.models import Client


def record_view(request: HttpRequest, client: Client, page: str) -> None:
    """One event per request per client shown (decisions.md §24)."""
    services.record(actor=request.user, action="client.view", client=client, detail={"page": page})


def period_form(request: HttpRequest, days: int = 7) -> PeriodForm:
    """The range asked for, or the last ``days`` days as dates in the service's zone."""
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    today = timezone.localdate()
    return PeriodForm({"start": today - timedelta(days=days - 1), "end": today})


def _page(request: HttpRequest, events: QuerySet[AuditEvent]) -> Any:
    return Paginator(events, reading.PAGE_SIZE).get_page(request.GET.get("page"))


def _range(form: PeriodForm) -> dict[str, str]:
    return {k: form.cleaned_data[k].isoformat() for k in ("start", "end")}


@staff_required(Role.SERVICE_LEAD)
def client_trail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    form = period_form(request)
    page, lines = None, []
    if form.is_valid():
        page = _page(request, reading.client_events(client, **form.cleaned_data))
        lines = reading.lines(page.object_list)
    services.record(
        actor=request.user,
        action="audit.client_view",
        client=client,
        detail={**(_range(form) if form.is_valid() else {}), "page": getattr(page, "number", 0)},
    )
    return render(
        request,
        "audit/client.html",
        {"client": client, "form": form, "page": page, "lines": lines},
    )


@staff_required(Role.SERVICE_LEAD)
def person_activity(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for(request.user, person_id)
    form = period_form(request)
    page, lines = None, []
    if form.is_valid():
        page = _page(request, reading.person_events(person, **form.cleaned_data))
        lines = reading.lines(page.object_list)
    shown = sorted({line.event.client_id for line in lines if line.event.client_id})
    services.record(
        actor=request.user,
        action="audit.user_view",
        obj=person,
        detail={
            **(_range(form) if form.is_valid() else {}),
            "page": getattr(page, "number", 0),
            "client_ids": shown,
        },
    )
    return render(
        request,
        "audit/person.html",
        {"person": person, "form": form, "page": page, "lines": lines},
    )


def _csv(name: str, events: QuerySet[AuditEvent]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    write_csv(response, reading.csv_rows(events))
    return response


@staff_required(Role.SERVICE_LEAD)
def client_trail_csv(request: HttpRequest, client_id: int) -> HttpResponse:
    # The record is found first: another team's client is a 404, never a confirmation page.
    client = client_for(request.user, client_id)
    return recent_authentication_required(_client_trail_csv)(request, client)


def _client_trail_csv(request: HttpRequest, client: Client) -> HttpResponse:
    form = period_form(request)
    if not form.is_valid():
        return render(request, "audit/client.html", {"client": client, "form": form, "lines": []})
    services.record(
        actor=request.user, action="audit.client_csv", client=client, detail=_range(form)
    )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    # The file is named by the record's number in IPT Clinic, never by the person's name.
    return _csv(
        f"audit-client-{client.pk}-{start}-to-{end}", reading.client_events(client, start, end)
    )


@staff_required(Role.SERVICE_LEAD)
def person_activity_csv(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for(request.user, person_id)
    return recent_authentication_required(_person_activity_csv)(request, person)


def _person_activity_csv(request: HttpRequest, person: User) -> HttpResponse:
    form = period_form(request)
    if not form.is_valid():
        return render(request, "audit/person.html", {"person": person, "form": form, "lines": []})
    services.record(actor=request.user, action="audit.user_csv", obj=person, detail=_range(form))
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return _csv(
        f"audit-staff-{person.pk}-{start}-to-{end}", reading.person_events(person, start, end)
    )


@staff_required(Role.SERVICE_LEAD)
def unusual(request: HttpRequest) -> HttpResponse:
    form = period_form(request, days=28)
    page, rows, check = None, [], None
    if form.is_valid():
        page = Paginator(
            reading.unusual_items(request.user.team, **form.cleaned_data), reading.PAGE_SIZE
        ).get_page(request.GET.get("page"))
        rows = reading.unusual_rows(page.object_list)
        check = reading.last_check(request.user.team)
    services.record(
        actor=request.user,
        action="audit.unusual_view",
        detail={**(_range(form) if form.is_valid() else {}), "page": getattr(page, "number", 0)},
    )
    return render(
        request,
        "audit/unusual.html",
        {"form": form, "page": page, "rows": rows, "check": check},
    )
