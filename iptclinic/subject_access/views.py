"""Pages of a subject access request: record it, follow the copy being made, review the
third parties, release the copy and download it. Service leads of the client's team only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.accounts.reauth import recent_authentication_required
from iptclinic.audit.services import record
from iptclinic.audit.views import record_view
from iptclinic.clients.access import client_for

from . import services
from .access import request_for, third_party_for
from .forms import DecisionForm, ExtendForm, ReleaseForm, RequestForm
from .models import CopyStatus, SubjectAccessRequest

CHECK_FOR = timedelta(minutes=10)
"""How long the request page checks by itself for the copy being made."""
LEAD = Role.SERVICE_LEAD


@staff_required(LEAD)
@require_http_methods(["GET", "POST"])
def client_requests(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.record_request(client, actor=request.user, **form.cleaned_data)
        except services.SubjectAccessError as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("subject_access:detail", sar_id=made.pk)
    if request.method == "GET":
        record_view(request, client, "subject_access")
    return render(
        request,
        "subject_access/client_requests.html",
        {
            "client": client,
            "form": form,
            "requests": SubjectAccessRequest.objects.filter(client=client).select_related(
                "recorded_by"
            ),
        },
        status=400 if form.errors else 200,
    )


def _page(request: HttpRequest, sar: SubjectAccessRequest, **forms: Any) -> HttpResponse:
    checking = not sar.is_finished and timezone.now() - sar.recorded_at < CHECK_FOR * (
        1 + sar.attempts
    )
    return render(
        request,
        "subject_access/request.html",
        {
            "client": sar.client,
            "sar": sar,
            "checking": checking,
            "token": f"{sar.status}-{sar.progress}-{sar.attempts}",
            "third_parties": list(sar.third_parties.select_related("decided_by")),
            "blockers": services.release_blockers(sar),
            "extend_form": forms.get("extend_form") or ExtendForm(),
            "release_form": ReleaseForm(),
            "decision_form": forms.get("decision_form"),
            "decision_party": forms.get("party"),
        },
        status=400 if forms.get("extend_form") else 200,
    )


@staff_required(LEAD)
@require_GET
def detail(request: HttpRequest, sar_id: int) -> HttpResponse:
    """The request, and how its copy is getting on: the page checks again by itself (htmx) and
    answers "no change" (204, not audited) until there is something new to say."""
    sar = request_for(request.user, sar_id)
    token = f"{sar.status}-{sar.progress}-{sar.attempts}"
    if request.htmx and request.GET.get("shown") == token:
        return HttpResponse(status=204)
    record_view(request, sar.client, "subject_access_request")
    if request.htmx:
        return render(
            request,
            "subject_access/request.html#progress",
            {
                "client": sar.client,
                "sar": sar,
                "checking": not sar.is_finished,
                "polled": True,
                "token": token,
            },
        )
    return _page(request, sar)


@staff_required(LEAD)
@require_POST
def extend(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = request_for(request.user, sar_id)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend(sar, actor=request.user, **form.cleaned_data)
        except services.SubjectAccessError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"The copy is now due on {sar.due_on:%-d %B %Y}.")
            return redirect("subject_access:detail", sar_id=sar.pk)
    return _page(request, sar, extend_form=form)


@staff_required(LEAD)
@require_POST
def decide(request: HttpRequest, third_party_id: int) -> HttpResponse:
    """A decision for one person named; refused, the page is shown again with the error on the
    field and everything typed kept, like the project's other forms."""
    party = third_party_for(request.user, third_party_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(party, actor=request.user, **form.cleaned_data)
        except services.SubjectAccessError as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("subject_access:detail", sar_id=party.request_id)
    sar = request_for(request.user, party.request_id)
    record_view(request, sar.client, "subject_access_request")
    return _page(request, sar, decision_form=form, party=party.pk)


def _errors(form: ReleaseForm) -> str:
    return " ".join(
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    )


@staff_required(LEAD)
@require_POST
def make_again(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = request_for(request.user, sar_id)
    try:
        services.make_again(sar, actor=request.user)
    except services.SubjectAccessError as refusal:
        messages.error(request, str(refusal))
    return redirect("subject_access:detail", sar_id=sar.pk)


@staff_required(LEAD)
@recent_authentication_required
@require_POST
def release(request: HttpRequest, sar_id: int) -> HttpResponse:
    sar = request_for(request.user, sar_id)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The release was not recorded: {_errors(form)}")
        return redirect("subject_access:detail", sar_id=sar.pk)
    try:
        services.release(sar, actor=request.user, **form.cleaned_data)
    except services.SubjectAccessError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The release is recorded and the item is closed.")
    return redirect("subject_access:detail", sar_id=sar.pk)


_FORMATS = {"pdf": ("application/pdf", "pdf"), "json": ("application/json", "json")}


@staff_required(LEAD)
@recent_authentication_required
@require_GET
def download(request: HttpRequest, sar_id: int, kind: str) -> HttpResponse:
    """The copy as made, if it is intact and still kept. Audited with who and which format."""
    sar = request_for(request.user, sar_id)
    content = bytes(getattr(sar, kind) or b"")
    digest = getattr(sar, f"{kind}_sha256")
    if sar.status != CopyStatus.READY or not content or sar.digest(content) != digest:
        raise Http404
    record(
        actor=request.user,
        action="subject_access.download",
        client=sar.client,
        obj=sar,
        detail={"format": kind, "released": sar.is_released},
    )
    content_type, suffix = _FORMATS[kind]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="record-copy-{sar.pk}-{sar.received_on.isoformat()}.{suffix}"'
    )
    return response
