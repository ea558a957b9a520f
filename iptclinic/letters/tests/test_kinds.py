"""What each letter needs from the record, and who receives it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from iptclinic.clients.models import Client
from iptclinic.courses import services as course_services
from iptclinic.endings.services import save_ending_record
from iptclinic.ipt.lifecycle import CourseState, EarlyEndReason
from iptclinic.letters.formats.plaintext import html_to_text
from iptclinic.letters.kinds import build, referrer_is_gp
from iptclinic.letters.models import LetterKind, Recipient
from iptclinic.letters.rendering import render_html
from iptclinic.letters.tests.scenes import completed_course, prepare_client, run_course
from iptclinic.test import attend_next, open_course_for, record_the_past_as_missed


@pytest.mark.parametrize(
    ("referrer", "referrer_address", "gp_practice", "gp_address", "same"),
    [
        ("Dr Ana Silva, Mill Lane Surgery", "", "Mill Lane Surgery", "", True),
        (
            "Dr Ana Silva",
            "Mill Lane Surgery, 1 Mill Lane",
            "",
            "Mill Lane Surgery\n1 Mill Lane",
            True,
        ),
        ("Self-referral", "", "Mill Lane Surgery", "", True),
        ("self", "", "", "", True),
        ("Ms Jo Bright, Community Wellbeing Team", "", "Mill Lane Surgery", "", False),
        ("Dr Ana Silva", "", "", "", False),
    ],
)
def test_the_gp_summary_is_copied_only_to_a_referrer_other_than_the_gp_or_the_person(
    referrer, referrer_address, gp_practice, gp_address, same
):
    client = Client(gp_practice=gp_practice, gp_address=gp_address)
    assert referrer_is_gp(client, referrer, referrer_address) is same


def test_an_address_that_starts_with_the_practice_name_prints_it_once(cara, tess):
    scene = completed_course(cara, tess)
    gp = build(LetterKind.GP_SUMMARY, scene.course).addressees[0]
    assert gp.recipient is Recipient.GP
    assert (gp.name, gp.lines) == (
        "Mill Lane Surgery",
        ("1 Mill Lane", "Northtown NT3 4CD"),
    )


def test_the_formulation_letter_needs_a_formulation_and_a_focus(cara, tess):
    prepare_client(cara)
    course = open_course_for(cara, tess)
    content = build(LetterKind.FORMULATION, course)
    assert content.gaps == [
        "No formulation has been written for this course yet.",
        "No focus has been chosen for this course yet.",
    ]


def test_the_formulation_letter_names_the_staff_written_parts(cara, tess):
    prepare_client(cara)
    content = build(LetterKind.FORMULATION, run_course(cara, tess))
    assert content.gaps == []
    assert content.staff_written == ["the formulation", "the goals"]
    assert content.context["goals"] == ["Make one friend at work", "Call my sister weekly"]


def test_a_letter_is_signed_by_the_allocated_therapist(cara, tess):
    scene = completed_course(cara, tess)
    Client.objects.filter(pk=cara.pk).update(therapist=None)
    scene.course.refresh_from_db()
    content = build(LetterKind.CLIENT_SUMMARY, scene.course)
    assert "Cara has no allocated therapist to sign the letter." in content.gaps


def test_an_early_ending_gets_its_own_summaries_and_refer_on_blames_the_treatment(cara, tess):

    prepare_client(cara)
    course = open_course_for(cara, tess, weeks_ago=6)

    attend_next(course, tess, 4)
    record_the_past_as_missed(course, tess)
    course = course_services.end_course(
        course,
        actor=tess,
        target=CourseState.ENDED_EARLY,
        ended_on=timezone.localdate(),
        reason=EarlyEndReason.DISCHARGED_EARLY,
    )
    save_ending_record(
        course,
        actor=tess,
        data={
            "kind": "early",
            "early_summary": "We looked at the move and what it cost you.",
            "disposition": "refer_on",
            "alternative_plan": "Behavioural activation with the step 2 team.",
            "gp_consent": True,
        },
        expected_version=None,
    )
    client_letter = build(LetterKind.CLIENT_SUMMARY, course)
    gp_letter = build(LetterKind.GP_SUMMARY, course)
    assert client_letter.gaps == gp_letter.gaps == []
    mine = " ".join(
        html_to_text(render_html(client_letter, client_letter.addressees[0], "en-gb")).split()
    )
    assert "ended before all the planned sessions took place" in mine
    assert "That is about the treatment, not about you" in mine
    assert "Behavioural activation with the step 2 team." in mine
    gp = " ".join(html_to_text(render_html(gp_letter, gp_letter.addressees[0], "en-gb")).split())
    assert "stopped a course of Interpersonal Psychotherapy" in gp
    assert "The course ended early: discharged early." in gp
    assert "IPT has not helped enough: another treatment is offered." in gp
