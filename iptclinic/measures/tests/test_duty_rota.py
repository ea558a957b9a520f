"""The duty rota: who is on duty each day, turns by date, and gaps the lead is told about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from iptclinic.audit.models import AuditEvent
from iptclinic.measures import services
from iptclinic.measures.access import is_duty_clinician
from iptclinic.measures.duty import on_duty, on_duty_by_day
from iptclinic.measures.models import DutyShift
from iptclinic.measures.services import MeasureError

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 1)
pytestmark = pytest.mark.time_machine(datetime(2026, 12, 1, 11, 0, tzinfo=LONDON))


@pytest.fixture
def standing(team, sam):
    team.duty_clinician = sam
    team.save(update_fields=["duty_clinician"])
    return sam


def test_a_turn_on_the_rota_beats_the_standing_duty_clinician_on_its_days(
    team, standing, otto, lee
):
    services.add_duty_shift(
        team,
        actor=lee,
        clinician=otto,
        starts_on=TODAY + timedelta(days=1),
        ends_on=TODAY + timedelta(days=2),
    )
    rota = on_duty_by_day(team, [TODAY + timedelta(days=n) for n in range(4)])
    assert [person.username for person in rota.values()] == ["sam", "otto", "otto", "sam"]
    assert on_duty(team) == standing and is_duty_clinician(standing)
    assert not is_duty_clinician(otto)


def test_an_inactive_duty_clinician_is_a_gap_not_a_person(team, standing):
    standing.is_active = False
    standing.save(update_fields=["is_active"])
    assert on_duty(team) is None


def test_turns_do_not_overlap_and_only_the_lead_keeps_the_rota(team, otto, tess, lee, hana):
    services.add_duty_shift(
        team, actor=lee, clinician=otto, starts_on=TODAY, ends_on=TODAY + timedelta(days=6)
    )
    with pytest.raises(MeasureError, match="Otto is on duty from 1 December to 7 December 2026"):
        services.add_duty_shift(
            team,
            actor=lee,
            clinician=tess,
            starts_on=TODAY + timedelta(days=6),
            ends_on=TODAY + timedelta(days=9),
        )
    with pytest.raises(MeasureError, match="service lead"):
        services.add_duty_shift(team, actor=tess, clinician=tess, starts_on=TODAY, ends_on=TODAY)
    with pytest.raises(MeasureError, match="therapist or supervisor of this team"):
        services.add_duty_shift(
            team,
            actor=lee,
            clinician=hana,
            starts_on=TODAY + timedelta(days=20),
            ends_on=TODAY + timedelta(days=21),
        )
    with pytest.raises(MeasureError, match="already over"):
        services.add_duty_shift(
            team,
            actor=lee,
            clinician=tess,
            starts_on=TODAY - timedelta(days=3),
            ends_on=TODAY - timedelta(days=1),
        )
    assert DutyShift.objects.count() == 1


def test_removing_a_turn_under_way_keeps_its_past_days(team, otto, lee):
    under_way = services.add_duty_shift(
        team, actor=lee, clinician=otto, starts_on=TODAY, ends_on=TODAY + timedelta(days=4)
    )
    DutyShift.objects.filter(pk=under_way.pk).update(starts_on=TODAY - timedelta(days=2))
    under_way.refresh_from_db()
    services.remove_duty_shift(under_way, actor=lee)
    under_way.refresh_from_db()
    assert under_way.ends_on == TODAY - timedelta(days=1)
    later = services.add_duty_shift(
        team,
        actor=lee,
        clinician=otto,
        starts_on=TODAY + timedelta(days=7),
        ends_on=TODAY + timedelta(days=8),
    )
    services.remove_duty_shift(later, actor=lee)
    assert not DutyShift.objects.filter(pk=later.pk).exists()
    assert [e.action for e in AuditEvent.objects.order_by("id")][-2:] == [
        "duty_rota.add",
        "duty_rota.remove",
    ]


def test_the_rota_page_shows_each_working_day_and_its_gaps(client, team, lee, tess, standing):
    client.force_login(tess)
    assert client.get("/team/duty-rota/").status_code == 404
    client.force_login(lee)
    response = client.post(
        "/team/duty-rota/",
        {"clinician": tess.pk, "starts_on": "2026-12-03", "ends_on": "2026-12-02"},
    )
    assert "The last day on duty cannot be before the first." in response.content.decode()
    assert (
        client.post(
            "/team/duty-rota/",
            {"clinician": tess.pk, "starts_on": "2026-12-03", "ends_on": "2026-12-03"},
        ).status_code
        == 302
    )
    standing.is_active = False
    standing.save(update_fields=["is_active"])
    page = client.get("/team/duty-rota/").content.decode()
    assert "Thu 3 Dec</td><td>Tess" in page
    assert page.count("Nobody: alerts would go to the service lead") >= 30
    assert "Sat 5 Dec" not in page  # not a working day
