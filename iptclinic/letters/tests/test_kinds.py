"""What each letter needs from the record, and who receives it."""

from __future__ import annotations

import pytest

from iptclinic.clients.models import Client
from iptclinic.letters.kinds import build, referrer_is_gp
from iptclinic.letters.models import LetterKind, Recipient
from iptclinic.letters.tests.scenes import completed_course, prepare_client, run_course


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
    from iptclinic.test import open_course_for

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
