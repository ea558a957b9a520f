"""A service lead manages the team's people (issue 9): invitations, roles, leavers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iptclinic.accounts import mfa
from iptclinic.accounts.models import Invitation, Role, User
from iptclinic.accounts.people import services
from iptclinic.audit.models import AuditEvent
from iptclinic.test import (
    PASSWORD,
    VerifiedClient,
    give_authenticator_app,
    make_client,
    make_user,
    password_signs_in,
)

NEW_PASSWORD = "a-long-and-unusual-phrase-77"  # noqa: S105 - test only


def invite_link(mailoutbox) -> str:
    return re.search(r"https?://\S+/accounts/welcome/\S+/", mailoutbox[-1].body).group(0)


def invite_vic(client, lee, **extra) -> object:
    client.force_login(lee)
    return client.post(
        "/team/people/invite/",
        {
            "first_name": "Vic",
            "last_name": "Osei",
            "email": "Vic.Osei@Example.org",
            "roles": ["therapist"],
            **extra,
        },
    )


# The list --------------------------------------------------------------------------------------


def test_the_lead_sees_the_teams_staff_with_roles_and_last_sign_in(client, lee, tess, sam, hana):
    both = make_user(lee.team, "sid", {Role.THERAPIST, Role.SUPERVISOR})
    client.force_login(lee)
    page = client.get("/team/people/").content.decode()
    assert "IPT therapist, Supervisor" in page
    assert "Tess" in page and "Sam" in page and both.display_name in page
    assert "Hana" not in page
    assert "Never" in page


def test_the_list_costs_the_same_queries_for_3_and_30_people(client, lee, tess, sam):
    client.force_login(lee)

    def cost() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/team/people/").status_code == 200
        return len(context)

    few = cost()
    for n in range(27):
        make_user(lee.team, f"t{n}", Role.THERAPIST, supervisor=sam)
    assert cost() == few


@pytest.mark.parametrize("who", ["tess", "sam", "otto", "cara_user"])
def test_anyone_but_a_lead_gets_404_on_every_people_page(client, request, who, tess):
    client.force_login(request.getfixturevalue(who))
    for url in ("/team/people/", "/team/people/invite/", f"/team/people/{tess.pk}/"):
        assert client.get(url).status_code == 404, url
    for action in ("deactivate", "reactivate", "password-link"):
        assert client.post(f"/team/people/{tess.pk}/{action}/").status_code == 404


def test_a_lead_of_another_team_gets_404_on_this_teams_people(client, other_team, tess):
    client.force_login(make_user(other_team, "lou", Role.SERVICE_LEAD))
    assert client.get(f"/team/people/{tess.pk}/").status_code == 404
    assert client.post(f"/team/people/{tess.pk}/deactivate/").status_code == 404
    tess.refresh_from_db()
    assert tess.is_active


# Invitations -----------------------------------------------------------------------------------


def test_an_invitation_is_emailed_and_stored_only_as_a_digest(client, lee, mailoutbox):
    response = invite_vic(client, lee)
    assert response.status_code == 302
    link = invite_link(mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.email == "vic.osei@example.org"
    assert token not in invitation.token_digest
    assert invitation.token_digest == services.token_digest(token)
    assert mailoutbox[-1].to == ["vic.osei@example.org"]
    assert "72 hours" in mailoutbox[-1].body
    event = AuditEvent.objects.get(action="account.invite")
    assert event.detail == {
        "invitation_id": invitation.pk,
        "roles": ["therapist"],
        "supervisor_id": None,
    }


def test_the_invited_person_sets_a_password_once_and_signs_in(client, lee, sam, mailoutbox):
    invite_vic(client, lee, roles=["therapist", "supervisor"], supervisor=sam.pk)
    link = invite_link(mailoutbox)
    visitor = Browser()
    assert "Set my password" in visitor.get(link).content.decode()
    weak = visitor.post(link, {"password1": "vicosei", "password2": "vicosei"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    done = visitor.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    vic = User.objects.get(username="vic.osei@example.org")
    assert vic.roles == {Role.THERAPIST, Role.SUPERVISOR}
    assert vic.supervisor == sam
    assert vic.team == lee.team
    signed_in = visitor.post(
        "/accounts/login/", {"username": "vic.osei@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    # A new member of staff sets up a second factor before any page of the clinic.
    assert visitor.get("/caseload/")["Location"].startswith("/accounts/second-factor/set-up/")
    # Used once.
    assert Browser().get(link).status_code == 404
    event = AuditEvent.objects.get(action="account.create")
    assert event.actor == vic
    assert event.detail["roles"] == ["supervisor", "therapist"]


def test_an_invitation_expires_after_the_configured_hours(client, lee, mailoutbox, time_machine):
    invite_vic(client, lee)
    link = invite_link(mailoutbox)
    sent = Invitation.objects.get().created_at
    time_machine.move_to(sent + timedelta(hours=71))
    assert Browser().get(link).status_code == 200
    time_machine.move_to(sent + timedelta(hours=72, minutes=1))
    expired = Browser().get(link)
    assert expired.status_code == 404
    assert "does not work" in expired.content.decode()


def test_inviting_again_replaces_the_earlier_link(client, lee, mailoutbox):
    invite_vic(client, lee)
    first = invite_link(mailoutbox)
    invite_vic(client, lee)
    assert Browser().get(first).status_code == 404
    assert Browser().get(invite_link(mailoutbox)).status_code == 200


def test_a_made_up_link_opens_nothing(client, db):
    assert client.get("/accounts/welcome/not-a-real-secret/").status_code == 404


def test_an_address_already_in_use_is_refused(client, lee, tess, mailoutbox):
    tess.email = "vic.osei@example.org"
    tess.save()
    response = invite_vic(client, lee)
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert not mailoutbox


def test_only_supervisors_can_be_chosen_as_supervisor(client, lee, tess, sam):
    response = invite_vic(client, lee, supervisor=tess.pk)
    assert response.status_code == 200
    assert not Invitation.objects.exists()


# Roles -----------------------------------------------------------------------------------------


def test_the_lead_changes_roles_and_supervisor_audited_by_ids_and_codes(client, lee, otto, sam):
    client.force_login(lee)
    response = client.post(
        f"/team/people/{otto.pk}/", {"roles": ["therapist", "supervisor"], "supervisor": sam.pk}
    )
    assert response.status_code == 302
    otto.refresh_from_db()
    assert otto.roles == {Role.THERAPIST, Role.SUPERVISOR}
    assert otto.supervisor == sam
    event = AuditEvent.objects.get(action="account.roles")
    assert event.detail == {
        "person_id": otto.pk,
        "roles_before": ["therapist"],
        "roles_after": ["supervisor", "therapist"],
        "supervisor_before": None,
        "supervisor_after": sam.pk,
    }
    assert "Otto" not in str(event.detail)


def test_a_lead_cannot_change_their_own_roles(client, lee):
    client.force_login(lee)
    page = client.get(f"/team/people/{lee.pk}/").content.decode()
    assert "You cannot change your own roles" in page
    client.post(f"/team/people/{lee.pk}/", {"roles": ["therapist"]})
    lee.refresh_from_db()
    assert lee.roles == {Role.SERVICE_LEAD}
    with pytest.raises(services.PeopleError):
        services.change_roles(lee, actor=lee, roles=["service_lead", "therapist"], supervisor=None)
    assert not AuditEvent.objects.filter(action="account.roles").exists()


def test_a_therapist_who_holds_clients_keeps_the_therapist_role(client, lee, tess, cara):
    client.force_login(lee)
    response = client.post(f"/team/people/{tess.pk}/", {"roles": ["supervisor"]})
    assert "Move their clients" in response.content.decode()
    tess.refresh_from_db()
    assert tess.is_therapist


def test_a_role_must_be_chosen(client, lee, otto):
    client.force_login(lee)
    response = client.post(f"/team/people/{otto.pk}/", {"roles": []})
    assert "Choose at least one role" in response.content.decode()


# Leavers ---------------------------------------------------------------------------------------


def test_a_leaver_signed_in_elsewhere_gets_the_sign_in_page_on_their_next_request(
    client, lee, otto
):
    ottos_browser = VerifiedClient()
    ottos_browser.force_login(otto)
    assert ottos_browser.get("/caseload/").status_code == 200
    client.force_login(lee)
    response = client.post(f"/team/people/{otto.pk}/deactivate/")
    assert response.status_code == 302
    otto.refresh_from_db()
    assert not otto.is_active
    next_request = ottos_browser.get("/caseload/")
    assert next_request.status_code == 302
    assert next_request["Location"].startswith("/accounts/login/")
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(otto.pk) not in sessions
    assert str(lee.pk) in sessions
    event = AuditEvent.objects.get(action="account.deactivate")
    assert event.detail == {"person_id": otto.pk, "sessions_ended": 1}
    # And the password no longer works.
    assert not password_signs_in("otto", PASSWORD)


def test_deactivating_someone_who_holds_clients_is_refused_with_what_must_move(
    client, lee, tess, sam, cara
):
    client.force_login(lee)
    page = client.get(f"/team/people/{tess.pk}/").content.decode()
    assert f"/clients/{cara.pk}/allocate/" in page
    assert "Deactivate this account" not in page
    response = client.post(f"/team/people/{tess.pk}/deactivate/")
    assert response.status_code == 409
    assert "must move to someone else" in response.content.decode()
    tess.refresh_from_db()
    assert tess.is_active
    supervisor_page = client.get(f"/team/people/{sam.pk}/").content.decode()
    assert f"/team/people/{tess.pk}/" in supervisor_page
    assert "choose another supervisor" in supervisor_page


def test_the_standing_duty_clinician_must_be_replaced_first(client, lee, otto):
    otto.team.duty_clinician = otto
    otto.team.save()
    client.force_login(lee)
    assert client.post(f"/team/people/{otto.pk}/deactivate/").status_code == 409


def test_a_lead_cannot_deactivate_themself(client, lee):
    client.force_login(lee)
    response = client.post(f"/team/people/{lee.pk}/deactivate/")
    assert response.status_code == 409
    assert "You cannot deactivate your own account" in response.content.decode()
    lee.refresh_from_db()
    assert lee.is_active


def test_a_leaver_can_be_made_active_again(client, lee, otto):
    client.force_login(lee)
    client.post(f"/team/people/{otto.pk}/deactivate/")
    client.post(f"/team/people/{otto.pk}/reactivate/")
    otto.refresh_from_db()
    assert otto.is_active
    assert AuditEvent.objects.get(action="account.reactivate").detail == {"person_id": otto.pk}
    assert password_signs_in("otto", PASSWORD)


def test_once_their_client_moves_the_leaver_can_go(client, lee, tess, otto):
    ruth = make_client(lee, tess, "Ruth")
    client.force_login(lee)
    assert client.post(f"/team/people/{tess.pk}/deactivate/").status_code == 409
    ruth.therapist = otto
    ruth.save()
    assert client.post(f"/team/people/{tess.pk}/deactivate/").status_code == 302


# Password links --------------------------------------------------------------------------------


def test_the_lead_sends_a_password_link_that_names_no_client(client, lee, tess, cara, mailoutbox):
    tess.email = "tess@example.org"
    tess.save()
    client.force_login(lee)
    client.post(f"/team/people/{tess.pk}/password-link/")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "/accounts/password-reset/" in body
    assert "Cara" not in body and "Whitfield" not in body
    event = AuditEvent.objects.get(action="account.password_reset_sent")
    assert event.detail == {"person_id": tess.pk}


def test_service_user_accounts_are_not_managed_here(client, lee, cara_user):
    client.force_login(lee)
    assert client.get(f"/team/people/{cara_user.pk}/").status_code == 404
    assert client.post(f"/team/people/{cara_user.pk}/deactivate/").status_code == 404
    assert "Cara" not in client.get("/team/people/").content.decode()


# Asking the lead again before a change to someone's access ---------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/team/people/{pk}/", {"roles": ["therapist", "supervisor"]}),
        ("/team/people/{pk}/deactivate/", {}),
        ("/team/people/{pk}/password-link/", {}),
    ],
)
def test_a_change_to_someones_access_asks_the_lead_again_after_ten_minutes(
    client, lee, otto, mailoutbox, time_machine, path, data
):
    client.force_login(lee)
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    url = path.format(pk=otto.pk)
    response = client.post(
        url, data, headers={"referer": f"http://testserver/team/people/{otto.pk}/"}
    )
    assert (
        response["Location"]
        == f"/accounts/second-factor/confirm/?next=%2Fteam%2Fpeople%2F{otto.pk}%2F"
    )
    otto.refresh_from_db()
    assert otto.roles == {Role.THERAPIST}
    assert otto.is_active
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="account.").exists()


def test_another_teams_lead_gets_404_not_a_confirmation_page(client, lee, hana, time_machine):
    client.force_login(lee)
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert client.post(f"/team/people/{hana.pk}/deactivate/").status_code == 404


def test_the_lead_resets_a_lost_second_factor_from_the_person_page(client, lee, tess):
    give_authenticator_app(tess)
    client.force_login(lee)
    page = client.get(f"/team/people/{tess.pk}/").content.decode()
    assert "Reset their second factor" in page
    response = client.post(
        f"/accounts/second-factor/reset/{tess.pk}/", {"next": f"/team/people/{tess.pk}/"}
    )
    assert response["Location"] == f"/team/people/{tess.pk}/"
    assert not mfa.has_second_factor(tess)
    page = client.get(f"/team/people/{tess.pk}/").content.decode()
    assert "They have not set up a second factor yet" in page
