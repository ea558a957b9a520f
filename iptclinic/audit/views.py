"""Recording that someone looked at a client's record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from . import services

if TYPE_CHECKING:
    from iptclinic.clients.models import Client


def record_view(request: HttpRequest, client: Client, page: str) -> None:
    """One event per request per client shown (decisions.md §24)."""
    services.record(actor=request.user, action="client.view", client=client, detail={"page": page})
