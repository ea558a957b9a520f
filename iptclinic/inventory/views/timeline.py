"""The timeline: the onset, life events with mood, earlier episodes, and the drawing that links them.

Events are added, edited and removed in place like the inventory's people; the drawing is redrawn
out of band after each change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.clients.models import EATING_DISORDERS
from iptclinic.courses.models import Course
from iptclinic.inventory.timeline_drawing import timeline_svg, timeline_text
from iptclinic.ipt.variants import variant_config
from iptclinic.lib.concurrency import EditConflict

from .. import services
from ..access import course_for, episode_for, event_for
from ..cases import InventoryRows, load_rows, timeline_input
from ..forms import EarlierEpisodeForm, EpisodeForm, LifeEventForm, format_approx_date
from ..models import LifeEvent, Relationship

PAGE = "inventory/timeline.html"


def eating_disorder(course: Course) -> bool:
    return course.referral.presenting_problem in EATING_DISORDERS


def drawing_context(course: Course, rows: InventoryRows) -> dict[str, Any]:
    data = timeline_input(rows, eating_disorder=eating_disorder(course))
    return {
        "timeline_svg": mark_safe(  # noqa: S308 - built by lib.svg, which escapes every text
            timeline_svg(**data.as_kwargs(), svg_id="course-timeline")
        ),
        "timeline_text": timeline_text(**data.as_kwargs()),
    }


def _event_form(course: Course, data: Any = None, **kwargs: Any) -> LifeEventForm:
    return LifeEventForm(
        data,
        people=Relationship.objects.filter(course=course),
        eating_disorder=eating_disorder(course),
        worsened_label=variant_config(course.variant).worsened_label,
        **kwargs,
    )


def _context(request: HttpRequest, course: Course, **extra: Any) -> dict[str, Any]:
    rows = load_rows(course.pk, course.variant_enum)
    client = course.referral.client
    facts = rows.inventory
    return {
        "course": course,
        "client": client,
        "can_edit": can_edit_clinical_record(request.user, client) and course.is_open,
        "events": rows.events,
        "episodes": rows.episodes,
        "onset": rows.onset,
        "onset_until": rows.onset_until,
        "facts": facts,
        "eating_disorder": eating_disorder(course),
        "symptoms_noun": variant_config(course.variant).symptoms_noun,
        "episode_form": EarlierEpisodeForm(prefix="earlier"),
        "facts_form": EpisodeForm(
            initial={
                "version": facts.version if facts else 0,
                "onset": format_approx_date(facts.onset_on, facts.onset_precision) if facts else "",
                "onset_until": format_approx_date(facts.onset_until_on, facts.onset_until_precision)
                if facts
                else "",
                "chronic_course": facts.chronic_course if facts else False,
                "patterns": facts.patterns if facts else "",
            },
            prefix="episode",
        ),
        **drawing_context(course, rows),
        **extra,
    }


def _fragment(request: HttpRequest, partial: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"{PAGE}#{partial}", context)


@staff_required()
@require_GET
def timeline_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    record_view(request, course.referral.client, "timeline")
    return render(request, PAGE, _context(request, course))


@staff_required()
@require_POST
def timeline_facts(request: HttpRequest, course_id: int) -> HttpResponse:
    """The onset of the current episode, a chronic course and patterns across relationships."""
    course = course_for(request.user, course_id, edit=True)
    form = EpisodeForm(request.POST, prefix="episode")
    status = 200
    if form.is_valid():
        try:
            services.save_episode_facts(
                course,
                actor=request.user,
                onset=form.cleaned_data["onset"],
                onset_until=form.cleaned_data["onset_until"],
                chronic_course=form.cleaned_data["chronic_course"],
                patterns=form.cleaned_data["patterns"],
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "The details of this episode are saved.")
            return redirect("inventory:timeline", course.pk)
    record_view(request, course.referral.client, "timeline")
    return render(request, PAGE, _context(request, course, facts_form=form), status=status)


@staff_required()
@require_GET
def event_new(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id, edit=True)
    record_view(request, course.referral.client, "timeline")
    context = _context(request, course, new_form=_event_form(course, prefix="new"))
    return _fragment(request, "adder", context) if request.htmx else render(request, PAGE, context)


@staff_required()
@require_POST
def event_add(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id, edit=True)
    form = _event_form(course, request.POST, prefix="new")
    if form.is_valid():
        try:
            event = services.add_event(
                course,
                actor=request.user,
                data=form.service_data(),
                people=list(form.cleaned_data["people"]),
            )
        except services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if request.htmx:
                return _fragment(request, "added", _context(request, course, added=event))
            messages.success(request, "The event is on the timeline.")
            return redirect("inventory:timeline", course.pk)
    record_view(request, course.referral.client, "timeline")
    context = _context(request, course, new_form=form)
    return _fragment(request, "adder", context) if request.htmx else render(request, PAGE, context)


@staff_required()
@require_GET
def event_card(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id)
    course = event.course
    record_view(request, course.referral.client, "timeline")
    context = _context(request, course, event=event)
    return _fragment(request, "card", context) if request.htmx else render(request, PAGE, context)


@staff_required()
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id, edit=True)
    course = event.course
    form = _event_form(
        course,
        request.POST if request.method == "POST" else None,
        instance=event,
        prefix=f"e{event.pk}",
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_event(
                LifeEvent.objects.get(pk=event.pk),
                actor=request.user,
                data=form.service_data(),
                people=list(form.cleaned_data["people"]),
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        except services.InventoryRuleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if request.htmx:
                saved = LifeEvent.objects.prefetch_related("people").get(pk=saved.pk)
                return _fragment(request, "saved", _context(request, course, event=saved))
            messages.success(request, "The event is saved.")
            return redirect("inventory:timeline", course.pk)
    record_view(request, course.referral.client, "timeline")
    context = _context(request, course, event=event, form=form, editing=event.pk)
    if request.htmx:
        return _fragment(request, "card", context)
    return render(request, PAGE, context, status=status)


@staff_required()
@require_POST
def event_remove(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id, edit=True)
    course = event.course
    try:
        services.remove_event(event, actor=request.user)
    except services.InventoryRuleError as error:
        messages.error(request, str(error))
        return redirect("inventory:timeline", course.pk)
    if request.htmx:
        return _fragment(request, "removed", _context(request, course))
    messages.success(request, "The event is taken off the timeline.")
    return redirect("inventory:timeline", course.pk)


@staff_required()
@require_POST
def earlier_episode_add(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id, edit=True)
    form = EarlierEpisodeForm(request.POST, prefix="earlier")
    if form.is_valid():
        try:
            services.add_earlier_episode(
                course,
                actor=request.user,
                began=form.cleaned_data["began"],
                note=form.cleaned_data["note"],
            )
        except services.InventoryRuleError as error:
            form.add_error("began" if error.field == "began" else None, str(error))
        else:
            messages.success(request, "The earlier episode is on the timeline.")
            return redirect("inventory:timeline", course.pk)
    record_view(request, course.referral.client, "timeline")
    return render(request, PAGE, _context(request, course, episode_form=form))


@staff_required()
@require_POST
def earlier_episode_remove(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = episode_for(request.user, episode_id, edit=True)
    course = episode.course
    try:
        services.remove_earlier_episode(episode, actor=request.user)
    except services.InventoryRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The earlier episode is taken off the timeline.")
    return redirect("inventory:timeline", course.pk)
