"""Completing and correcting questionnaires, a client's charts and outcomes, risk alert reviews."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.audit.views import record_view
from iptclinic.clients.access import client_for, visible_clients
from iptclinic.clients.models import Client
from iptclinic.courses.access import appointment_for
from iptclinic.courses.models import Course
from iptclinic.ipt.instruments import INSTRUMENTS, Instrument
from iptclinic.ipt.scoring import score

from . import services
from .access import alert_for, can_record_questionnaire, can_review_alert, response_for
from .duty import on_duty_by_day
from .forms import (
    AnswersForm,
    DutyShiftForm,
    EditAnswersForm,
    OutsideSessionForm,
    ReviewForm,
    TeamSettingsForm,
)
from .models import DutyShift, QuestionnaireResponse
from .selectors import client_alerts, client_measures, portal_scores_shown


def _instrument(request: HttpRequest) -> Instrument | None:
    return INSTRUMENTS.get(request.GET.get("instrument", ""))


def _require_recorder(request: HttpRequest, client: Client) -> None:
    if not can_record_questionnaire(request.user, client):
        raise Http404


@staff_required()
@require_http_methods(["GET", "POST"])
def session_questionnaire(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A questionnaire completed in a session: part of the session's checklist."""
    appointment = appointment_for(request.user, appointment_id)
    client = appointment.course.referral.client
    _require_recorder(request, client)
    course = Course.objects.prefetch_related("appointments").get(pk=appointment.course_id)
    row = next((r for r in course.timeline().rows if r.appointment.pk == appointment.pk), None)
    if row is None or row.number is None:
        raise Http404
    form_def = _instrument(request)
    existing = (
        QuestionnaireResponse.objects.filter(appointment=appointment, instrument=form_def.code)
        .values_list("pk", flat=True)
        .first()
        if form_def
        else None
    )
    if existing:
        messages.info(request, f"A {form_def.short_name} is already recorded for this session.")
        return redirect("measures:edit", existing)
    form = AnswersForm(request.POST or None, instrument=form_def) if form_def else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.record_questionnaire(
                client,
                actor=request.user,
                instrument_code=form_def.code,
                answers=form.answers(),
                appointment=appointment,
            )
        except services.MeasureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The {form_def.short_name} is saved.")
            return redirect("courses:record", appointment.pk)
    record_view(request, client, "questionnaire_new")
    return render(
        request,
        "measures/questionnaire_form.html",
        {
            "client": client,
            "form": form,
            "instrument": form_def,
            "occasion": f"Session {row.number} on {timezone.localtime(appointment.starts_at):%-d %B %Y}",
            "back": ("courses:record", appointment.pk, f"Back to session {row.number}"),
            "choose_url": request.path,
            "instruments": INSTRUMENTS,
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def outside_questionnaire(request: HttpRequest, client_id: int) -> HttpResponse:
    """A questionnaire completed outside a session, for example at assessment."""
    client = client_for(request.user, client_id)
    _require_recorder(request, client)
    form_def = _instrument(request)
    referrals = client.referrals.all()
    first_open = next((r for r in referrals if r.is_open), None)
    form = (
        OutsideSessionForm(
            request.POST or None,
            instrument=form_def,
            referrals=referrals,
            initial={"completed_on": timezone.localdate(), "referral": first_open},
        )
        if form_def
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.record_questionnaire(
                client,
                actor=request.user,
                instrument_code=form_def.code,
                answers=form.answers(),
                referral=form.cleaned_data["referral"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except services.MeasureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The {form_def.short_name} is saved.")
            return redirect("measures:client", client.pk)
    record_view(request, client, "questionnaire_new")
    return render(
        request,
        "measures/questionnaire_form.html",
        {
            "client": client,
            "form": form,
            "instrument": form_def,
            "occasion": "Outside a session",
            "back": ("measures:client", client.pk, f"Back to {client.called}'s measures"),
            "choose_url": request.path,
            "instruments": INSTRUMENTS,
        },
    )


@staff_required()
@require_POST
def score_preview(request: HttpRequest) -> HttpResponse:
    """The running total while answering (htmx). Pure scoring of the posted answers: it reads no
    record, so it needs no client and writes no audit event; saving always rescores."""
    form_def = _instrument(request)
    if form_def is None:
        raise Http404
    form = AnswersForm(request.POST, instrument=form_def)
    result = None
    if form.is_valid():
        result = score(
            form_def,
            form.answers(),
            allow_prorating=True if request.user.team.gad7_prorating else None,
        )
    return render(
        request,
        "measures/questionnaire_form.html#live-score",
        {"form": form, "instrument": form_def, "result": result},
    )


@staff_required()
def questionnaire_detail(request: HttpRequest, response_id: int) -> HttpResponse:
    response = response_for(request.user, response_id)
    client = response.client
    record_view(request, client, "questionnaire")
    return render(
        request,
        "measures/questionnaire_detail.html",
        {
            "client": client,
            "response": response,
            "revisions": response.revisions.select_related("changed_by").order_by("-version"),
            "alerts": response.alerts.select_related("reviewed_by"),
            "can_edit": can_record_questionnaire(request.user, client),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, response_id: int) -> HttpResponse:
    response = response_for(request.user, response_id)
    client = response.client
    _require_recorder(request, client)
    form = EditAnswersForm(
        request.POST or None,
        instrument=response.instrument_data,
        initial={**AnswersForm.initial_from(response.answers), "version": response.version},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_questionnaire(
                response,
                actor=request.user,
                answers=form.answers(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except services.MeasureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The {response.instrument_data.short_name} is updated.")
            return redirect("measures:detail", response.pk)
    record_view(request, client, "questionnaire_edit")
    return render(
        request,
        "measures/questionnaire_form.html",
        {
            "client": client,
            "form": form,
            "instrument": response.instrument_data,
            "response": response,
            "occasion": f"Completed {response.completed_on:%-d %B %Y}",
            "back": ("measures:detail", response.pk, "Back to the questionnaire"),
        },
        status=status,
    )


@staff_required()
def client_measures_page(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    measures = client_measures(client)
    open_alerts, reviewed_alerts = client_alerts(client)
    record_view(request, client, "measures")
    return render(
        request,
        "measures/client_measures.html",
        {
            "client": client,
            "measures": measures,
            "open_alerts": open_alerts,
            "reviewed_alerts": reviewed_alerts,
            "can_record": can_record_questionnaire(request.user, client),
            "instruments": INSTRUMENTS.values(),
            "portal_scores_shown": portal_scores_shown(client),
        },
    )


@staff_required()
@require_POST
def portal_scores_switch(request: HttpRequest, client_id: int) -> HttpResponse:
    """The therapist's switch: whether the client sees their own scores in the portal."""
    client = client_for(request.user, client_id)
    _require_recorder(request, client)
    shown = request.POST.get("shown") == "yes"
    services.set_portal_scores(client, actor=request.user, shown=shown)
    messages.success(
        request,
        f"{client.called} can now see their scores in the portal."
        if shown
        else f"{client.called}'s scores are now hidden in the portal.",
    )
    return redirect("measures:client", client.pk)


@staff_required()
@require_http_methods(["GET", "POST"])
def alert_review(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = alert_for(request.user, alert_id)
    client = alert.client
    can_review = can_review_alert(request.user, alert)
    on_caseload = visible_clients(request.user).filter(pk=client.pk).exists()
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_review:
            raise Http404
        if form.is_valid():
            try:
                services.review_alert(
                    alert,
                    actor=request.user,
                    assessment=form.cleaned_data["assessment"],
                    action=form.cleaned_data["action"],
                )
            except services.MeasureError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The review is recorded and the alert is closed.")
                if on_caseload:
                    return redirect("clients:detail", client.pk)
                return redirect("courses:caseload")
    record_view(request, client, "risk_alert")
    return render(
        request,
        "measures/alert.html",
        {
            "client": client,
            "alert": alert,
            "form": form,
            "can_review": can_review,
            "on_caseload": on_caseload,
        },
    )


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["GET", "POST"])
def team_settings(request: HttpRequest) -> HttpResponse:
    team = request.user.team
    form = TeamSettingsForm(
        request.POST or None, team=team, initial=TeamSettingsForm.initial_for(team)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team_settings(
                team,
                actor=request.user,
                duty_clinician=form.cleaned_data["duty_clinician"],
                working_day_ends=form.cleaned_data["working_day_ends"],
                gad7_prorating=form.cleaned_data["gad7_prorating"],
                schedule=form.schedule(),
                working_day_starts=form.cleaned_data["working_day_starts"],
                bank_holidays=form.cleaned_data["bank_holidays"],
                safety_net=form.safety_net(),
            )
        except services.MeasureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The team's settings are saved.")
            return redirect("measures:team_settings")
    return render(request, "measures/team_settings.html", {"form": form, "team": team})


ROTA_WEEKS = 8


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["GET", "POST"])
def duty_rota(request: HttpRequest) -> HttpResponse:
    """Who is on duty each working day, and turns on the rota by date (issue 8)."""
    team = request.user.team
    form = DutyShiftForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_duty_shift(
                team,
                actor=request.user,
                clinician=form.cleaned_data["clinician"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except services.MeasureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The turn is on the duty rota.")
            return redirect("measures:duty_rota")
    today = timezone.localdate()
    week = team.working_week()
    days = [today + timedelta(days=n) for n in range(ROTA_WEEKS * 7)]
    on_duty = on_duty_by_day(team, [day for day in days if week.is_working_day(day)])
    shifts = DutyShift.objects.filter(team=team, ends_on__gte=today).select_related("clinician")
    return render(
        request,
        "measures/duty_rota.html",
        {"form": form, "team": team, "on_duty": sorted(on_duty.items()), "shifts": shifts},
    )


@staff_required(Role.SERVICE_LEAD)
@require_POST
def duty_shift_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    try:
        shift = DutyShift.objects.select_related("team").get(pk=shift_id, team=request.user.team)
    except DutyShift.DoesNotExist:
        raise Http404 from None
    try:
        services.remove_duty_shift(shift, actor=request.user)
    except services.MeasureError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The turn is off the duty rota.")
    return redirect("measures:duty_rota")
