"""Letters: issue, list, download; the calendar; settings; the information page about IPT."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role
from iptclinic.audit import services as audit
from iptclinic.audit.views import record_view
from iptclinic.clients.access import can_edit_clinical_record, client_for
from iptclinic.courses.access import course_for
from iptclinic.courses.models import Appointment, Course
from iptclinic.ipt.problem_areas import ProblemArea, area_meaning

from . import services
from .access import file_for, letter_for, letter_request_for
from .formats.pdf import LARGE_PRINT_STYLESHEET, STANDARD_STYLESHEET, html_to_pdf
from .formats.plaintext import html_to_text
from .forms import IssueForm, TeamContactsForm, TranslationSignOffForm
from .kinds import appointments_letter
from .languages import ENGLISH, SHIPPED, language_choice
from .models import LetterFormat, LetterKind
from .rendering import calendar_file, keep_numbers_together, preview_pdf, render_html
from .selectors import (
    letter_draft,
    letters_of,
    progress_of,
    requests_in_hand,
    translation_statuses,
)
from .wording import AREA_EXPLANATIONS, AREA_NAMES


def _attachment(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required()
def client_letters(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    courses = list(
        Course.objects.filter(referral__client=client).prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.only(
                    "id", "course_id", "starts_at", "status", "attendee"
                ),
            )
        )
    )
    record_view(request, client, "letters")
    return render(
        request,
        "letters/client_letters.html",
        {
            "client": client,
            "courses": courses,
            "kinds": list(LetterKind),
            "letters": letters_of(client),
            "in_hand": requests_in_hand(client),
            "needs": client.translation_needs.select_related("letter", "recorded_by"),
            "can_edit": can_edit_clinical_record(request.user, client),
            "language": language_choice(client.language),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, course_id: int, kind: str) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    can_issue = can_edit_clinical_record(request.user, client)
    if request.method == "POST" and not can_issue:
        raise Http404
    letter_kind = LetterKind(kind)
    address = request.POST.get("referrer_address", "")
    draft = letter_draft(course, letter_kind, referrer_address=address)
    form = IssueForm(request.POST if request.method == "POST" else None, draft=draft)
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.request_letter(
                course,
                actor=request.user,
                kind=letter_kind,
                formats=form.chosen_formats(),
                acknowledged=form.cleaned_data.get("acknowledged", False),
                referrer_address=form.cleaned_data.get("referrer_address", ""),
            )
        except services.LetterError as error:
            form.add_error(None, str(error))
        else:
            return redirect("letters:request", asked.pk)
    preview = ""
    if draft.can_issue:
        code = draft.language.letter_language.code if draft.content.patient_facing else ENGLISH
        preview = html_to_text(render_html(draft.content, draft.content.addressees[0], code))
    record_view(request, client, f"letter_{letter_kind}")
    return render(
        request,
        "letters/issue.html",
        {
            "client": client,
            "course": course,
            "kind": letter_kind,
            "draft": draft,
            "form": form,
            "preview": preview,
            "can_issue": can_issue,
        },
    )


@staff_required()
@require_GET
def preview(request: HttpRequest, course_id: int, kind: str) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    draft = letter_draft(course, LetterKind(kind))
    if not draft.can_issue:
        messages.error(
            request, "The letter cannot be previewed until the missing details are added."
        )
        return redirect("letters:issue", course_id=course.pk, kind=kind)
    pdf = preview_pdf(draft.content, draft.language.letter_language)
    record_view(request, client, f"letter_{kind}_preview")
    return _attachment(pdf, "application/pdf", f"preview-{kind}.pdf", inline=True)


@staff_required()
def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = letter_for(request.user, letter_id)
    record_view(request, letter.client, "letter")
    return render(
        request,
        "letters/letter_detail.html",
        {
            "client": letter.client,
            "letter": letter,
            "files": letter.files.defer("content"),
            "needs": letter.translation_needs.all(),
        },
    )


@staff_required()
@require_GET
def letter_request(request: HttpRequest, letter_request_id: int) -> HttpResponse:
    """How a letter asked for is getting on. The page checks again by itself (htmx) and answers
    "no change" without a word until there is something new to say, so the live region speaks
    only when the progress changes."""
    asked = letter_request_for(request.user, letter_request_id)
    progress = progress_of(asked, timezone.now())
    if request.htmx and request.GET.get("shown") == progress.token:
        return HttpResponse(status=204)
    record_view(request, asked.client, "letter_request")
    template = "letters/request.html#progress" if request.htmx else "letters/request.html"
    return render(
        request,
        template,
        {
            "client": asked.client,
            "asked": asked,
            "progress": progress,
            "formats": [LetterFormat(fmt).label for fmt in asked.formats],
        },
    )


@staff_required()
@require_GET
def download(request: HttpRequest, file_id: int) -> HttpResponse:
    stored = file_for(request.user, file_id)
    if not stored.is_intact:
        # Never hand over a letter that is not the one sent; say so instead.
        return render(
            request,
            "letters/damaged.html",
            {"file": stored, "client": stored.letter.client},
            status=500,
        )
    audit.record(
        actor=request.user,
        action="letter.download",
        client=stored.letter.client,
        obj=stored,
        detail={"letter": stored.letter_id, "format": stored.format},
    )
    return _attachment(bytes(stored.content), stored.content_type, stored.filename)


@staff_required()
@require_GET
def calendar(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id)
    client = course.referral.client
    content = appointments_letter(course)
    if not content.context["sessions"]:
        messages.error(
            request, "No appointments are booked after today, so there is no calendar to download."
        )
        return redirect("clients:detail", client.pk)
    code = language_choice(client.language).letter_language.code
    ics = calendar_file(content, code)
    record_view(request, client, "calendar")
    return _attachment(
        ics, "text/calendar; charset=utf-8", f"appointments-{timezone.localdate():%Y-%m-%d}.ics"
    )


@staff_required(Role.SERVICE_LEAD)
@require_http_methods(["GET", "POST"])
def team_contacts(request: HttpRequest) -> HttpResponse:
    team = request.user.team
    form = TeamContactsForm(request.POST if request.method == "POST" else None, instance=team)
    if request.method == "POST" and form.is_valid():
        services.update_team_contacts(
            team,
            actor=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "The contact details are saved. New letters will carry them.")
        return redirect("letters:settings")
    return render(request, "letters/team_contacts.html", {"form": form, "team": team})


@staff_required()
@require_http_methods(["GET", "POST"])
def translations(request: HttpRequest) -> HttpResponse:
    lead = request.user.is_service_lead
    if request.method == "POST" and not lead:
        raise Http404
    form = TranslationSignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off_translation(
                form.cleaned_data["language"],
                actor=request.user,
                **{k: form.cleaned_data[k] for k in ("reviewer", "qualification", "reviewed_on")},
            )
        except services.LetterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The translator's sign-off is recorded.")
            return redirect("letters:translations")
    return render(
        request,
        "letters/translations.html",
        {"statuses": translation_statuses(request.user.team_id), "form": form if lead else None},
    )


def _information_language(request: HttpRequest) -> str:
    asked = request.GET.get("language", "")
    if asked in SHIPPED:
        return asked
    record = getattr(request.user, "client_record", None)
    if record is not None:
        return language_choice(record.language).letter_language.code
    return ENGLISH


def _information_html(request: HttpRequest, template: str, code: str) -> str:
    with translation.override(code):
        return render_to_string(
            template,
            {
                "team": request.user.team,
                "language_code": code,
                "languages": SHIPPED.values(),
                # General information: each area as the default variant means it.
                "areas": [
                    (AREA_NAMES[meaning], AREA_EXPLANATIONS[meaning])
                    for meaning in map(area_meaning, ProblemArea)
                ],
            },
            request=request,
        )


@login_required
@require_GET
def about_ipt(request: HttpRequest) -> HttpResponse:
    """Plain-English information about IPT for service users (NICE NG222; decisions.md §29)."""
    if request.user.team is None:
        raise Http404
    code = _information_language(request)
    html = _information_html(request, "letters/information/page.html", code)
    return HttpResponse(keep_numbers_together(html))


@login_required
@require_GET
def about_ipt_pdf(request: HttpRequest, large: bool) -> HttpResponse:
    if request.user.team is None:
        raise Http404
    code = _information_language(request)
    html = keep_numbers_together(
        _information_html(request, "letters/information/document.html", code)
    )
    sheet = LARGE_PRINT_STYLESHEET if large else STANDARD_STYLESHEET
    name = "about-ipt-large-print.pdf" if large else "about-ipt.pdf"
    return _attachment(html_to_pdf(html, stylesheets=[sheet]), "application/pdf", name, inline=True)
