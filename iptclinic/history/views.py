"""A record's history page: every version, with who, when, why and what changed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit import services as audit
from iptclinic.clients.access import client_for

from .registry import BY_KIND
from .selectors import client_id_of, versions


@staff_required()
def record_history(request: HttpRequest, kind: str, **ids: int) -> HttpResponse:
    kept = BY_KIND[kind]
    pk = ids[kept.url_param]
    client_id = client_id_of(kept, pk)
    if client_id is None:
        raise Http404
    client = client_for(request.user, client_id)
    shown = versions(kept, pk)
    audit.record(
        actor=request.user,
        action="client.view",
        client=client,
        detail={"page": "history", "kind": kind, "object_id": pk},
    )
    return render(
        request,
        "history/record_history.html",
        {"client": client, "kept": kept, "versions": shown},
    )
