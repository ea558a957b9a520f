"""Focus suggestions and the therapist's choice; the formulation; the treatment agreement.

The suggestion is recomputed from the inventory on every view and is never stored as a decision:
the page shows it beside an empty choice that only the therapist fills in (ipt-method.md R28).
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
from iptclinic.ipt.focus import FocusSuggestion, Status, suggest
from iptclinic.ipt.problem_areas import DISPUTE_STAGE_INFO, DisputeStage, plain_description

from .. import services
from ..access import course_for
from ..cases import area_name, build_case, load_rows
from ..forms import FocusForm
from ..models import FocusDecision, TreatmentAgreement


def suggestion_for(course: Course) -> FocusSuggestion:
    rows = load_rows(course.pk, course.variant_enum)
    return suggest(build_case(rows, timezone.localdate()))


def suggestion_rows(suggestion: FocusSuggestion, course: Course) -> list[dict[str, Any]]:
    """Each area with the words the page shows: its name, status, evidence and exclusions."""
    return [
        {
            "area": a.area.value,
            "name": area_name(a.area, course.variant_enum),
            "plain": plain_description(a.area, course.variant_enum),
            "status": a.status.value,
            "status_label": {
                Status.SUGGESTED: "Suggested",
                Status.POSSIBLE: "Possible",
                Status.EXCLUDED: "Ruled out",
            }[a.status],
            "confidence": a.confidence.value if a.confidence else "",
            "evidence": [e.why for e in a.evidence],
            "exclusions": list(a.exclusions),
            "stage": a.dispute_stage.value if a.dispute_stage else "",
            "stage_recorded": a.dispute_stage_recorded,
            "stage_direction": DISPUTE_STAGE_INFO[a.dispute_stage][1] if a.dispute_stage else "",
        }
        for a in suggestion.areas
    ]


@staff_required()
@require_http_methods(["GET", "POST"])
def focus_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    can_edit = can_edit_clinical_record(request.user, client) and course.is_open
    agreement = TreatmentAgreement.objects.filter(course=course).first()
    form = FocusForm(
        request.POST if request.method == "POST" else None,
        variant=course.variant_enum,
        agreed=agreement is not None,
    )
    suggestion = suggestion_for(course)
    if request.method == "POST":
        course = course_for(request.user, course_id, edit=True)
        if form.is_valid():
            try:
                services.choose_focus(
                    course,
                    actor=request.user,
                    areas=form.cleaned_data["areas"],
                    reason=form.cleaned_data["reason"],
                    dispute_stage=form.stage,
                    suggested=[a.area for a in suggestion.suggested],
                    renegotiation=form.cleaned_data.get("renegotiation", False),
                )
            except services.InventoryRuleError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(
                    request,
                    "The focus is recorded."
                    if agreement is None
                    else "The renegotiated focus is recorded. Review the goals and formulation.",
                )
                return redirect("inventory:formulation", course.pk)
    record_view(request, client, "focus")
    decisions = list(
        FocusDecision.objects.filter(course=course).select_related("decided_by").order_by("-id")
    )
    return render(
        request,
        "inventory/focus.html",
        {
            "course": course,
            "client": client,
            "can_edit": can_edit,
            "form": form,
            "suggestion": suggestion,
            "areas": suggestion_rows(suggestion, course),
            "current": next((d for d in decisions if d.is_current), None),
            "decisions": decisions,
            "agreement": agreement,
            "stages": [
                (stage.value.capitalize(), *DISPUTE_STAGE_INFO[stage]) for stage in DisputeStage
            ],
        },
    )
