"""The client's consent to recording, recorded by their therapist in the clinic (issue 13)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.lib.forms import CheckedTextForm

from . import recording
from .access import can_edit_clinical_record, client_for
from .forms import DATE_ERRORS, DateInput


class ConsentDateForm(CheckedTextForm, forms.Form):
    on = forms.DateField(label="On", widget=DateInput(), error_messages=DATE_ERRORS)


@staff_required()
@require_http_methods(["GET", "POST"])
def recording_consent(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    can_change = can_edit_clinical_record(request.user, client)
    consents = list(client.recording_consents.select_related("recorded_by"))
    standing = next((c for c in consents if c.withdrawn_on is None), None)
    form = ConsentDateForm(
        request.POST if request.method == "POST" else None,
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            change = (
                recording.withdraw_recording_consent
                if standing
                else recording.give_recording_consent
            )
            key = "withdrawn_on" if standing else "given_on"
            try:
                change(client, actor=request.user, **{key: form.cleaned_data["on"]})
            except recording.ConsentError as error:
                form.add_error("on", str(error))
            else:
                done = "withdrawal of consent" if standing else "consent to recording"
                messages.success(request, f"The {done} is recorded.")
                return redirect("clients:recording_consent", client.pk)
    record_view(request, client, "recording_consent")
    return render(
        request,
        "clients/recording_consent.html",
        {
            "client": client,
            "consents": consents,
            "standing": standing,
            "form": form,
            "can_change": can_change,
        },
    )
