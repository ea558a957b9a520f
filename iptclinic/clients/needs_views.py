"""The therapist's page for needs a client told in the portal: confirm them, or talk first."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.ipt.told_needs import NEED_FIELDS

from . import needs
from .access import can_edit_details, client_for
from .models import Client, NeedsTold, NeedsToldStatus


def _shown(name: str, value: object, holder: Client | NeedsTold) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    display = getattr(holder, f"get_{name}_display", None)
    return str(display()) if display and value else (str(value) or "None")


@staff_required()
@require_http_methods(["GET", "POST"])
def needs_told(request: HttpRequest, client_id: int, told_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    told = NeedsTold.objects.filter(client=client, pk=told_id).select_related("told_by").first()
    if told is None:
        raise Http404
    can_decide = can_edit_details(request.user, client)
    if request.method == "POST":
        if not can_decide:
            raise Http404
        decide = needs.confirm_needs if request.POST.get("decision") == "confirm" else None
        if request.POST.get("decision") == "discuss":
            decide = needs.discuss_needs
        if decide is None:
            messages.error(request, "Choose to confirm the needs or to talk about them first.")
        else:
            try:
                decide(told, actor=request.user)
            except needs.NeedsError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Done. The client sees this on their page.")
            return redirect("clients:needs_told", client.pk, told.pk)
    field = {f.name: f for f in Client._meta.get_fields() if f.name in NEED_FIELDS}
    rows = [
        (
            str(field[name].verbose_name).capitalize(),
            _shown(name, getattr(client, name), client),
            _shown(name, getattr(told, name), told),
            name in told.changed,
        )
        for name in NEED_FIELDS
    ]
    record_view(request, client, "needs_told")
    return render(
        request,
        "clients/needs_told.html",
        {
            "client": client,
            "told": told,
            "rows": rows,
            "can_decide": can_decide and told.status == NeedsToldStatus.WAITING,
        },
    )
