"""Parents and carers of a young person: recorded by their therapist with consent, audited, and
404 for anyone who may not see the client (IPT for adolescents, issue 14; H-138, H-139)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.audit.models import AuditEvent
from iptclinic.clients.carers import CarerError, save_carer
from iptclinic.clients.models import Carer

pytestmark = pytest.mark.django_db


def mum(**changes):
    today = timezone.localdate()
    return {
        "name": "Helen Whitfield",
        "relationship": "Mum",
        "parental_responsibility": "on",
        "phone": "07700 900456",
        "email": "",
        "address": "",
        "preferred_contact": "phone",
        "involve_consent_on": today.isoformat(),
        "contact_consent_on": "",
        **changes,
    }


def test_tess_adds_a_parent_with_consent_to_involve_but_not_to_contact(client, tess, cara):
    client.force_login(tess)
    url = reverse("clients:carers", args=[cara.pk])
    response = client.post(url, mum())
    assert response.status_code == 302
    carer = Carer.objects.get()
    assert (carer.client, carer.relationship, carer.parental_responsibility) == (cara, "Mum", True)
    assert carer.may_involve and not carer.may_contact
    assert carer.recorded_by == tess
    page = client.get(url).text
    assert "Helen Whitfield" in page
    assert "Do not contact" in page
    assert "07700 900456" not in page  # no contact details shown while contact is not agreed
    event = AuditEvent.objects.get(action="carer.add")
    assert event.client == cara
    assert event.detail["may_involve"] is True and event.detail["may_contact"] is False
    assert "Helen" not in str(event.detail)  # names of fields, never their values


def test_withdrawing_consent_is_a_change_kept_in_the_history(client, tess, cara):
    client.force_login(tess)
    client.post(reverse("clients:carers", args=[cara.pk]), mum())
    carer = Carer.objects.get()
    url = reverse("clients:carer_edit", args=[cara.pk, carer.pk])
    assert client.post(url, mum(involve_consent_on="")).status_code == 302
    carer.refresh_from_db()
    assert not carer.may_involve
    assert carer.version == 2
    assert carer.history.count() == 2
    event = AuditEvent.objects.get(action="carer.change")
    assert event.detail["fields"] == ["involve_consent_on"]


def test_a_bad_form_keeps_what_was_typed_and_saves_nothing(client, tess, cara):
    client.force_login(tess)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        reverse("clients:carers", args=[cara.pk]),
        mum(contact_consent_on=future, relationship=""),
    )
    assert response.status_code == 200
    assert 'value="Helen Whitfield"' in response.text
    assert Carer.objects.count() == 0


def test_consent_in_the_future_is_refused(tess, cara):
    with pytest.raises(CarerError, match="future"):
        save_carer(
            cara,
            actor=tess,
            values={
                "name": "Helen Whitfield",
                "relationship": "Mum",
                "involve_consent_on": timezone.localdate() + timedelta(days=1),
            },
        )


def test_otto_gets_404_on_cara_s_carers(client, otto, tess, cara):
    carer = save_carer(cara, actor=tess, values={"name": "Helen Whitfield", "relationship": "Mum"})
    client.force_login(otto)
    assert client.get(reverse("clients:carers", args=[cara.pk])).status_code == 404
    assert client.post(reverse("clients:carers", args=[cara.pk]), mum()).status_code == 404
    edit = reverse("clients:carer_edit", args=[cara.pk, carer.pk])
    assert client.get(edit).status_code == 404


def test_the_supervisor_sees_the_carers_but_cannot_change_them(client, sam, tess, cara):
    save_carer(cara, actor=tess, values={"name": "Helen Whitfield", "relationship": "Mum"})
    client.force_login(sam)
    url = reverse("clients:carers", args=[cara.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Helen Whitfield" in page.text
    assert "Add the parent or carer" not in page.text
    assert client.post(url, mum()).status_code == 404
    with pytest.raises(CarerError):
        save_carer(cara, actor=sam, values={"name": "Someone", "relationship": "Dad"})


def test_the_service_user_never_reaches_the_carers_page(client, cara, cara_user):
    client.force_login(cara_user)
    assert client.get(reverse("clients:carers", args=[cara.pk])).status_code == 404
