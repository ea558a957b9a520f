"""The demo holds a group of six led by Tess with Otto, two sessions held (safe to load twice)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from iptclinic.accounts.models import User
from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.groups.models import Group
from iptclinic.groups.selectors import group_sessions
from iptclinic.measures.models import RiskAlert

pytestmark = pytest.mark.django_db


def test_the_demo_group_has_six_members_and_two_sessions_held_and_loads_once():
    call_command("load_demo", stdout=io.StringIO())
    for _ in range(2):
        call_command("load_demo_groups", stdout=io.StringIO())
    group = Group.objects.get()
    tess, otto = User.objects.get(username="tess"), User.objects.get(username="otto")
    assert group.lead_facilitator == tess
    assert list(group.co_facilitators.all()) == [otto]
    assert group.memberships.count() == 6
    attended = [s.attended for s in group_sessions(group).order_by("number")]
    assert attended[:3] == [6, 5, 0]
    alert = RiskAlert.objects.open().get(client__family_name="Delgado")
    sync_team(tess.team)
    # The alert is the therapist's item; by a weekend or a night it has also gone up to the
    # supervisor and others (duty cover), which is the safety net at work, not a second owner.
    item = Item.objects.get(
        kind="risk_alert", client=alert.client, owner_role="therapist", resolved_at__isnull=True
    )
    assert item.owner == tess
