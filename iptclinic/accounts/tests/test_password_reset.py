"""Forgotten password, for everyone (issue 9): the same answer whether or not the address has an
account, a link that works once, and an email that names no client."""

from __future__ import annotations

import re

from django.test import Client as Browser

from iptclinic.audit.models import AuditEvent
from iptclinic.test import password_signs_in

NEW_PASSWORD = "another-long-unusual-phrase-31"  # noqa: S105 - test only


def reset_link(mailoutbox) -> str:
    return re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", mailoutbox[-1].body).group(0)


def without_csrf(response) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())


def test_the_sign_in_page_links_to_a_forgotten_password(client, db):
    assert "/accounts/password-reset/" in client.get("/accounts/login/").content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, tess, mailoutbox):
    tess.email = "tess@example.org"
    tess.save()
    known = client.post("/accounts/password-reset/", {"email": "tess@example.org"}, follow=True)
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known) == without_csrf(unknown)
    assert len(mailoutbox) == 1


def test_the_email_names_no_client_and_its_link_sets_a_new_password_once(
    tess, cara, cara_user, mailoutbox
):
    tess.email = "tess@example.org"
    tess.save()
    visitor = Browser()
    visitor.post("/accounts/password-reset/", {"email": "tess@example.org"})
    message = mailoutbox[0]
    for word in ("Cara", "Whitfield", cara.nhs_number, "risk", "PHQ"):
        assert word not in message.body and word not in message.subject
    link = reset_link(mailoutbox)
    form = visitor.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = visitor.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert password_signs_in("tess", NEW_PASSWORD)
    assert AuditEvent.objects.get(action="account.password_reset").detail == {"person_id": tess.pk}
    again = Browser().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_a_deactivated_account_gets_no_email(tess, mailoutbox):
    tess.email = "tess@example.org"
    tess.is_active = False
    tess.save()
    Browser().post("/accounts/password-reset/", {"email": "tess@example.org"})
    assert not mailoutbox
