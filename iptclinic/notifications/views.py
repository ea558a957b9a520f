"""Each person's message settings, and the record of messages sent for the service lead."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.audit import services as audit

from .forms import PreferenceForm, TeamRemindersForm
from .models import Message
from .reminders import team_settings
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


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["GET", "POST"])
def team_reminders(request: HttpRequest) -> HttpResponse:
    """How many days before an appointment service users are reminded, and the name used."""
    form = TeamRemindersForm(
        request.POST if request.method == "POST" else None,
        instance=team_settings(request.user.team),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(
            actor=request.user,
            action="team.reminders",
            detail={"days_before": form.instance.days_before},
        )
        messages.success(request, "The appointment reminders are saved.")
        return redirect("notifications:team_reminders")
    return render(request, "notifications/team_reminders.html", {"form": form})
