"""The course's adherence page and the rating form (issue 13 item 2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.courses.models import SessionRecord
from iptclinic.lib.concurrency import EditConflict

from . import selectors, services
from .access import adherence_course_for, appointment_to_rate, sources_for
from .forms import RatingForm
from .models import AdherenceChecklist


@staff_required()
def course_adherence(request: HttpRequest, course_id: int) -> HttpResponse:
    course = adherence_course_for(request.user, course_id)
    client = course.referral.client
    record_view(request, client, "adherence")
    return render(
        request,
        "fidelity/course.html",
        {
            "client": client,
            "course": course,
            "adherence": selectors.course_adherence(course, request.user),
            "may_rate": bool(sources_for(request.user, client)),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_to_rate(request.user, appointment_id)
    client = appointment.course.referral.client
    if not SessionRecord.objects.filter(appointment=appointment).exists():
        messages.info(request, "A session can be rated once its record has been written.")
        return redirect("fidelity:course", appointment.course_id)
    stored = AdherenceChecklist.objects.filter(appointment=appointment).first()
    if stored is not None:
        number, checklist = stored.session_number, stored.item_list
    else:
        try:
            number, _phase, checklist = selectors.new_checklist(appointment)
        except selectors.NotASession:
            raise Http404 from None
    rating = selectors.own_rating(appointment, request.user)
    form = RatingForm(
        request.POST if request.method == "POST" else None,
        items=checklist,
        sources=sources_for(request.user, client),
        rating=rating,
    )
    status = 200
    if form.is_bound and form.is_valid():
        try:
            services.rate_session(
                appointment,
                request.user,
                form.source,
                form.scores,
                expected_version=form.cleaned_data["version"],
            )
        except (services.AdherenceError, EditConflict) as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, f"Your adherence rating of session {number} is saved.")
            return redirect("fidelity:course", appointment.course_id)
    record_view(request, client, "adherence_rate")
    return render(
        request,
        "fidelity/rate.html",
        {
            "client": client,
            "course": appointment.course,
            "appointment": appointment,
            "number": number,
            "form": form,
            "rating": rating,
            "fixed": stored is not None,
        },
        status=status,
    )
