""" "Needs attention": my items, the team's items, and closing an item with a note."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role, User
from iptclinic.audit.services import record_list_view

from . import services
from .access import item_for_owner, own_items, team_items
from .forms import ResolveForm
from .links import act_link
from .selectors import item_rows, open_items, recently_closed, safety_net_status

PAGE = 50


def _shown_clients(rows: list) -> list:
    return [row.item.client for row in rows if row.item.client_id]


@staff_required()
def mine(request: HttpRequest) -> HttpResponse:
    mine = own_items(request.user)
    current = item_rows(open_items(mine))
    closed = item_rows(recently_closed(mine)[:PAGE])
    record_list_view(
        actor=request.user, action="attention.view", clients=_shown_clients(current + closed)
    )
    return render(
        request,
        "attention/mine.html",
        {
            "rows": current,
            "closed": closed,
            "status": safety_net_status(request.user.team),
            "oversees": request.user.has_role(Role.SUPERVISOR, Role.SERVICE_LEAD),
        },
    )


@staff_required(Role.SUPERVISOR, Role.SERVICE_LEAD)
def team(request: HttpRequest) -> HttpResponse:
    items = open_items(team_items(request.user))
    owners = User.objects.filter(pk__in=items.values("owner_id")).order_by("first_name")
    chosen = request.GET.get("owner", "")
    if chosen.isdigit():
        items = items.filter(owner_id=int(chosen))
    page = Paginator(items, PAGE).get_page(request.GET.get("page"))
    rows = item_rows(items.filter(pk__in=[item.pk for item in page.object_list]))
    record_list_view(actor=request.user, action="attention.team_view", clients=_shown_clients(rows))
    return render(
        request,
        "attention/team.html",
        {
            "rows": rows,
            "page": page,
            "owners": owners,
            "chosen": chosen,
            "status": safety_net_status(request.user.team),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, item_id: int) -> HttpResponse:
    item = item_for_owner(request.user, item_id)
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_item(item, actor=request.user, note=form.cleaned_data["note"])
        except services.AttentionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "The item is closed."
                + (
                    " It will come back tomorrow morning if its cause is still there."
                    if item.recurs and item.from_rule
                    else ""
                ),
            )
            return redirect("attention:mine")
    url, act = act_link(item)
    record_list_view(
        actor=request.user, action="attention.view", clients=[item.client] if item.client else []
    )
    return render(
        request, "attention/resolve.html", {"item": item, "form": form, "url": url, "act": act}
    )
