"""My needs: the person tells their communication needs; the therapist confirms before the record
changes (hazard H-098); the portal follows the needs on the record (H-100, H-101)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from iptclinic.accounts.models import Role, User
from iptclinic.attention.links import act_link
from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.clients import needs
from iptclinic.clients.models import Client, NeedsTold, NeedsToldStatus
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.test import make_user

URL = "/portal/my-needs/"

TOLD = {
    "language": "Polish",
    "interpreter": "spoken",
    "large_print": "on",
    "audio": "on",
    "other_needs": "Please speak slowly",
    "preferred_contact": "text",
}


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User) -> HttpClient:
    client.force_login(cara_user)
    return client


def test_telling_needs_changes_nothing_on_the_record_and_asks_the_therapist(
    as_cara: HttpClient, cara: Client, tess: User
) -> None:
    response = as_cara.post(URL, TOLD, follow=True)

    cara.refresh_from_db()
    assert (cara.language, cara.audio, cara.preferred_contact) == ("", False, "phone")
    told = NeedsTold.objects.get(client=cara)
    assert told.status == NeedsToldStatus.WAITING
    assert told.changed == ["language", "interpreter", "audio", "other_needs", "preferred_contact"]
    item = Item.objects.get(kind=NeedKind.NEEDS_TO_CONFIRM, resolved_at__isnull=True)
    assert item.owner == tess and item.client == cara
    assert "Polish" not in item.title and "slowly" not in item.title
    assert act_link(item)[0] == reverse("clients:needs_told", args=[cara.pk, told.pk])
    page = _page(response)
    assert "Waiting for your therapist to confirm" in page
    assert AuditEvent.objects.filter(action="needs.tell", client=cara).exists()


def test_the_form_starts_from_what_is_waiting(as_cara: HttpClient) -> None:
    as_cara.post(URL, TOLD)
    page = _page(as_cara.get(URL))
    assert 'value="Please speak slowly"' in page


def test_telling_the_same_again_is_refused_plainly_and_a_change_replaces_the_waiting_one(
    as_cara: HttpClient, cara: Client
) -> None:
    as_cara.post(URL, TOLD)
    again = _page(as_cara.post(URL, TOLD))
    assert "You have already told us this" in again
    assert NeedsTold.objects.count() == 1

    as_cara.post(URL, TOLD | {"braille": "on"})

    first, second = NeedsTold.objects.order_by("pk")
    assert (first.status, second.status) == (NeedsToldStatus.REPLACED, NeedsToldStatus.WAITING)
    open_items = Item.objects.filter(kind=NeedKind.NEEDS_TO_CONFIRM, resolved_at__isnull=True)
    assert [i.subject_id for i in open_items] == [second.pk]


def test_telling_what_is_already_recorded_is_no_change(as_cara: HttpClient, cara: Client) -> None:
    page = _page(as_cara.post(URL, {"large_print": "on", "preferred_contact": "phone"}))
    assert "These are the needs we already have for you" in page
    assert not NeedsTold.objects.exists()


def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(as_cara: HttpClient) -> None:
    page = _page(as_cara.post(URL, {"language": "Polish", "other_needs": "x" * 300}))
    assert "There is a problem" in page
    assert "Choose how you would like us to contact you." in page
    assert 'value="Polish"' in page
    assert not NeedsTold.objects.exists()


def test_the_therapist_confirms_and_the_record_changes_with_its_history(
    as_cara: HttpClient, client: HttpClient, cara: Client, tess: User
) -> None:
    as_cara.post(URL, TOLD)
    told = NeedsTold.objects.get()
    client.force_login(tess)
    url = reverse("clients:needs_told", args=[cara.pk, told.pk])
    assert "Told in the portal" in _page(client.get(url))

    client.post(url, {"decision": "confirm"})

    cara.refresh_from_db()
    assert (cara.language, cara.interpreter, cara.audio, cara.preferred_contact) == (
        "Polish",
        "spoken",
        True,
        "text",
    )
    assert cara.large_print  # unchanged, still needed
    told.refresh_from_db()
    assert told.status == NeedsToldStatus.CONFIRMED and told.decided_by == tess
    assert not Item.objects.filter(kind=NeedKind.NEEDS_TO_CONFIRM, resolved_at__isnull=True)
    assert AuditEvent.objects.filter(action="needs.confirm", client=cara).exists()
    assert AuditEvent.objects.filter(action="client.update", client=cara).exists()
    assert "Told by the person in the portal" in cara.history.first().history_change_reason


def test_choosing_to_talk_first_leaves_the_record_and_tells_the_person(
    as_cara: HttpClient, client: HttpClient, cara: Client, cara_user: User, tess: User
) -> None:
    as_cara.post(URL, TOLD)
    told = NeedsTold.objects.get()
    client.force_login(tess)
    client.post(reverse("clients:needs_told", args=[cara.pk, told.pk]), {"decision": "discuss"})

    cara.refresh_from_db()
    assert cara.language == ""
    client.force_login(cara_user)
    assert "would like to talk with you" in _page(client.get(URL))


def test_only_the_allocated_therapist_or_lead_can_decide(
    as_cara: HttpClient, cara: Client, sam: User, otto: User
) -> None:
    as_cara.post(URL, TOLD)
    told = NeedsTold.objects.get()
    with pytest.raises(needs.NeedsError):
        needs.confirm_needs(told, actor=sam)
    with pytest.raises(needs.NeedsError):
        needs.confirm_needs(told, actor=otto)
    lead = make_user(cara.team, "lina", Role.SERVICE_LEAD)
    needs.confirm_needs(told, actor=lead)
    cara.refresh_from_db()
    assert cara.language == "Polish"


def test_otto_gets_404_on_caras_needs(
    as_cara: HttpClient, client: HttpClient, cara: Client, otto: User
) -> None:
    as_cara.post(URL, TOLD)
    told = NeedsTold.objects.get()
    client.force_login(otto)
    url = reverse("clients:needs_told", args=[cara.pk, told.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "confirm"}).status_code == 404


def test_no_one_can_tell_needs_for_someone_else(cara: Client, ruth: Client, cara_user: User):
    with pytest.raises(needs.NeedsError):
        needs.tell_needs(ruth, actor=cara_user, values={"large_print": True})


def test_the_portal_shows_large_print_to_a_large_print_user_only(
    as_cara: HttpClient, client: HttpClient, cara: Client, ruth: Client
) -> None:
    assert '<html lang="en-GB" class="portal-large-print">' in _page(as_cara.get("/portal/"))
    cara.large_print = False
    cara.save()
    assert '<html lang="en-GB" class="">' in _page(as_cara.get("/portal/"))


def test_a_need_told_but_not_confirmed_does_not_change_the_portal(
    as_cara: HttpClient, cara: Client
) -> None:
    as_cara.post(URL, TOLD | {"easy_read": "on"})
    page = _page(as_cara.get("/portal/"))
    assert 'lang="en-GB"' in page
    assert "This is your page." not in page


def test_easy_read_wording_on_the_home_and_needs_pages(as_cara: HttpClient, cara: Client) -> None:
    cara.easy_read = True
    cara.save()
    home = _page(as_cara.get("/portal/"))
    assert "This is your page." in home and "<svg" in home
    assert "Your therapist will check it." in _page(as_cara.get(URL))


def test_a_polish_speaker_sees_the_portal_in_polish_with_its_review_status(
    as_cara: HttpClient, cara: Client
) -> None:
    cara.language = "polski"
    cara.save()
    response = as_cara.get(URL)
    page = _page(response)
    assert '<html lang="pl"' in page
    assert "Twoje potrzeby" in page
    assert "Machine-made translation: not yet checked by a qualified translator." in page
    assert response["Content-Language"] == "pl"


def test_a_language_without_a_translation_is_said_plainly(
    as_cara: HttpClient, cara: Client
) -> None:
    cara.language = "Somali"
    cara.save()
    page = _page(as_cara.get("/portal/"))
    assert '<html lang="en-GB"' in page
    assert "These pages are not yet in Somali." in page


def test_staff_pages_stay_in_english(client: HttpClient, cara: Client, tess: User) -> None:
    cara.language = "Polish"
    cara.save()
    client.force_login(tess)
    page = _page(client.get(reverse("clients:detail", args=[cara.pk])))
    assert "Twoje" not in page


def test_every_choice_on_the_form_has_its_own_label(as_cara: HttpClient) -> None:
    page = _page(as_cara.get(URL))
    assert 'id="None"' not in page
    assert 'for="id_preferred_contact_1">Text message</label>' in page
