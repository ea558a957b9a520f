"""The interpersonal inventory: people added, edited and removed in place, and the closeness circle.

Each change answers an htmx request with the changed fragment plus the redrawn circle (an
out-of-band swap), and a plain request with a redirect, so the page works without script too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.courses.models import Course
from iptclinic.inventory.circle import closeness_circle_svg, closeness_circle_text
from iptclinic.ipt.casefile import case_to_json
from iptclinic.lib.concurrency import EditConflict

from .. import services
from ..access import course_for, relationship_for
from ..cases import InventoryRows, build_case, circle_people, load_rows
from ..forms import RelationshipForm
from ..models import RINGS, Relationship

PAGE = "inventory/inventory.html"


def circle_context(course: Course, rows: InventoryRows) -> dict[str, Any]:
    people = circle_people(rows)
    client = course.referral.client
    return {
        "circle_svg": mark_safe(  # noqa: S308 - built by lib.svg, which escapes every text
            closeness_circle_svg(people, centre_label=client.called, rings=RINGS)
        ),
        "circle_text": closeness_circle_text(people, rings=RINGS),
    }


def _earlier_course(course: Course) -> Course | None:
    """The latest other course of the same referral with an inventory, to copy forward from."""
    return (
        Course.objects.filter(referral_id=course.referral_id, relationships__isnull=False)
        .exclude(pk=course.pk)
        .order_by("-start_date", "-id")
        .first()
    )


def _context(request: HttpRequest, course: Course, **extra: Any) -> dict[str, Any]:
    rows = load_rows(course.pk, course.variant_enum)
    client = course.referral.client
    can_edit = can_edit_clinical_record(request.user, client) and course.is_open
    return {
        "course": course,
        "client": client,
        "can_edit": can_edit,
        "relationships": rows.relationships,
        "earlier_course": _earlier_course(course) if can_edit and not rows.relationships else None,
        **circle_context(course, rows),
        **extra,
    }


def _fragment(request: HttpRequest, partial: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"{PAGE}#{partial}", context)


@staff_required()
@require_GET
def inventory_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    record_view(request, course.referral.client, "inventory")
    return render(request, PAGE, _context(request, course))


@staff_required()
@require_GET
def relationship_new(request: HttpRequest, course_id: int) -> HttpResponse:
    """A blank row, its first field focused; without htmx, the page with the blank row open."""
    course = course_for(request.user, course_id, edit=True)
    form = RelationshipForm(variant=course.variant_enum, prefix="new")
    record_view(request, course.referral.client, "inventory")
    context = _context(request, course, new_form=form)
    return _fragment(request, "adder", context) if request.htmx else render(request, PAGE, context)


@staff_required()
@require_POST
def relationship_add(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id, edit=True)
    form = RelationshipForm(request.POST, variant=course.variant_enum, prefix="new")
    if form.is_valid():
        try:
            person = services.add_relationship(course, actor=request.user, data=form.service_data())
        except services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if request.htmx:
                first = not course.relationships.exclude(pk=person.pk).exists()
                context = _context(request, course, added=person, first=first)
                return _fragment(request, "added", context)
            messages.success(request, f"{person.label} is added to the inventory.")
            return redirect("inventory:relationships", course.pk)
    record_view(request, course.referral.client, "inventory")
    context = _context(request, course, new_form=form)
    return _fragment(request, "adder", context) if request.htmx else render(request, PAGE, context)


@staff_required()
@require_GET
def relationship_card(request: HttpRequest, relationship_id: int) -> HttpResponse:
    """One person's summary: what "Cancel" brings back in place of the edit form."""
    person = relationship_for(request.user, relationship_id)
    course = person.course
    record_view(request, course.referral.client, "inventory")
    context = _context(request, course, person=person)
    return _fragment(request, "card", context) if request.htmx else render(request, PAGE, context)


@staff_required()
@require_http_methods(["GET", "POST"])
def relationship_edit(request: HttpRequest, relationship_id: int) -> HttpResponse:
    person = relationship_for(request.user, relationship_id, edit=True)
    course = person.course
    form = RelationshipForm(
        request.POST if request.method == "POST" else None,
        instance=person,
        variant=course.variant_enum,
        prefix=f"p{person.pk}",
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_relationship(
                Relationship.objects.get(pk=person.pk),
                actor=request.user,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if request.htmx:
                return _fragment(request, "saved", _context(request, course, person=saved))
            messages.success(request, f"The entry for {saved.label} is saved.")
            return redirect("inventory:relationships", course.pk)
    record_view(request, course.referral.client, "inventory")
    context = _context(request, course, person=person, form=form, editing=person.pk)
    if request.htmx:
        return _fragment(request, "card", context)
    return render(request, PAGE, context, status=status)


@staff_required()
@require_POST
def relationship_remove(request: HttpRequest, relationship_id: int) -> HttpResponse:
    person = relationship_for(request.user, relationship_id, edit=True)
    course = person.course
    label = person.label
    try:
        services.remove_relationship(person, actor=request.user)
    except services.InventoryRuleError as error:
        messages.error(request, str(error))
        return redirect("inventory:relationships", course.pk)
    if request.htmx:
        return _fragment(request, "removed", _context(request, course, removed=label))
    messages.success(request, f"{label} is taken off the inventory.")
    return redirect("inventory:relationships", course.pk)


@staff_required()
@require_GET
def inventory_export(request: HttpRequest, course_id: int) -> HttpResponse:
    """The current inventory and timeline as a case file (docs/case-format.md), to download.

    It holds third-party details: the download is audited like a page view, and the file name
    carries no name of anyone.
    """
    course = course_for(request.user, course_id)
    rows = load_rows(course.pk, course.variant_enum)
    text = case_to_json(build_case(rows, timezone.localdate()))
    record_view(request, course.referral.client, "inventory_export")
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    filename = f"case-course-{course.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required()
@require_POST
def inventory_copy(request: HttpRequest, course_id: int) -> HttpResponse:
    """Copy the inventory and timeline of the referral's earlier course (decisions.md §7)."""
    course = course_for(request.user, course_id, edit=True)
    earlier = _earlier_course(course)
    if earlier is None:
        messages.error(request, "There is no earlier course of this referral to copy from.")
        return redirect("inventory:relationships", course.pk)
    try:
        copied = services.copy_inventory_forward(earlier, course, actor=request.user)
    except services.InventoryRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{copied} people and the timeline are copied from the course of "
            f"{earlier.start_date:%-d %B %Y}. Check what has changed since.",
        )
    return redirect("inventory:relationships", course.pk)
