"""The eating log page of an IPT-ED course and the team's eating log settings (issue 14 item 5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.models import Course
from iptclinic.ipt.eating import COMPENSATORY_LABELS, Compensatory, EatingLogError
from iptclinic.lib.concurrency import EditConflict

from . import selectors, services
from .access import eating_appointment_for, eating_course_for, measure_for
from .chart import eating_chart_svg
from .forms import EatingSettingsForm, EatingWeekForm, MeasureForm


def _sessions(rows: list[selectors.LogRow]) -> list[tuple[int, str]]:
    return [
        (row.appointment.pk, f"Session {row.number}, {row.appointment.starts_at:%d %b %Y}")
        for row in reversed(rows)
    ]


def _week_form(
    course: Course, rows: list[selectors.LogRow], records_weight: bool, data: Any
) -> EatingWeekForm:
    return EatingWeekForm(data, sessions=_sessions(rows), records_weight=records_weight)


@staff_required()
@require_http_methods(["GET", "POST"])
def course_log(request: HttpRequest, course_id: int) -> HttpResponse:
    course = eating_course_for(request.user, course_id)
    client = course.referral.client
    may_write = can_edit_clinical_record(request.user, client) and course.is_open
    records_weight = services.settings_for(client.team).records_weight
    rows = selectors.log_rows(course)
    form = _week_form(
        course,
        rows,
        records_weight,
        request.POST if may_write and request.method == "POST" else None,
    )
    status = 200
    if form.is_bound and form.is_valid():
        try:
            services.record_eating_week(
                eating_appointment_for(request.user, course, form.cleaned_data["appointment"]),
                actor=request.user,
                binges=form.cleaned_data["binges"],
                compensatory=form.compensatory,
                weight_kg=form.weight_kg,
                expected_version=form.cleaned_data["version"],
            )
        except (EatingLogError, EditConflict) as error:
            form.add_error(None, str(error))
            if isinstance(error, EditConflict):
                status = 409
        else:
            messages.success(request, "The eating log is saved.")
            return redirect("eating:log", course.pk)
    record_view(request, client, "eating_log")
    svg = eating_chart_svg(points=selectors.chart_points(rows), svg_id=f"eating-{course.pk}")
    return render(
        request,
        "eating/log.html",
        {
            "client": client,
            "course": course,
            "rows": rows,
            "form": form,
            "may_write": may_write,
            "records_weight": records_weight,
            "kinds": [(kind.value, COMPENSATORY_LABELS[kind]) for kind in Compensatory],
            "measures": selectors.team_measures(client.team),
            "chart": mark_safe(svg),  # noqa: S308 - built by lib.svg, which escapes every text
        },
        status=status,
    )


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["GET", "POST"])
def team_settings(request: HttpRequest) -> HttpResponse:
    team = request.user.team
    current = services.settings_for(team)
    form = EatingSettingsForm(
        request.POST or None,
        initial={"records_weight": current.records_weight, "purging_rise": current.purging_rise},
    )
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            team,
            actor=request.user,
            records_weight=form.cleaned_data["records_weight"],
            purging_rise=form.cleaned_data["purging_rise"],
        )
        messages.success(request, "The eating log settings are saved.")
        return redirect("eating:settings")
    return render(request, "eating/settings.html", {"form": form, "team": team})


@staff_required()
@require_http_methods(["GET", "POST"])
def measure(request: HttpRequest, course_id: int) -> HttpResponse:
    """Record the team's configured eating-disorder questionnaire (``?measure=<id>``)."""
    course = eating_course_for(request.user, course_id)
    client = course.referral.client
    if not (can_edit_clinical_record(request.user, client) and course.is_open):
        raise Http404
    chosen = measure_for(client.team, request.GET.get("measure", ""))
    rows = selectors.log_rows(course)
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        instrument=chosen.instrument,
        sessions=_sessions(rows),
    )
    if form.is_bound and form.is_valid():
        try:
            services.record_measure(
                eating_appointment_for(request.user, course, form.cleaned_data["appointment"]),
                chosen,
                actor=request.user,
                answers=form.answers,
            )
        except EatingLogError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The {chosen.instrument.short_name} is saved.")
            return redirect("eating:log", course.pk)
    record_view(request, client, "eating_measure")
    return render(
        request,
        "eating/measure.html",
        {"client": client, "course": course, "form": form, "instrument": chosen.instrument},
    )
