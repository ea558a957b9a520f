"""The demo shows supervision: Cara's consent, and Sam's meeting with Tess with an open action."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from iptclinic.accounts.models import User
from iptclinic.clients.models import RecordingConsent
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.supervision.models import Meeting

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_supervision_meeting_of_sam_with_tess():
    call_command("load_demo", stdout=io.StringIO())
    sam, tess = User.objects.get(username="sam"), User.objects.get(username="tess")
    consent = RecordingConsent.objects.get(client__given_name="Cara")
    assert consent.withdrawn_on is None
    meeting = Meeting.objects.get()
    assert (meeting.supervisor, meeting.therapist) == (sam, tess)
    discussed = {c.course.referral.client.given_name for c in meeting.cases.all()}
    assert "Cara" in discussed and len(discussed) == 2
    assert all(c.course.referral.client.therapist == tess for c in meeting.cases.all())
    heard = meeting.recordings.get()
    assert heard.appointment.course.referral.client.given_name == "Cara"
    assert heard.consent == consent
    item = meeting.actions.get().item
    assert (item.owner, item.kind, item.is_open) == (tess, NeedKind.SUPERVISION_ACTION, True)
