"""Until the full portal exists a service user sees their upcoming appointments and how to reach
the team (decisions.md §23)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iptclinic.audit import reading
from iptclinic.audit.services import record
from iptclinic.audit.views import record_view

from . import appointments
from .access import own_client


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff_member:
        return redirect("courses:caseload")
    return redirect("portal:home")


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    client = own_client(request.user)
    record_view(request, client, "portal_home")
    return render(
        request,
        "portal/home.html",
        {"client": client, "team": client.team, **appointments.home_context(client)},
    )


@login_required
def who_has_looked(request: HttpRequest) -> HttpResponse:
    """Who has looked at my record: staff looks at and changes, one line per day and person."""
    client = own_client(request.user)
    page = Paginator(reading.staff_visits(client), reading.PORTAL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record(
        actor=request.user, action="audit.portal_view", client=client, detail={"page": page.number}
    )
    return render(
        request,
        "portal/who_has_looked.html",
        {
            "client": client,
            "team": client.team,
            "page": page,
            "visits": reading.visits(client, page),
        },
    )
