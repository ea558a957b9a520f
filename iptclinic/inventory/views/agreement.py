"""The formulation (draft, edit, shared) and the treatment agreement with its goals.

One page, several small forms told apart by a hidden ``form`` field, each calling one service.
The agreement is refused until the formulation has been shared (R04); the middle phase is refused
until the agreement, or a recorded override, exists (decisions.md §6).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.models import Course
from iptclinic.lib.concurrency import EditConflict

from .. import services
from ..access import course_for
from ..drafting import draft_for_course
from ..forms import AgreementForm, FormulationForm, GoalsForm, OverrideForm, ShareForm
from ..models import Formulation, Goal, MiddlePhaseOverride, TreatmentAgreement

FORMS = ("formulation", "share", "revise", "agreement", "goals", "override")


def _bound(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _last_session_day(course: Course) -> Any:
    last = course.appointments.filter(status="attended").order_by("-starts_at").first()
    return timezone.localdate(last.starts_at) if last else timezone.localdate()


def _goal_initial(goals: list[Goal]) -> dict[str, str]:
    return {f"goal_{g.area}_{g.position}": g.text for g in goals}


@staff_required()
@require_http_methods(["GET", "POST"])
def formulation_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id, edit=request.method == "POST")
    client = course.referral.client
    focus = services.current_focus(course)
    formulation = Formulation.objects.filter(course=course).first()
    agreement = TreatmentAgreement.objects.filter(course=course).first()
    override = MiddlePhaseOverride.objects.filter(course=course).first()
    goals = list(Goal.objects.filter(course=course, retired_at__isnull=True))
    areas = focus.problem_areas if focus else []
    variant = course.variant_enum
    forms = {
        "formulation": FormulationForm(
            _bound(request, "formulation"),
            initial={
                "text": formulation.text if formulation else draft_for_course(course, focus),
                "version": formulation.version if formulation else 0,
            },
        ),
        "share": ShareForm(
            _bound(request, "share"), initial={"shared_on": _last_session_day(course)}
        ),
        "agreement": AgreementForm(
            _bound(request, "agreement"),
            areas=areas,
            variant=variant,
            initial={
                "agreed_on": formulation.shared_on
                if formulation and formulation.shared_on
                else _last_session_day(course),
                "contracted_sessions": course.contracted_sessions,
            },
        ),
        "goals": GoalsForm(
            _bound(request, "goals"), areas=areas, variant=variant, initial=_goal_initial(goals)
        ),
        "override": OverrideForm(_bound(request, "override")),
    }
    status = 200
    if request.method == "POST":
        name = request.POST.get("form", "")
        form = forms.get(name)
        try:
            if name == "revise":
                services.revise_formulation(course, actor=request.user)
                messages.success(
                    request, "The formulation is a draft again: edit it, then share it."
                )
                return redirect("inventory:formulation", course.pk)
            if form is not None and form.is_valid():
                messages.success(request, _apply(name, form, course, request))
                return redirect(
                    "clients:detail" if name == "agreement" else "inventory:formulation",
                    client.pk if name == "agreement" else course.pk,
                )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except services.InventoryRuleError as error:
            if form is None:
                messages.error(request, str(error))
            else:
                form.add_error(error.field if error.field in form.fields else None, str(error))
    record_view(request, client, "formulation")
    return render(
        request,
        "inventory/formulation.html",
        {
            "course": course,
            "client": client,
            "can_edit": can_edit_clinical_record(request.user, client) and course.is_open,
            "focus": focus,
            "formulation": formulation,
            "agreement": agreement,
            "override": override,
            "goals": goals,
            **{f"{key}_form": value for key, value in forms.items()},
        },
        status=status,
    )


def _apply(name: str, form: Any, course: Course, request: HttpRequest) -> str:
    """Call the one service the submitted form is for; return the message to show."""
    actor = request.user
    data = form.cleaned_data
    if name == "formulation":
        services.save_formulation(
            course, actor=actor, text=data["text"], expected_version=data["version"]
        )
        return "The formulation is saved as a draft."
    if name == "share":
        services.share_formulation(course, actor=actor, shared_on=data["shared_on"])
        return "The formulation is recorded as shared with the client and agreed."
    if name == "agreement":
        services.record_treatment_agreement(
            course,
            actor=actor,
            agreed_on=data["agreed_on"],
            contracted_sessions=data["contracted_sessions"],
            goals=form.goals,
        )
        return (
            "The treatment agreement is recorded: the contract is fixed, and the middle phase "
            "starts with the next session."
        )
    if name == "goals":
        services.save_goals(course, actor=actor, goals=form.goals)
        return "The goals are saved."
    services.override_middle_phase(course, actor=actor, reason=data["reason"])
    return "The override is recorded: the middle phase can start without an agreed focus."
