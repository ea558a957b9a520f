"""A young person's parents or carers: staff-only pages from the client's page (issue 14)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from iptclinic.accounts.decorators import staff_required
from iptclinic.audit.views import record_view
from iptclinic.lib.forms import CheckedTextForm

from . import carers
from .access import can_edit_clinical_record, client_for
from .forms import DATE_ERRORS, DateInput
from .models import Carer


class CarerForm(CheckedTextForm, forms.ModelForm):
    person_name_fields = frozenset({"name"})

    class Meta:
        model = Carer
        fields = list(carers.CARER_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "involve_consent_on": DateInput(),
            "contact_consent_on": DateInput(),
        }
        error_messages = {"involve_consent_on": DATE_ERRORS, "contact_consent_on": DATE_ERRORS}


@staff_required()
@require_http_methods(["GET", "POST"])
def carer_list(request: HttpRequest, client_id: int) -> HttpResponse:
    """The parents and carers, and a form to add one."""
    client = client_for(request.user, client_id)
    return _carer_page(request, client, None)


@staff_required()
@require_http_methods(["GET", "POST"])
def carer_edit(request: HttpRequest, client_id: int, carer_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    carer = get_object_or_404(Carer, pk=carer_id, client=client)
    return _carer_page(request, client, carer)


def _carer_page(request: HttpRequest, client: Any, carer: Carer | None) -> HttpResponse:
    can_change = can_edit_clinical_record(request.user, client)
    form = CarerForm(request.POST if request.method == "POST" else None, instance=carer)
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            try:
                carers.save_carer(
                    client,
                    actor=request.user,
                    carer=carer,
                    values={name: form.cleaned_data[name] for name in carers.CARER_FIELDS},
                )
            except carers.CarerError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The parent or carer is saved.")
                return redirect("clients:carers", client.pk)
    record_view(request, client, "carers")
    return render(
        request,
        "clients/carers.html",
        {
            "client": client,
            "carers": client.carers.all(),
            "carer": carer,
            "form": form,
            "can_change": can_change,
        },
    )
