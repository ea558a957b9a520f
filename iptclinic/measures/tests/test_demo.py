"""The demo questionnaires load on top of the demo data, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from iptclinic.measures.models import QuestionnaireResponse, RiskAlert


@pytest.mark.django_db
def test_the_demo_questionnaires_need_the_demo_load_once_and_leave_one_alert_open():
    with pytest.raises(CommandError, match="Load the demo data first"):
        call_command("load_demo_measures", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_measures", stdout=io.StringIO())
    count = QuestionnaireResponse.objects.count()
    assert count > 100
    alert = RiskAlert.objects.get()
    assert alert.client.given_name == "Priya" and alert.is_open
    out = io.StringIO()
    call_command("load_demo_measures", stdout=out)
    assert "already loaded" in out.getvalue()
    assert QuestionnaireResponse.objects.count() == count
    assert not QuestionnaireResponse.objects.filter(total__isnull=True).exists()
