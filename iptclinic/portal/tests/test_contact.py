"""Contact and concerns: what a service user sends reaches the right person, who reads and
answers it; a question about "who has looked" reaches a service lead (issue 11, items 7 and 8)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import Role, User
from iptclinic.attention.links import act_link
from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.audit.services import record
from iptclinic.clients.models import Client
from iptclinic.ipt.safety_net import NeedKind, Owner
from iptclinic.portal.contact_services import ContactError, mark_answered
from iptclinic.portal.models import ContactMessage, RecordQuestion
from iptclinic.test import VerifiedClient, make_user

CRISIS = "call NHS 111 and choose option 2"


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def as_cara(client: HttpClient, cara_user: User) -> HttpClient:
    client.force_login(cara_user)
    return client


def _send(http: HttpClient, kind: str, text: str, **extra: str) -> Any:
    return http.post(reverse(f"portal:contact_{kind}"), {"text": text, **extra}, follow=True)


def test_a_message_reaches_the_therapist_and_the_confirmation_opens_with_the_crisis_contacts(
    as_cara: HttpClient, cara: Client, tess: User, lee: User
) -> None:
    response = _send(as_cara, "message", "I feel I cannot go on and do not know what to do.")

    message = ContactMessage.objects.get(client=cara)
    assert (message.kind, message.sent_to) == ("message", tess)
    item = Item.objects.get(kind=NeedKind.CONTACT_MESSAGE)
    assert (item.owner, item.owner_role, item.client) == (tess, Owner.THERAPIST, cara)
    assert "cannot go on" not in item.title  # nothing the person wrote goes into the queue
    assert act_link(item)[0] == reverse("portal:staff_message", args=[message.pk])
    assert item.due == cara.team.working_week().next_morning(item.since)
    page = _page(response)
    # H-102: the crisis contacts come before anything else on the page.
    assert page.index(CRISIS) < page.index("<h1>We have your message</h1>")
    assert "may not see yours until the next working day" in page
    sent = AuditEvent.objects.get(action="portal.contact_send")
    assert sent.detail == {"kind": "message", "routed": True}
    assert "cannot" not in str(sent.detail)


def test_the_message_form_says_it_is_not_for_emergencies_and_shows_the_crisis_contacts(
    as_cara: HttpClient, cara: Client
) -> None:
    page = _page(as_cara.get(reverse("portal:contact_message")))
    assert "This is not for emergencies" in page
    assert CRISIS in page
    assert page.index(CRISIS) < page.index("Send the message")


def test_an_empty_message_is_refused_and_a_long_one_comes_back_as_typed(
    as_cara: HttpClient, cara: Client
) -> None:
    empty = as_cara.post(reverse("portal:contact_message"), {"text": "  "})
    assert "Write your message before you send it." in _page(empty)
    long = "word " * 1200
    refused = as_cara.post(reverse("portal:contact_message"), {"text": long})
    assert "Please keep it to 5000 characters." in _page(refused)
    assert long.strip()[:200] in _page(refused)
    assert not ContactMessage.objects.exists()
    assert not Item.objects.filter(kind=NeedKind.CONTACT_MESSAGE).exists()


def test_a_complaint_goes_to_the_service_lead_and_never_to_the_therapist(
    as_cara: HttpClient, client: HttpClient, cara: Client, tess: User, lee: User
) -> None:
    _send(as_cara, "complaint", "My therapist was late.", wants_advice_service="on")

    complaint = ContactMessage.objects.get(kind="complaint")
    assert complaint.wants_advice_service
    item = Item.objects.get(kind=NeedKind.COMPLAINT)
    assert (item.owner, item.owner_role) == (lee, Owner.LEAD)
    assert "patient advice and liaison service" in item.title
    assert not Item.objects.filter(owner=tess).exists()
    # H-103: the therapist cannot open it.
    client.force_login(tess)
    assert client.get(reverse("portal:staff_message", args=[complaint.pk])).status_code == 404


def test_a_complaint_about_a_lead_who_holds_the_caseload_goes_to_another_lead(
    as_cara: HttpClient, cara: Client, lee: User, team: Any
) -> None:
    cara.therapist = lee
    cara.save(update_fields=["therapist"])
    second = make_user(team, "lena", Role.SERVICE_LEAD)

    _send(as_cara, "complaint", "About my sessions.")

    assert Item.objects.get(kind=NeedKind.COMPLAINT).owner == second


def test_feedback_goes_to_the_lead_and_a_message_with_no_therapist_too(
    as_cara: HttpClient, cara: Client, lee: User
) -> None:
    _send(as_cara, "feedback", "The rooms are nice.")
    cara.therapist = None
    cara.save(update_fields=["therapist"])
    _send(as_cara, "message", "Who is my therapist?")

    assert Item.objects.get(kind=NeedKind.FEEDBACK).owner == lee
    message_item = Item.objects.get(kind=NeedKind.CONTACT_MESSAGE)
    assert (message_item.owner, message_item.owner_role) == (lee, Owner.LEAD)


def test_with_nobody_to_take_it_the_message_is_kept_and_the_person_told_to_call(
    as_cara: HttpClient, cara: Client
) -> None:
    cara.therapist = None
    cara.save(update_fields=["therapist"])
    cara.team.phone = "0117 496 0123"
    cara.team.save()

    page = _page(_send(as_cara, "message", "Hello."))

    assert ContactMessage.objects.get().sent_to is None
    assert "Please call us on 0117 496 0123" in page


def test_the_therapist_reads_and_answers_a_message_and_the_person_sees_it_was_answered(
    as_cara: HttpClient, cara: Client, cara_user: User, tess: User
) -> None:
    _send(as_cara, "message", "Can we meet later on Thursday?")
    message = ContactMessage.objects.get()
    staff = VerifiedClient()
    staff.force_login(tess)
    url = reverse("portal:staff_message", args=[message.pk])

    page = _page(staff.get(url))
    assert "Can we meet later on Thursday?" in page
    read = AuditEvent.objects.get(action="portal.staff_read")
    assert (read.actor, read.client) == (tess, cara)

    staff.post(url, {"note": "Phoned; moved to 2 pm."})

    message.refresh_from_db()
    assert (message.answered_by, message.answer_note) == (tess, "Phoned; moved to 2 pm.")
    item = Item.objects.get(kind=NeedKind.CONTACT_MESSAGE)
    assert (item.resolved_by, item.resolution) == (tess, "Phoned; moved to 2 pm.")
    assert AuditEvent.objects.filter(action="portal.answer", client=cara).count() == 1
    mine = _page(as_cara.get(reverse("portal:contact")))
    assert f"Yes, on {timezone.localdate():%-d %B %Y}" in mine
    assert "moved to 2 pm" not in mine  # the note is for the team


def test_an_answer_needs_a_note_and_only_the_holder_gives_it(
    as_cara: HttpClient, cara: Client, tess: User, sam: User
) -> None:
    _send(as_cara, "message", "Hello.")
    message = ContactMessage.objects.get()
    url = reverse("portal:staff_message", args=[message.pk])
    staff = VerifiedClient()
    staff.force_login(tess)
    assert "Say in a few words how it was answered." in _page(staff.post(url, {"note": ""}))
    staff.force_login(sam)  # the supervisor may read the message, not answer it for Tess
    assert staff.get(url).status_code == 200
    assert "Not answered yet. Tess holds it." in _page(staff.post(url, {"note": "Done."}))
    with pytest.raises(ContactError, match="Only the person who holds this"):
        mark_answered(message, actor=sam, note="Done.")
    message.refresh_from_db()
    assert not message.answered


def test_another_therapist_and_another_team_get_404_on_a_message(
    as_cara: HttpClient, client: HttpClient, cara: Client, otto: User, hana: User
) -> None:
    _send(as_cara, "message", "Hello.")
    url = reverse("portal:staff_message", args=[ContactMessage.objects.get().pk])
    for stranger in (otto, hana):
        staff = VerifiedClient()
        staff.force_login(stranger)
        assert staff.get(url).status_code == 404


def test_the_lead_sees_the_teams_feedback_and_complaints_in_a_constant_number_of_queries(
    as_cara: HttpClient,
    cara: Client,
    ruth: Client,
    lee: User,
    otto: User,
    django_assert_max_num_queries: Any,
) -> None:
    staff = VerifiedClient()
    staff.force_login(lee)

    def lists() -> str:
        return _page(staff.get(reverse("portal:concerns")))

    _send(as_cara, "complaint", "One.")
    _send(as_cara, "message", "Not on the lead's list.")
    lists()
    with django_assert_max_num_queries(20) as few:
        page = lists()
        count = len(few.captured_queries)
    assert "Whitfield" in page and page.count("portal/team/messages/") == 1
    for n in range(6):
        _send(as_cara, "feedback", f"Feedback {n}.")
    with django_assert_max_num_queries(count):
        page = lists()
    assert page.count("portal/team/messages/") == 7
    listed = AuditEvent.objects.filter(action="portal.concerns_view").last()
    assert listed is not None and listed.detail["client_ids"] == [cara.pk]


# --- "Who has looked at my record": ask about this -----------------------------------------


@pytest.fixture
def tess_looked(cara: Client, tess: User) -> date:
    record(actor=tess, action="client.view", client=cara, detail={"page": "client"})
    return timezone.localdate()


def test_each_entry_of_who_has_looked_offers_ask_about_this(
    as_cara: HttpClient, tess_looked: date, tess: User
) -> None:
    page = _page(as_cara.get(reverse("portal:who_has_looked")))
    assert f"ask/?day={tess_looked.isoformat()}&amp;person={tess.pk}" in page
    assert "Ask about this" in page


def test_a_question_about_an_entry_reaches_the_lead_and_the_person_sees_it_was_sent(
    as_cara: HttpClient, tess_looked: date, tess: User, lee: User, cara: Client
) -> None:
    url = f"{reverse('portal:who_has_looked_ask')}?day={tess_looked}&person={tess.pk}"
    assert "Tess" in _page(as_cara.get(url))

    page = _page(as_cara.post(url, {"text": "I do not know why she looked."}))

    question = RecordQuestion.objects.get()
    assert (question.about_day, question.about_person, question.sent_to) == (
        tess_looked,
        tess,
        lee,
    )
    assert "Your question has been sent" in page
    item = Item.objects.get(kind=NeedKind.RECORD_QUESTION)
    assert (item.owner, item.owner_role) == (lee, Owner.LEAD)
    assert act_link(item)[0] == reverse("portal:staff_question", args=[question.pk])
    assert "not answered yet" in _page(as_cara.get(reverse("portal:contact")))
    staff = VerifiedClient()
    staff.force_login(lee)
    read = _page(staff.get(act_link(item)[0]))
    assert "I do not know why she looked." in read
    assert f"start={tess_looked}" in read
    # H-105: the therapist asked about cannot open the question.
    staff.force_login(tess)
    assert staff.get(act_link(item)[0]).status_code == 404


def test_a_question_about_the_lead_goes_to_someone_else(
    as_cara: HttpClient, cara: Client, lee: User, sam: User
) -> None:
    record(actor=lee, action="client.view", client=cara, detail={"page": "client"})
    url = f"{reverse('portal:who_has_looked_ask')}?day={timezone.localdate()}&person={lee.pk}"
    as_cara.post(url, {"text": "Why?"})
    assert Item.objects.get(kind=NeedKind.RECORD_QUESTION).owner == sam  # Tess's supervisor


@pytest.mark.parametrize("query", ["", "?day=nonsense&person=1", "?day=2020-01-01&person={tess}"])
def test_asking_about_an_entry_that_is_not_in_the_list_is_404(
    as_cara: HttpClient, tess_looked: date, tess: User, query: str
) -> None:
    url = reverse("portal:who_has_looked_ask") + query.format(tess=tess.pk)
    assert as_cara.get(url).status_code == 404
    assert as_cara.post(url, {"text": "Why?"}).status_code == 404
    assert not RecordQuestion.objects.exists()


def test_someone_elses_visits_cannot_be_asked_about(
    client: HttpClient, ruth: Client, otto: User, cara_user: User
) -> None:
    record(actor=otto, action="client.view", client=ruth, detail={"page": "client"})
    client.force_login(cara_user)
    url = f"{reverse('portal:who_has_looked_ask')}?day={timezone.localdate()}&person={otto.pk}"
    assert client.get(url).status_code == 404


def test_the_portal_pages_need_a_service_user(client: HttpClient, tess: User) -> None:
    client.force_login(tess)
    for name in ("contact", "contact_message", "contact_feedback", "contact_complaint"):
        assert client.get(reverse(f"portal:{name}")).status_code == 404
