"""What the client sees of their therapy in the portal: the therapist chooses, item by item, and
deals with the client's suggestions (accept, after checking, or note as discussed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.ipt.my_therapy import (
    CLOSENESS_WORDS,
    PERSON_NAMES,
    STAFF_NAMES,
    SharedItem,
    SuggestionKind,
)

from .. import sharing
from ..access import course_for, suggestion_for
from ..forms import RelationshipForm
from ..models import Formulation, Suggestion


@staff_required()
@require_http_methods(["GET", "POST"])
def sharing_page(request: HttpRequest, course_id: int) -> HttpResponse:
    """One checkbox per item; nothing is shared until the therapist ticks it and saves."""
    course = course_for(request.user, course_id, edit=request.method == "POST")
    client = course.referral.client
    if request.method == "POST":
        try:
            sharing.set_shared(course, actor=request.user, items=request.POST.getlist("items"))
        except sharing.SharingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"What {client.called} sees in the portal is saved.")
        return redirect("inventory:sharing", course.pk)
    shared = sharing.shared_items(course)
    formulation = Formulation.objects.filter(course=course).first()
    record_view(request, client, "portal_sharing")
    return render(
        request,
        "inventory/sharing/page.html",
        {
            "course": course,
            "client": client,
            # Sharing stays possible after the course ends (say, the timeline at the end).
            "can_edit": can_edit_clinical_record(request.user, client),
            "items": [(item, STAFF_NAMES[item], item in shared) for item in SharedItem],
            "formulation_waiting": SharedItem.FORMULATION in shared
            and not (formulation and formulation.is_shared),
            "suggestions": Suggestion.objects.filter(course=course),
        },
    )


def _addition_form(suggestion: Suggestion, data: object = None) -> RelationshipForm:
    course = suggestion.course
    return RelationshipForm(
        data,
        variant=course.variant_enum,
        prefix="new",
        initial={"label": suggestion.label, "closeness_now": suggestion.closeness},
    )


def _suggestion_page(
    request: HttpRequest, suggestion: Suggestion, form: RelationshipForm | None, status: int = 200
) -> HttpResponse:
    client = suggestion.course.referral.client
    record_view(request, client, "portal_suggestion")
    return render(
        request,
        "inventory/sharing/suggestion.html",
        {
            "suggestion": suggestion,
            "course": suggestion.course,
            "client": client,
            "can_edit": can_edit_clinical_record(request.user, client),
            # A person is added only to an open course; any suggestion can be discussed.
            "can_add": suggestion.course.is_open,
            "about": PERSON_NAMES.get(SharedItem(suggestion.item)) if suggestion.item else "",
            "closeness": CLOSENESS_WORDS.get(suggestion.closeness or 0, ""),
            "form": form,
        },
        status=status,
    )


@staff_required()
@require_GET
def suggestion_page(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_for(request.user, suggestion_id)
    adding = suggestion.is_open and suggestion.kind == SuggestionKind.ADD_SOMEONE
    return _suggestion_page(request, suggestion, _addition_form(suggestion) if adding else None)


@staff_required()
@require_POST
def suggestion_accept(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Add the person as checked on the form: the client's words never go in unchecked."""
    suggestion = suggestion_for(request.user, suggestion_id, edit=True)
    form = _addition_form(suggestion, request.POST)
    if form.is_valid():
        try:
            person = sharing.accept_addition(
                suggestion, actor=request.user, data=form.service_data()
            )
        except sharing.services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except sharing.SharingError as error:
            messages.error(request, str(error))
            return redirect("inventory:suggestion", suggestion.pk)
        else:
            messages.success(request, f"{person.label} is added to the inventory.")
            return redirect("inventory:relationships", suggestion.course_id)
    return _suggestion_page(request, suggestion, form, status=400)


@staff_required()
@require_POST
def suggestion_discuss(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_for(request.user, suggestion_id, edit=True)
    try:
        sharing.mark_discussed(suggestion, actor=request.user, note=request.POST.get("note", ""))
    except sharing.SharingError as error:
        messages.error(request, str(error))
        return redirect("inventory:suggestion", suggestion.pk)
    messages.success(request, "The suggestion is noted as discussed. The record is unchanged.")
    return redirect("inventory:sharing", suggestion.course_id)
