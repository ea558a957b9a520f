"""The retention report and the review of one record, for service leads (issue 10 item 6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit.services import record, record_list_view
from iptclinic.clients.access import client_for, visible_clients
from iptclinic.clients.models import Client

from . import services
from .forms import DestroyForm, KeepForm
from .models import DisposalDecision
from .selectors import (
    awaiting_review,
    coming_due,
    dates_of,
    record_dates,
    retention_years,
    with_contact_dates,
)

PAGE = 50
SHOWS = {"due": awaiting_review, "coming": coming_due}


@staff_required(Role.SERVICE_LEAD)
def report(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "due")
    if show not in SHOWS:
        show = "due"
    today = timezone.localdate()
    clients = SHOWS[show](visible_clients(request.user), today).order_by("pk")
    page = Paginator(clients, PAGE).get_page(request.GET.get("page"))
    shown = Client.objects.filter(pk__in=[c.pk for c in page.object_list])
    rows = [dates_of(c) for c in with_contact_dates(shown)]
    rows.sort(key=lambda row: (row.due_on, row.client.pk))
    record_list_view(
        actor=request.user, action="retention.report", clients=[r.client for r in rows]
    )
    return render(
        request,
        "retention/report.html",
        {"rows": rows, "page": page, "show": show, "years": retention_years(), "today": today},
    )


def _review_context(request: HttpRequest, client_id: int) -> dict:
    client = client_for(request.user, client_id)
    return {
        "client": client,
        "dates": record_dates(client),
        "decisions": DisposalDecision.objects.filter(client=client).select_related("decided_by"),
        "today": timezone.localdate(),
    }


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, client_id: int) -> HttpResponse:
    context = _review_context(request, client_id)
    client = context["client"]
    form = KeepForm(request.POST if request.method == "POST" else None, prefix="keep")
    if request.method == "POST" and form.is_valid():
        try:
            services.keep_record(
                client,
                actor=request.user,
                until=form.cleaned_data["keep_until"],
                reason=form.cleaned_data["reason"],
            )
        except services.RetentionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The decision to keep the record is saved.")
            return redirect("retention:report")
    if request.method == "GET" or form.errors:
        record(actor=request.user, action="retention.review", client=client, obj=client)
    return render(
        request,
        "retention/review.html",
        {**context, "form": form, "destroy_form": DestroyForm(prefix="destroy")},
    )


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["POST"])
@recent_authentication_required
def destroy(request: HttpRequest, client_id: int) -> HttpResponse:
    context = _review_context(request, client_id)
    client = context["client"]
    form = DestroyForm(request.POST, prefix="destroy")
    if form.is_valid():
        try:
            services.destroy_record(client, actor=request.user, reason=form.cleaned_data["reason"])
        except services.RetentionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The record was destroyed. Its disposal is recorded.")
            return redirect("retention:report")
    record(actor=request.user, action="retention.review", client=client, obj=client)
    return render(
        request,
        "retention/review.html",
        {**context, "form": KeepForm(prefix="keep"), "destroy_form": form},
        status=400,
    )
