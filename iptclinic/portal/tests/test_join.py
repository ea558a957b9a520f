"""Joining the portal: the therapist invites from the client page; the person sets up their
account from a one-time link or a printed code (issue 11, item 1; H-081 to H-084)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts import portal_invitations as invitations
from iptclinic.accounts.models import PortalChannel, PortalInvitation, User
from iptclinic.audit.models import AuditEvent
from iptclinic.clients.models import Client
from iptclinic.ipt.join_codes import ALPHABET
from iptclinic.notifications.channels import Recording

NEW_PASSWORD = "lantern-orchard-pebble-41"  # noqa: S105 - a test password
CLINICAL_WORDS = re.compile(r"therap|\bIPT\b|mental|psych|depress|anxi|Cara|Whitfield", re.I)


@pytest.fixture(autouse=True)
def _forget_wrong_codes():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cara_with_email(cara: Client) -> Client:
    cara.email = "cara@example.org"
    cara.phone = "07700 900123"
    cara.save(update_fields=["email", "phone"])
    return cara


@pytest.fixture
def as_tess(client: HttpClient, tess: User) -> HttpClient:
    client.force_login(tess)
    return client


def _link_in(body: str) -> str:
    found = re.search(r"https?://\S+/portal/join/link/\S+/", body)
    assert found, body
    return found.group(0).split("/portal/", 1)[1]


def _invite_by_email(as_tess: HttpClient, client: Client) -> str:
    """Tess sends the invitation; the test reads it from the email channel (tests record every
    message sent, in ``Recording.outbox``)."""
    Recording.outbox.clear()
    response = as_tess.post(reverse("portal:join_send", args=[client.pk]), {"channel": "email"})
    assert response.status_code == 302
    assert len(Recording.outbox) == 1
    return "/portal/" + _link_in(Recording.outbox[0].body)


def _set_up(visitor: HttpClient, password: str = NEW_PASSWORD):
    return visitor.post(
        reverse("portal:join_set_up"), {"password1": password, "password2": password}
    )


def test_the_client_page_offers_an_invitation_to_the_portal(as_tess, cara_with_email) -> None:
    page = as_tess.get(reverse("clients:detail", args=[cara_with_email.pk])).content.decode()
    assert "Invite to the portal" in page
    page = as_tess.get(reverse("portal:join_invitation", args=[cara_with_email.pk]))
    assert "Send by email to cara@example.org" in page.content.decode()


def test_the_therapist_invites_by_email_and_the_person_joins(
    as_tess, cara_with_email, tess
) -> None:
    path = _invite_by_email(as_tess, cara_with_email)
    visitor = HttpClient()
    opened = visitor.get(path)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("portal:join_set_up")
    form = visitor.get(opened["Location"]).content.decode()
    username = re.search(r'class="join-username">(\w+)<', form).group(1)
    assert username.startswith("cara")

    done = _set_up(visitor)
    assert done["Location"] == reverse("portal:join_second_factor")
    cara_with_email.refresh_from_db()
    user = cara_with_email.portal_user
    assert user is not None and user.username == username
    assert user.is_service_user and not user.is_staff_member
    assert user.team_id == cara_with_email.team_id
    assert user.check_password(NEW_PASSWORD)
    offer = visitor.get(done["Location"]).content.decode()
    assert "Add a second way to sign in" in offer
    assert reverse("accounts:second_factor_set_up") in offer
    assert visitor.get(reverse("portal:home")).status_code == 200
    actions = list(
        AuditEvent.objects.filter(client=cara_with_email, action__startswith="portal.invitation")
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("portal.invitation_sent", tess.pk),
        ("portal.invitation_used", user.pk),
    ]


def test_the_email_goes_through_djangos_email_when_that_is_the_channel(
    as_tess, cara_with_email, settings, mailoutbox
) -> None:
    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": "iptclinic.notifications.channels.DjangoEmail",
        "sms": None,
    }
    as_tess.post(reverse("portal:join_send", args=[cara_with_email.pk]), {"channel": "email"})
    (message,) = mailoutbox
    assert message.to == ["cara@example.org"]
    assert "/portal/join/link/" in message.body


def test_a_refused_message_keeps_no_invitation(as_tess, cara_with_email, settings) -> None:
    settings.IPTCLINIC_MESSAGE_CHANNELS = {"email": "builtins.object", "sms": None}
    response = as_tess.post(
        reverse("portal:join_send", args=[cara_with_email.pk]), {"channel": "email"}, follow=True
    )
    assert "could not be sent" in response.content.decode()
    assert not PortalInvitation.objects.exists()
    assert not AuditEvent.objects.filter(action="portal.invitation_sent").exists()


def test_the_message_names_only_the_team_and_the_link(as_tess, cara_with_email) -> None:
    _invite_by_email(as_tess, cara_with_email)
    message = Recording.outbox[0]
    assert message.address == "cara@example.org"
    team = cara_with_email.team.name
    assert team in message.subject
    # The team's own name is the one variable word (the test team's name says "IPT": a team
    # whose name says what it does must know that; docs/portal-join.md).
    words = (message.subject + message.body).replace(team, "the team")
    assert not CLINICAL_WORDS.search(words)
    assert "7 days" in message.body


def test_a_text_message_goes_through_the_sms_channel_when_one_is_set_up(
    as_tess, cara_with_email
) -> None:
    Recording.outbox.clear()
    as_tess.post(reverse("portal:join_send", args=[cara_with_email.pk]), {"channel": "sms"})
    (sent,) = Recording.outbox
    assert sent.address == "07700 900123"
    assert "/portal/join/link/" in sent.body
    assert not CLINICAL_WORDS.search(sent.body.replace(cara_with_email.team.name, "the team"))
    assert PortalInvitation.objects.get(client=cara_with_email).channel == PortalChannel.SMS


def test_without_a_text_channel_no_text_is_offered_and_none_is_kept(
    as_tess, cara_with_email, settings
) -> None:
    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": "iptclinic.notifications.channels.DjangoEmail",
        "sms": None,
    }
    page = as_tess.get(reverse("portal:join_invitation", args=[cara_with_email.pk]))
    assert "Send by text message" not in page.content.decode()
    as_tess.post(reverse("portal:join_send", args=[cara_with_email.pk]), {"channel": "sms"})
    assert not PortalInvitation.objects.exists()


def test_a_used_link_says_so_and_cannot_make_a_second_account(as_tess, cara_with_email) -> None:
    path = _invite_by_email(as_tess, cara_with_email)
    visitor = HttpClient()
    visitor.get(path)
    _set_up(visitor)
    again = HttpClient().get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.filter(is_service_user=True).count() == 1


def test_a_withdrawn_link_says_so_and_makes_no_account(as_tess, cara_with_email) -> None:
    path = _invite_by_email(as_tess, cara_with_email)
    visitor = HttpClient()
    visitor.get(path)  # opened before it was withdrawn
    as_tess.post(reverse("portal:join_withdraw", args=[cara_with_email.pk]))
    refused = _set_up(visitor)
    assert refused.status_code == 410
    assert "cancelled" in refused.content.decode()
    assert "for a new link or code" in refused.content.decode()
    assert HttpClient().get(path).status_code == 410
    cara_with_email.refresh_from_db()
    assert cara_with_email.portal_user is None
    assert AuditEvent.objects.filter(action="portal.invitation_withdrawn").count() == 1


def test_an_expired_link_says_so_and_tells_them_to_ask_the_team(
    as_tess, cara_with_email, time_machine
) -> None:
    path = _invite_by_email(as_tess, cara_with_email)
    sent = timezone.now()
    time_machine.move_to(sent + timedelta(days=6, hours=23))
    assert HttpClient().get(path).status_code == 302
    time_machine.move_to(sent + timedelta(days=7, minutes=1))
    response = HttpClient().get(path)
    assert response.status_code == 410
    page = response.content.decode()
    assert "has expired" in page
    assert f"Ask {cara_with_email.team.name}" in page
    assert "for a new link or code" in page


def test_the_expiry_can_be_set(as_tess, cara_with_email, settings) -> None:
    settings.IPTCLINIC_PORTAL_INVITATION_DAYS = 2
    _invite_by_email(as_tess, cara_with_email)
    invitation = PortalInvitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=2)
    assert "2 days" in Recording.outbox[0].body


def test_an_unknown_link_says_it_does_not_work(cara) -> None:
    response = HttpClient().get(reverse("portal:join_link", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_inviting_again_stops_the_earlier_link(as_tess, cara_with_email) -> None:
    first = _invite_by_email(as_tess, cara_with_email)
    second = _invite_by_email(as_tess, cara_with_email)
    assert HttpClient().get(first).status_code == 410
    assert HttpClient().get(second).status_code == 302
    assert PortalInvitation.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_only_one_invitation_per_client_is_ever_open(cara, tess) -> None:
    invitations.print_code(cara, actor=tess)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PortalInvitation.objects.create(
            team=cara.team,
            client=cara,
            channel=PortalChannel.PRINTED,
            secret_digest="0" * 64,
            invited_by=tess,
            created_at=now,
            expires_at=now,
        )


def test_only_a_digest_of_the_secret_is_stored(cara, tess) -> None:
    invitation, code = invitations.print_code(cara, actor=tess)
    stored = PortalInvitation.objects.filter(pk=invitation.pk).values().get()
    assert code not in str(stored)
    assert invitation.secret_digest == invitations.digest(code)
    assert code not in str(AuditEvent.objects.filter(client=cara).values_list("detail"))


def test_a_printed_code_typed_in_lower_case_with_spaces_opens_set_up(as_tess, cara, tess) -> None:
    printed = as_tess.post(reverse("portal:join_print", args=[cara.pk]))
    assert printed.status_code == 200
    page = printed.content.decode()
    code = re.search(r'class="join-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', page).group(1)
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert "/portal/join/" in page
    main = page.split("<main", 1)[1].replace(cara.team.name, "the team")
    assert not CLINICAL_WORDS.search(main)
    assert AuditEvent.objects.filter(action="portal.invitation_printed", client=cara).exists()

    visitor = HttpClient()
    typed = " " + code.lower().replace("-", " ") + " "
    opened = visitor.post(reverse("portal:join_code"), {"code": typed})
    assert opened["Location"] == reverse("portal:join_set_up")
    assert _set_up(visitor).status_code == 302
    cara.refresh_from_db()
    assert cara.portal_user is not None
    assert PortalInvitation.objects.get().used_at is not None


def test_wrong_codes_are_refused_after_five_tries(cara, tess) -> None:
    _, code = invitations.print_code(cara, actor=tess)
    visitor = HttpClient()
    for _ in range(5):
        wrong = visitor.post(reverse("portal:join_code"), {"code": "AAAA-AAAA"})
        assert "did not work" in wrong.content.decode()
    refused = visitor.post(reverse("portal:join_code"), {"code": code})
    assert refused.status_code == 200
    assert "too many wrong codes" in refused.content.decode()
    assert PortalInvitation.objects.get().used_at is None


def test_set_up_uses_the_password_rules(as_tess, cara_with_email) -> None:
    visitor = HttpClient()
    visitor.get(_invite_by_email(as_tess, cara_with_email))
    refused = _set_up(visitor, "password")
    assert refused.status_code == 200
    assert "nhsuk-error-summary" in refused.content.decode()
    cara_with_email.refresh_from_db()
    assert cara_with_email.portal_user is None


def test_set_up_without_an_invitation_asks_for_the_code() -> None:
    response = HttpClient().get(reverse("portal:join_set_up"))
    assert response["Location"] == reverse("portal:join_code")


def test_a_client_with_an_account_is_shown_with_their_last_sign_in(
    as_tess, cara, cara_user
) -> None:
    cara_user.last_login = timezone.now() - timedelta(days=3)
    cara_user.save(update_fields=["last_login"])
    page = as_tess.get(reverse("portal:join_invitation", args=[cara.pk])).content.decode()
    assert "They have an account" in page
    assert "cara" in page and f"{timezone.localtime(cara_user.last_login):%-d %b %Y}" in page
    assert "Print a one-time code" not in page
    as_tess.post(reverse("portal:join_print", args=[cara.pk]))
    assert not PortalInvitation.objects.exists()


def test_a_service_lead_can_invite(client, lee, cara) -> None:
    client.force_login(lee)
    assert client.post(reverse("portal:join_print", args=[cara.pk])).status_code == 200


def test_otto_gets_404_on_caras_invitation(client, otto, sam, cara) -> None:
    for someone in (otto, sam):
        client.force_login(someone)
        assert client.get(reverse("portal:join_invitation", args=[cara.pk])).status_code == 404
        for name in ("join_invitation", "join_send", "join_print", "join_withdraw"):
            assert client.post(reverse(f"portal:{name}", args=[cara.pk])).status_code in (
                404,
                405,
            )
    assert not PortalInvitation.objects.exists()
