"""The dashboard on the demo data, checked against a count made by hand from the demo's script.

The hand count (``clients/management/commands/load_demo.py``; every referral is received 4 weeks
before its course starts, and the first appointment is on the start day):

    client   therapist  attended  missed (did not attend)       first session after referral
    Cara     Tess        6        -                             28 days
    Jonah    Tess        2        -                             28 days
    Amira    Tess       14        -                             28 days
    Bea      Tess        0        - (course starts in 2 days)   waiting
    Owen     Tess        7        the 5th appointment: 4 attended before, so session 5
    Priya    Tess        4        the 3rd appointment: 2 attended before, so session 3
    Marcus   Tess       12        - (completed 3 days ago)      28 days
    Ruth     Otto        3        -                             28 days
    Tomasz   Otto        9        -                             28 days
    Nadia    none        0        - (no course)                 waiting
    Jade     Tess        0        - (IPT-A starts in 2 days)    waiting
    (Owen and Priya also waited 28 days.)

Measure 1, waits: 8 people had a first treatment session in the last 12 months, all 28 days
after referral, so 8 of 8 waited 6 weeks (42 days) or less (100.0%). Waiting today: Bea, Nadia,
Jade.

Measure 2, did not attend: attended 6+2+14+7+4+12+3+9 = 57, did not attend 2, no cancellation:
2 of 59 (3.4%). By therapist: Tess 2 of 47 (45 attended + 2) = 4.3%; Otto 0 of 12. By session:
session 3 was attended by the 7 who reached it (all but Jonah) plus Priya's miss: 1 of 8 (12.5%);
session 5 by Cara, Amira, Owen, Marcus and Tomasz plus Owen's miss: 1 of 6 (16.7%).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from iptclinic.accounts.models import User


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_measures", stdout=io.StringIO())


def test_the_dashboard_agrees_with_the_hand_count_of_the_demo(client, demo):
    client.force_login(User.objects.get(username="lee"))
    board = client.get(reverse("service:dashboard"), {"period": "12"}).context["board"]

    treated_in_six_weeks = board.waits[0]
    assert treated_in_six_weeks.label == "Waited 6 weeks or less for a first treatment session"
    assert str(treated_in_six_weeks.share) == "8 of 8 (100.0%)"
    assert board.waiting_list == 3

    assert str(board.attendance.did_not_attend) == "2 of 59 (3.4%)"
    assert str(board.attendance.cancelled_by_client) == "0 of 59 (0.0%)"
    by_therapist = {row.group: str(row.did_not_attend) for row in board.by_therapist}
    assert by_therapist == {"Tess Morgan": "2 of 47 (4.3%)", "Otto Reyes": "0 of 12 (0.0%)"}
    by_session = {row.group: str(row.did_not_attend) for row in board.by_session}
    assert by_session["Session 3"] == "1 of 8 (12.5%)"
    assert by_session["Session 5"] == "1 of 6 (16.7%)"
    assert by_session["Session 1"] == "0 of 8 (0.0%)"


def test_the_lists_behind_the_two_measures_name_the_people_counted(client, demo):
    client.force_login(User.objects.get(username="lee"))
    missed = client.get(
        reverse("service:figure"),
        {"period": "12", "figure": "appointments", "status": "did_not_attend"},
    )
    assert sorted(row.client.given_name for row in missed.context["rows"]) == ["Owen", "Priya"]
    waiting = client.get(reverse("service:figure"), {"period": "12", "figure": "waiting"})
    assert sorted(row.client.given_name for row in waiting.context["rows"]) == [
        "Bea",
        "Jade",
        "Nadia",
    ]
