"""Letter pages: who reaches them, what they say, and one audit event per request."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iptclinic.audit.models import AuditEvent
from iptclinic.letters.formats.pdf import pdf_font_sizes, pdf_text
from iptclinic.letters.models import (
    IssuedLetter,
    LetterFile,
    LetterKind,
    LetterRequest,
    RequestStatus,
)
from iptclinic.letters.tests.scenes import (
    completed_course,
    issue_now,
    open_course_with_appointments,
)
from iptclinic.test import run_background_work


@pytest.fixture
def scene(cara, tess):
    return open_course_with_appointments(cara, tess)


@pytest.fixture
def issued(scene, tess):
    return issue_now(
        scene.course, actor=tess, kind=LetterKind.APPOINTMENTS, formats=["text", "large_print"]
    )


def _urls(scene, letter):
    course = scene.course.pk
    stored = letter.files.first()
    return [
        reverse("letters:client_letters", args=[scene.client.pk]),
        *(
            reverse("letters:issue", kwargs={"course_id": course, "kind": kind.value})
            for kind in LetterKind
        ),
        *(
            reverse("letters:preview", kwargs={"course_id": course, "kind": kind.value})
            for kind in LetterKind
        ),
        reverse("letters:calendar", args=[course]),
        reverse("letters:detail", args=[letter.pk]),
        reverse("letters:download", args=[stored.pk]),
        reverse("letters:request", args=[letter.request_id]),
    ]


def _one_event(client, method, url, data=None, **extra):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = getattr(client, method)(url, data or {}, **extra)
    new = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(new) == 1, (url, [e.action for e in new])
    return response, new[0]


def test_otto_gets_404_on_every_letters_url_about_cara(client, otto, scene, issued):
    client.force_login(otto)
    for url in _urls(scene, issued):
        for method in ("get", "post"):
            before = AuditEvent.objects.exclude(action="access.refused").count()
            assert getattr(client, method)(url).status_code in (404, 405), (method, url)
            assert AuditEvent.objects.exclude(action="access.refused").count() == before


def test_a_service_user_gets_404_on_the_staff_letter_pages_about_herself(
    client, cara_user, scene, issued
):
    client.force_login(cara_user)
    for url in [*_urls(scene, issued), reverse("letters:settings")]:
        assert client.get(url).status_code == 404, url


def test_the_client_letters_page_lists_what_was_issued_with_one_view_event(
    client, tess, cara, issued
):
    client.force_login(tess)
    response, event = _one_event(client, "get", reverse("letters:client_letters", args=[cara.pk]))
    page = response.content.decode()
    assert (event.action, event.client) == ("client.view", cara)
    assert "Appointment letter" in page
    assert reverse("letters:detail", args=[issued.pk]) in page


def test_the_issue_page_lists_what_is_missing_and_offers_no_button(client, tess, cara, scene):
    cara.address = ""
    cara.save()
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    page = client.get(url).content.decode()
    assert "This letter cannot be issued yet" in page
    assert "Cara has no postal address." in page
    assert "Issue the letter" not in page


def test_the_issue_page_shows_the_letter_and_ticks_the_needed_formats(client, tess, scene):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    response, event = _one_event(client, "get", url)
    page = response.content.decode()
    assert event.detail == {"page": "letter_appointments"}
    assert "Large print (PDF, 16 point and larger) (recorded need)" in page
    assert 'value="large_print"' in page and "checked" in page
    assert "Private and confidential" in page
    assert "Issue the letter" in page


def test_issuing_from_the_page_answers_at_once_with_the_progress_page_and_no_letter_yet(
    client, tess, scene
):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    response, event = _one_event(
        client, "post", url, {"formats": ["pdf", "large_print", "audio", "braille"]}
    )
    asked = LetterRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:request", args=[asked.pk])
    assert (event.action, event.object_id) == ("letter.request", str(asked.pk))
    assert (asked.status, asked.requested_by, asked.formats) == (
        RequestStatus.WAITING,
        tess,
        ["audio", "braille", "large_print", "pdf"],
    )
    assert not IssuedLetter.objects.exists()


def test_the_progress_page_says_it_is_waiting_then_offers_the_letter_once_made(client, tess, scene):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    progress_url = client.post(url, {"formats": ["pdf", "large_print"]})["Location"]

    response, event = _one_event(client, "get", progress_url)
    page = response.content.decode()
    assert event.detail == {"page": "letter_request"}
    assert 'role="status"' in page
    assert "Waiting to be made." in page
    assert 'hx-trigger="every 1s"' in page
    assert f'href="{progress_url}">Check again now</a>' in page  # without JavaScript

    run_background_work()
    page = client.get(progress_url).content.decode()
    letter = IssuedLetter.objects.get()
    assert "Ready." in page
    assert reverse("letters:detail", args=[letter.pk]) in page
    assert "hx-trigger" not in page and "Check again now" not in page


def test_the_progress_fragment_answers_no_change_without_an_event_until_there_is_news(
    client, tess, scene
):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    progress_url = client.post(url, {"formats": ["pdf", "large_print"]})["Location"]
    page = client.get(progress_url).content.decode()
    poll = re.search(r'hx-get="([^"]+)"', page)[1].replace("&amp;", "&")
    assert poll.startswith(progress_url + "?shown=")

    before = AuditEvent.objects.count()
    unchanged = client.get(poll, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204 and unchanged.content == b""
    assert AuditEvent.objects.count() == before

    run_background_work()
    response, event = _one_event(client, "get", poll, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="letter-progress"')
    assert "<html" not in fragment and "Ready." in fragment and "hx-get" not in fragment
    assert event.detail == {"page": "letter_request"}


def test_a_letter_that_could_not_be_made_says_why_and_how_to_ask_again(client, tess, cara, scene):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    progress_url = client.post(url, {"formats": ["pdf", "large_print"]})["Location"]
    cara.address = ""
    cara.save()
    run_background_work()

    page = client.get(progress_url).content.decode()
    assert "The letter could not be made." in page
    assert "Cara has no postal address. Add it on the client&#x27;s details page." in page
    assert f'href="{url}">ask for the letter again</a>' in page
    assert "hx-trigger" not in page
    letters_page = client.get(reverse("letters:client_letters", args=[cara.pk])).content.decode()
    assert "Letters asked for, not yet made" in letters_page and "Could not be made" in letters_page
    assert progress_url in letters_page


@pytest.mark.time_machine(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/London")))
def test_a_request_no_worker_has_taken_says_so_and_the_page_stops_checking_in_time(
    client, tess, scene, time_machine
):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    progress_url = client.post(url, {"formats": ["pdf", "large_print"]})["Location"]

    time_machine.move_to(datetime(2026, 12, 2, 10, 3, tzinfo=ZoneInfo("Europe/London")))
    page = client.get(progress_url).content.decode()
    assert "the background worker may have stopped. Tell IT support." in page
    assert 'hx-trigger="every 1s"' in page

    time_machine.move_to(datetime(2026, 12, 2, 10, 11, tzinfo=ZoneInfo("Europe/London")))
    page = client.get(progress_url).content.decode()
    assert "This page has stopped checking by itself." in page
    assert "hx-trigger" not in page and "Check again now" in page


def test_the_letters_page_lists_letters_being_made_until_they_are_made(client, tess, cara, scene):
    client.force_login(tess)
    issue_url = reverse(
        "letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"}
    )
    progress_url = client.post(issue_url, {"formats": ["pdf", "large_print"]})["Location"]
    letters_url = reverse("letters:client_letters", args=[cara.pk])
    page = client.get(letters_url).content.decode()
    assert "Letters asked for, not yet made" in page and "Waiting to be made" in page
    assert progress_url in page

    run_background_work()
    page = client.get(letters_url).content.decode()
    assert "Letters asked for, not yet made" not in page
    assert reverse("letters:detail", args=[IssuedLetter.objects.get().pk]) in page


def test_the_letters_page_runs_the_same_queries_for_one_letter_being_made_or_three(
    client, tess, cara, scene, django_assert_max_num_queries
):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    letters_url = reverse("letters:client_letters", args=[cara.pk])
    client.post(url, {"formats": ["pdf", "large_print"]})
    with CaptureQueriesContext(connection) as one:
        client.get(letters_url)
    queries = len(one)  # read now: the next request clears the log
    # Two more letters in other formats (the same one asked again is the same request).
    for more in (["easy_read"], ["text"]):
        client.post(url, {"formats": ["pdf", "large_print", *more]})
    with django_assert_max_num_queries(queries):
        page = client.get(letters_url).content.decode()
    assert page.count("Waiting to be made") == 3


def test_leaving_out_a_needed_format_is_refused_on_the_page(client, tess, scene):
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    response = client.post(url, {"formats": ["pdf"]})
    assert response.status_code == 200
    assert "Cara needs large print" in response.content.decode()
    assert not IssuedLetter.objects.exists()


def test_a_supervisor_can_read_the_draft_but_not_issue_it(client, sam, scene):
    client.force_login(sam)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    page = client.get(url).content.decode()
    assert "Issue the letter" not in page
    assert client.post(url, {"formats": ["pdf", "large_print"]}).status_code == 404


def test_a_download_returns_exactly_the_bytes_sent_with_one_event(client, tess, issued):
    client.force_login(tess)
    for stored in issued.files.all():
        response, event = _one_event(client, "get", reverse("letters:download", args=[stored.pk]))
        assert response.content == bytes(stored.content)
        assert response["Content-Type"] == stored.content_type
        assert f'filename="{stored.filename}"' in response["Content-Disposition"]
        assert (event.action, event.object_id) == ("letter.download", str(stored.pk))


def test_a_stored_letter_that_no_longer_matches_its_digest_is_not_handed_out(client, tess, issued):
    stored = issued.files.get(format="text")
    LetterFile.objects.filter(pk=stored.pk).update(content=b"Changed after sending")
    client.force_login(tess)
    response = client.get(reverse("letters:download", args=[stored.pk]))
    assert response.status_code == 500
    assert "This stored letter is damaged" in response.content.decode()
    assert not AuditEvent.objects.filter(action="letter.download").exists()


def test_the_preview_is_a_pdf_of_the_letter(client, tess, scene):
    client.force_login(tess)
    url = reverse("letters:preview", kwargs={"course_id": scene.course.pk, "kind": "appointments"})
    response, event = _one_event(client, "get", url)
    assert response["Content-Type"] == "application/pdf"
    assert "Your appointments" in pdf_text(response.content)


def test_the_calendar_downloads_from_the_client_page(client, tess, scene):
    client.force_login(tess)
    response, event = _one_event(client, "get", reverse("letters:calendar", args=[scene.course.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    assert event.detail == {"page": "calendar"}


def test_the_calendar_names_the_team_by_its_plainer_name_for_clients(client, tess, scene):
    """A calendar event shows on a lock screen: the service's full name would say what for."""
    from iptclinic.notifications.models import TeamReminders

    TeamReminders.objects.create(team=tess.team, days_before=2, sender_name="Riverside Health")
    client.force_login(tess)
    content = client.get(reverse("letters:calendar", args=[scene.course.pk])).content.decode()
    assert "SUMMARY:Appointment: Riverside Health" in content
    assert tess.team.name not in content


