"""Each person's message settings, and the record of messages sent for the service lead."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.audit import services as audit

from .forms import PreferenceForm
from .models import Message
from .services import preference_of

SHOWN = 200


@staff_required()
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=preference_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(actor=request.user, action="messages.preference", obj=form.instance)
        messages.success(request, "Your message settings are saved.")
        return redirect("notifications:preferences")
    recent = Message.objects.filter(recipient=request.user)[:20]
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "recent": recent},
    )


@staff_required(Role.SERVICE_LEAD)
def sent(request: HttpRequest) -> HttpResponse:
    """Every message to the team's staff, newest first: what went, to whom, and what failed."""
    shown = Message.objects.filter(team=request.user.team).select_related("recipient")[:SHOWN]
    return render(request, "notifications/sent.html", {"shown": shown, "limit": SHOWN})
