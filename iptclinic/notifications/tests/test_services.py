"""Messages to staff: who is told what and when, that they name nobody, and that a failure is
retried and then handed to the service lead."""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.jobs.api import TaskResultStatus
from iptclinic.measures import services as measure_services
from iptclinic.measures.tests.helpers import gad7_total, phq9_total
from iptclinic.notifications import services
from iptclinic.notifications.channels import NotifyEmail, NotifySms, Recording
from iptclinic.notifications.models import Channel, Message, Preference, Routine, Status
from iptclinic.notifications.tasks import deliver_message
from iptclinic.test import attend_next, run_background_work

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.time_machine(datetime(2026, 12, 1, 16, 30, tzinfo=LONDON))


@pytest.fixture
def staff(team, tess, sam, otto, lee):
    for person, email in ((tess, "tess@"), (sam, "sam@"), (otto, "otto@"), (lee, "lee@")):
        person.email = f"{email}example.org"
        person.save(update_fields=["email"])
    team.duty_clinician = otto
    team.save(update_fields=["duty_clinician"])
    return team


def raise_alert(cara, cara_course, tess):
    (session,) = attend_next(cara_course, tess, 1)
    for code, answers in (("phq9", phq9_total(12, item9=1)), ("gad7", gad7_total(9))):
        measure_services.record_questionnaire(
            cara, actor=tess, instrument_code=code, answers=answers, appointment=session
        )


def run_and_tell(team) -> list[Message]:
    result = sync_team(team)
    told = services.tell_about(result.opened)
    run_background_work()
    return told


def test_an_escalation_is_sent_at_once_and_names_no_client_score_or_answer(
    staff, cara, cara_course, tess, sam, otto, time_machine
):
    raise_alert(cara, cara_course, tess)
    time_machine.move_to(datetime(2026, 12, 1, 17, 0, tzinfo=LONDON))
    Recording.outbox.clear()
    told = run_and_tell(staff)
    to = {message.recipient for message in told if message.template == "risk"}
    assert {sam, otto} <= to
    sent = {m.address: m for m in Recording.outbox}
    assert {"sam@example.org", "otto@example.org"} <= set(sent)
    for message in Recording.outbox:
        text = message.subject + message.body
        for secret in ("Cara", "Whitfield", "PHQ", "suicide", "Several days", "Tess"):
            assert secret not in text
        assert not re.search(r"\b12\b", text)  # the score
        assert "http://127.0.0.1:8000/attention/" in message.body
    assert Message.objects.filter(status=Status.SENT).count() == len(Recording.outbox)


def test_other_items_wait_for_the_digest_unless_the_person_chose_them_at_once(
    staff, cara, cara_course, tess, time_machine
):
    attend_next(cara_course, tess, 3)  # three records not written
    time_machine.move_to(datetime(2026, 12, 1, 17, 0, tzinfo=LONDON))
    assert [m for m in run_and_tell(staff) if m.recipient == tess] == []

    Preference.objects.create(user=tess, routine=Routine.IMMEDIATE)
    Item.objects.all().delete()
    told = run_and_tell(staff)
    (mine,) = [m for m in told if m.recipient == tess]
    assert mine.template == "new_items"
    assert mine.subject.startswith("IPT Clinic: ") and "need your attention" in mine.subject


def test_the_digest_counts_open_items_and_goes_only_on_working_days(
    staff, cara, cara_course, tess, time_machine
):
    attend_next(cara_course, tess, 2)
    sync_team(staff)
    time_machine.move_to(datetime(2026, 12, 2, 8, 0, tzinfo=LONDON))
    digests = services.send_digests()
    (mine,) = [m for m in digests if m.recipient == tess]
    count = Item.objects.filter(owner=tess, resolved_at__isnull=True).count()
    assert mine.body.startswith(f"Good morning. {count} items in IPT Clinic need your attention")
    time_machine.move_to(datetime(2026, 12, 5, 8, 0, tzinfo=LONDON))  # a Saturday
    assert services.send_digests() == []


def test_an_unreviewed_alert_is_sent_again_each_working_morning(
    staff, cara, cara_course, tess, sam, time_machine
):
    raise_alert(cara, cara_course, tess)
    time_machine.move_to(datetime(2026, 12, 1, 17, 5, tzinfo=LONDON))
    run_and_tell(staff)
    assert services.remind_about_risk(staff.pk) == []  # just told
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=LONDON))
    reminded = services.remind_about_risk(staff.pk)
    assert {m.template for m in reminded} == {"risk_reminder"}
    assert sam in {m.recipient for m in reminded}
    assert services.remind_about_risk(staff.pk) == []


class BrokenChannel:
    def send(self, message, address):
        raise ConnectionError(f"cannot reach the server for {address}")