def test_the_letter_settings_are_for_the_service_lead(client, tess, lee, team):
    client.force_login(tess)
    assert client.get(reverse("letters:settings")).status_code == 404
    client.force_login(lee)
    response = client.post(
        reverse("letters:settings"),
        {
            "phone": "0161 496 0000",
            "address": "2 Mill Lane",
            "complaints_service": "PALS",
            "complaints_phone": "0161 496 0100",
            "bsl_video_relay": "relay.example.org/riverside",
            "crisis_contacts": team.crisis_contacts,
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.bsl_video_relay == "https://relay.example.org/riverside"
    assert AuditEvent.objects.filter(action="team.contacts").count() == 1


@pytest.mark.time_machine(datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("Europe/London")))
def test_staff_see_the_review_status_of_each_translation_and_leads_record_a_sign_off(
    client, tess, lee
):
    client.force_login(tess)
    page = client.get(reverse("letters:translations")).content.decode()
    assert "Polish" in page and "not yet checked by a qualified translator" in page
    assert "Record a translator" not in page
    assert client.post(reverse("letters:translations"), {}).status_code == 404

    client.force_login(lee)
    response = client.post(
        reverse("letters:translations"),
        {
            "language": "pl",
            "reviewer": "Anna Nowak",
            "qualification": "MCIL, Polish",
            "reviewed_on": "2026-11-02",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("letters:translations")).content.decode()
    assert "Checked by Anna Nowak (MCIL, Polish) on 2 November 2026." in page


def test_the_information_page_about_ipt_is_there_for_service_users_and_prints(
    client, cara_user, cara
):
    client.force_login(cara_user)
    page = client.get(reverse("letters:about_ipt")).content.decode()
    assert "Interpersonal Psychotherapy (IPT): information for you" in page
    assert "NG222" in page and "116\u00a0123" in page
    assert "between 12 and 16" in page
    pdf = client.get(reverse("letters:about_ipt_large_print"))
    assert pdf["Content-Type"] == "application/pdf"
    assert min(pdf_font_sizes(pdf.content)) >= 16
    assert "NG222" in pdf_text(client.get(reverse("letters:about_ipt_pdf")).content)


def test_the_information_page_follows_the_persons_language(client, cara_user, cara):
    cara.language = "Polish"
    cara.save()
    client.force_login(cara_user)
    page = client.get(reverse("letters:about_ipt")).content.decode()
    assert "Psychoterapia interpersonalna (IPT): informacje" in page
    english = client.get(reverse("letters:about_ipt") + "?language=en-gb").content.decode()
    assert "information for you" in english


def test_the_portal_links_to_the_information_page(client, cara_user):
    client.force_login(cara_user)
    assert reverse("letters:about_ipt") in client.get(reverse("portal:home")).content.decode()


def test_a_gp_summary_page_asks_for_the_referrers_address_when_the_copy_has_none(
    client, tess, cara
):
    referral = cara.referrals.get()
    referral.referrer = "Ms Jo Bright, Community Wellbeing Team"
    referral.save()
    scene = completed_course(cara, tess)
    client.force_login(tess)
    url = reverse("letters:issue", kwargs={"course_id": scene.course.pk, "kind": "gp_summary"})
    page = client.get(url).content.decode()
    assert "Address of the referrer, for their copy" in page
    response = client.post(url, {"formats": ["pdf"], "referrer_address": "5 Park Road\nNorthtown"})
    assert response.status_code == 302
