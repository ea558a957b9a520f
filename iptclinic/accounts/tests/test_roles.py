"""Roles as a set per person (issue 9): a supervisor who also holds a caseload, a lead who is also
a therapist; a service user is never staff."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404
from django.test import RequestFactory

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role, User, with_role
from iptclinic.clients.access import can_allocate, can_edit_clinical_record, visible_clients
from iptclinic.clients.forms import therapist_choices
from iptclinic.test import make_client, make_user


def test_a_person_holds_a_set_of_roles(team):
    both = make_user(team, "sid", {Role.THERAPIST, Role.SUPERVISOR})
    assert both.roles == {Role.THERAPIST, Role.SUPERVISOR}
    assert both.has_role(Role.SUPERVISOR)
    assert both.has_role(Role.SERVICE_LEAD, Role.THERAPIST)
    assert not both.has_role(Role.SERVICE_LEAD)
    assert both.is_staff_member
    assert both.staff_roles_display == "IPT therapist, Supervisor"


def test_make_user_still_takes_one_role(tess, cara_user):
    assert tess.roles == {Role.THERAPIST}
    assert cara_user.roles == {Role.SERVICE_USER}
    assert cara_user.is_service_user
    assert not cara_user.is_staff_member


def test_a_service_user_cannot_hold_a_staff_role(team, cara_user):
    with pytest.raises(ValueError, match="no staff role"):
        cara_user.roles = {Role.SERVICE_USER, Role.THERAPIST}
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=cara_user.pk).update(is_therapist=True)


def test_with_role_finds_anyone_holding_any_of_the_roles(team, tess, sam, lee):
    both = make_user(team, "sid", {Role.THERAPIST, Role.SUPERVISOR})
    supervisors = User.objects.filter(with_role(Role.SUPERVISOR))
    assert set(supervisors) == {sam, both}
    clinicians = User.objects.filter(with_role(Role.THERAPIST, Role.SUPERVISOR))
    assert set(clinicians) == {tess, sam, both}
    assert not User.objects.filter(with_role()).exists()


def test_a_supervisor_who_holds_a_caseload_sees_both(team, tess, otto, cara, ruth):
    sid = make_user(team, "sid", {Role.THERAPIST, Role.SUPERVISOR})
    otto.supervisor = sid
    otto.save()
    own = make_client(sid, sid, "Olwen")
    assert set(visible_clients(sid)) == {own, ruth}
    assert can_edit_clinical_record(sid, own)
    assert not can_edit_clinical_record(sid, ruth)
    assert cara not in visible_clients(sid)
    assert sid in therapist_choices(team.pk)


def test_a_lead_who_is_also_a_therapist_sees_the_team_and_writes_only_their_own(team, cara):
    lena = make_user(team, "lena", {Role.SERVICE_LEAD, Role.THERAPIST})
    own = make_client(lena, lena, "Olwen")
    assert set(visible_clients(lena)) == {cara, own}
    assert can_allocate(lena)
    assert can_edit_clinical_record(lena, own)
    assert not can_edit_clinical_record(lena, cara)


def test_staff_required_lets_in_anyone_holding_one_of_the_roles(team, tess, lee):
    view = staff_required(Role.SUPERVISOR, Role.SERVICE_LEAD)(lambda request: "in")
    request = RequestFactory().get("/")
    request.user = make_user(team, "sid", {Role.THERAPIST, Role.SUPERVISOR})
    assert view(request) == "in"
    request.user = tess
    with pytest.raises(Http404):
        view(request)


def test_the_caseload_heading_follows_the_roles(client, team, tess, otto):
    sid = make_user(team, "sid", {Role.THERAPIST, Role.SUPERVISOR})
    client.force_login(sid)
    page = client.get("/caseload/").content.decode()
    assert "<h1>My caseload and my supervisees'</h1>" in page
    client.force_login(tess)
    assert "<h1>My caseload</h1>" in client.get("/caseload/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_each_old_role_into_its_flag():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0005_safety_net_and_working_days")])
    old = executor.loader.project_state([("accounts", "0005_safety_net_and_working_days")]).apps
    team = old.get_model("accounts", "Team").objects.create(name="Old team")
    OldUser = old.get_model("accounts", "User")
    for role in ("therapist", "supervisor", "service_lead", "service_user"):
        OldUser.objects.create(username=role, team=team, role=role)
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0006_roles_as_a_set")])
    new = executor.loader.project_state([("accounts", "0006_roles_as_a_set")]).apps
    NewUser = new.get_model("accounts", "User")
    flags = {
        user.username: (
            user.is_therapist,
            user.is_supervisor,
            user.is_service_lead,
            user.is_service_user,
        )
        for user in NewUser.objects.all()
    }
    assert flags == {
        "therapist": (True, False, False, False),
        "supervisor": (False, True, False, False),
        "service_lead": (False, False, True, False),
        "service_user": (False, False, False, True),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