def test_a_failing_send_is_retried_with_waits_then_handed_to_the_lead(
    staff, tess, lee, settings, time_machine
):
    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": f"{__name__}.BrokenChannel",
        "sms": None,
    }
    message = services.queue_message(
        tess, "digest", count=1, due=datetime(2026, 12, 1, 17, tzinfo=LONDON)
    )
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        run_background_work()
        message.refresh_from_db()
        assert message.attempts == attempt
        assert "tess@example.org" not in message.error
        if attempt < services.MAX_ATTEMPTS:
            assert message.status == Status.QUEUED
            waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
            assert waiting.run_after > datetime.now(tz=LONDON)
            time_machine.shift(timedelta(hours=2))
    assert message.status == Status.FAILED
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.count() == services.MAX_ATTEMPTS
    assert all("tess@" not in result.traceback for result in failed)
    (item,) = Item.objects.filter(kind=NeedKind.MESSAGE_FAILED)
    assert item.owner == lee and "Tess" in item.title


def test_a_person_with_no_address_is_handed_to_the_lead_not_lost(staff, tess, lee, time_machine):
    tess.email = ""
    tess.save(update_fields=["email"])
    message = services.queue_message(
        tess, "risk", count=1, due=datetime(2026, 12, 1, 17, tzinfo=LONDON)
    )
    for _ in range(services.MAX_ATTEMPTS):
        run_background_work()
        time_machine.shift(timedelta(hours=2))
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert Item.objects.filter(kind=NeedKind.MESSAGE_FAILED, owner=lee).exists()


def test_a_message_is_sent_once_even_if_two_workers_pick_it_up(staff, tess):
    message = services.queue_message(
        tess, "risk", count=1, due=datetime(2026, 12, 1, 17, tzinfo=LONDON)
    )
    deliver_message.call(message.pk)
    assert deliver_message.call(message.pk) == "already sent or being sent"
    assert len(Recording.outbox) == 1


class FakeNotify(BaseHTTPRequestHandler):
    """GOV.UK Notify's API as far as sending goes: it records each request."""

    received: list[tuple[str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeNotify.received.append((self.path, body))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": "notify-123"}).encode())

    def log_message(self, *args: object) -> None:
        """Quiet: the tests read the requests, not the server's log."""


@pytest.fixture
def fake_notify(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNotify.received.clear()
    settings.GOVUK_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.GOVUK_NOTIFY_API_KEY = (
        "test-"
        + "11111111-1111-1111-1111-111111111111"
        + "-"
        + "22222222-2222-2222-2222-222222222222"
    )
    settings.GOVUK_NOTIFY_EMAIL_TEMPLATE = "email-template"
    settings.GOVUK_NOTIFY_SMS_TEMPLATE = "sms-template"
    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": "iptclinic.notifications.channels.NotifyEmail",
        "sms": "iptclinic.notifications.channels.NotifySms",
    }
    yield
    server.shutdown()


def test_gov_uk_notify_gets_the_template_and_the_words_for_email_and_text(
    staff, tess, sam, fake_notify
):
    sam.mobile_phone = "07700 900123"
    sam.save(update_fields=["mobile_phone"])
    Preference.objects.create(user=sam, channel=Channel.SMS)
    due = datetime(2026, 12, 1, 17, tzinfo=LONDON)
    by_email = services.queue_message(tess, "risk", count=1, due=due)
    by_text = services.queue_message(sam, "risk", count=1, due=due)
    run_background_work()
    paths = {path: body for path, body in FakeNotify.received}
    assert paths["/v2/notifications/email"]["template_id"] == "email-template"
    assert paths["/v2/notifications/email"]["email_address"] == "tess@example.org"
    assert paths["/v2/notifications/email"]["personalisation"]["subject"] == by_email.subject
    assert paths["/v2/notifications/sms"]["phone_number"] == "07700 900123"
    assert paths["/v2/notifications/sms"]["personalisation"]["body"] == by_text.body
    for message in (by_email, by_text):
        message.refresh_from_db()
        assert (message.status, message.reference) == (Status.SENT, "notify-123")


def test_channels_are_what_settings_say(settings):
    from iptclinic.notifications.channels import channel_for

    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": "iptclinic.notifications.channels.NotifyEmail",
        "sms": "iptclinic.notifications.channels.NotifySms",
    }
    assert isinstance(channel_for("email"), NotifyEmail)
    assert isinstance(channel_for("sms"), NotifySms)
    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": "iptclinic.notifications.channels.DjangoEmail",
        "sms": None,
    }
    assert channel_for("sms") is None


def test_people_choose_how_they_hear_and_the_lead_sees_what_was_sent(
    client, staff, tess, lee, settings
):
    settings.IPTCLINIC_MESSAGE_CHANNELS = {
        "email": "iptclinic.notifications.channels.Recording",
        "sms": None,
    }
    client.force_login(tess)
    page = client.get("/messages/").content.decode()
    assert "Text message" not in page  # SMS is not set up in this service
    refused = client.post("/messages/", {"channel": "sms", "routine": "immediate"})
    assert refused.status_code == 200
    saved = client.post("/messages/", {"channel": "email", "routine": "immediate"})
    assert saved.status_code == 302
    assert Preference.objects.get(user=tess).routine == Routine.IMMEDIATE
    assert client.get("/messages/sent/").status_code == 404
    services.queue_message(tess, "risk", count=1, due=datetime(2026, 12, 1, 17, tzinfo=LONDON))
    client.force_login(lee)
    sent = client.get("/messages/sent/").content.decode()
    assert "IPT Clinic: a risk alert needs review" in sent and "Tess" in sent
