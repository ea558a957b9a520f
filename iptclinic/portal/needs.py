"""My needs: the person tells the service their communication needs and language (issue 11,
item 6). What they tell waits for the therapist to confirm; the record does not change here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from iptclinic.audit.views import record_view
from iptclinic.clients import needs as told
from iptclinic.clients.models import ContactMethod, Interpreter, NeedsToldStatus
from iptclinic.lib.forms import CheckedTextForm

from .access import own_client


class MyNeedsForm(CheckedTextForm, forms.Form):
    """The needs a person can tell: the same fields as on their record, in their own words."""

    language = forms.CharField(
        label=gettext_lazy("Which language would you like us to use with you?"),
        help_text=gettext_lazy("Leave this empty for English. For example: Polish."),
        max_length=60,
        required=False,
    )
    interpreter = forms.ChoiceField(
        label=gettext_lazy("Do you need an interpreter at your sessions?"),
        choices=[
            ("", gettext_lazy("No")),
            (Interpreter.SPOKEN, gettext_lazy("Yes, for a spoken language")),
            (Interpreter.BSL, gettext_lazy("Yes, for British Sign Language")),
            (Interpreter.OTHER, gettext_lazy("Yes, another kind of communication support")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    large_print = forms.BooleanField(label=gettext_lazy("Large print"), required=False)
    easy_read = forms.BooleanField(
        label=gettext_lazy("Easy read (short sentences with pictures)"), required=False
    )
    audio = forms.BooleanField(label=gettext_lazy("Audio (to listen to)"), required=False)
    braille = forms.BooleanField(label=gettext_lazy("Braille"), required=False)
    other_needs = forms.CharField(
        label=gettext_lazy("Is there anything else that helps you read or talk with us?"),
        help_text=gettext_lazy("For example: please speak slowly, or I use a hearing loop."),
        max_length=250,
        required=False,
    )
    preferred_contact = forms.ChoiceField(
        label=gettext_lazy("How would you like us to contact you?"),
        choices=[
            (ContactMethod.PHONE, gettext_lazy("Phone call")),
            (ContactMethod.TEXT, gettext_lazy("Text message")),
            (ContactMethod.EMAIL, gettext_lazy("Email")),
            (ContactMethod.LETTER, gettext_lazy("Letter")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how you would like us to contact you.")},
    )

    FORMATS = ("large_print", "easy_read", "audio", "braille")


def _refusal(error: told.NeedsError) -> str:
    words = {
        "already_told": _("You have already told us this. Your therapist will confirm it."),
        "no_change": _("These are the needs we already have for you. Nothing has changed."),
    }
    return words.get(error.code, str(error))


@login_required
@require_http_methods(["GET", "POST"])
def my_needs(request: HttpRequest) -> HttpResponse:
    client = own_client(request.user)
    waiting = told.waiting_for(client)
    start = told.told_needs(waiting) if waiting else told.recorded_needs(client)
    form = MyNeedsForm(request.POST if request.method == "POST" else None, initial=start)
    if request.method == "POST" and form.is_valid():
        try:
            told.tell_needs(client, actor=request.user, values=form.cleaned_data)
        except told.NeedsError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(
                request, _("Thank you. We have sent this to your therapist to confirm.")
            )
            return redirect("portal:my_needs")
    latest = client.needs_told.exclude(status=NeedsToldStatus.REPLACED).first()
    record_view(request, client, "portal_my_needs")
    return render(
        request,
        "portal/needs/my_needs.html",
        {
            "client": client,
            "team": client.team,
            "form": form,
            "waiting": waiting,
            "latest": latest,
            "statuses": NeedsToldStatus,
        },
    )
