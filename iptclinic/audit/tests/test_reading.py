"""Reading the audit: the lead's pages, the CSV, the unusual-access check and the portal page."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from iptclinic.accounts.models import Role
from iptclinic.attention.models import Item
from iptclinic.attention.services import resolve_item
from iptclinic.audit.checks import check_team
from iptclinic.audit.labels import ACTION_LABELS, PAGE_LABELS, describe
from iptclinic.audit.models import AuditEvent
from iptclinic.audit.services import record
from iptclinic.clients.services import allocate_client
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.test import make_client, make_user

from .code_scan import PAGE_IN_CODE, actions_in_code, names_in_code

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)
WEEK = "?start=2026-03-09&end=2026-03-15"


def at(moment: datetime, time_machine, **what) -> AuditEvent:
    time_machine.move_to(moment, tick=False)
    return record(**what)


# --- words for every action ---------------------------------------------------------------------


def test_every_action_the_code_writes_has_plain_words() -> None:
    actions = actions_in_code()
    assert len(actions) > 60, "the scan found too few actions to be reading the code"
    missing = sorted(actions - set(ACTION_LABELS))
    assert missing == [], f"Add words to audit/labels.py for: {missing}"


def test_every_page_a_view_records_has_plain_words() -> None:
    pages = names_in_code(PAGE_IN_CODE)
    assert len(pages) > 15
    assert sorted(pages - set(PAGE_LABELS)) == []


def test_an_action_not_yet_worded_reads_as_its_family() -> None:
    assert describe("signin.something_new") == "Sign-in"
    assert describe("client.view", {"page": "letter_gp_summary"}) == "Looked at a letter"
    assert describe("something.new") == "Other activity"


# --- a client's record ---------------------------------------------------------------------------


@pytest.fixture
def week(time_machine, tess, sam, otto, lee, cara):
    """Tess (therapist) and Sam (her supervisor) look at Cara; Otto looks without reason; Otto
    is refused another record; Lee reads."""
    return {
        "tess": at(
            MONDAY,
            time_machine,
            actor=tess,
            action="client.view",
            client=cara,
            detail={"page": "session_record"},
        ),
        "sam": at(
            MONDAY + timedelta(hours=1),
            time_machine,
            actor=sam,
            action="client.view",
            client=cara,
            detail={"page": "client"},
        ),
        "otto": at(
            MONDAY + timedelta(days=1),
            time_machine,
            actor=otto,
            action="client.view",
            client=cara,
            detail={"page": "client"},
        ),
        "refused": at(
            MONDAY + timedelta(days=1, minutes=5),
            time_machine,
            actor=otto,
            action="access.refused",
            detail={"url_name": "clients:detail"},
        ),
        "lee": at(
            MONDAY + timedelta(days=2), time_machine, actor=lee, action="client.update", client=cara
        ),
        "before": at(
            MONDAY - timedelta(days=3), time_machine, actor=otto, action="client.view", client=cara
        ),
    }


def test_a_lead_sees_who_looked_at_a_client_in_a_week_with_an_outsider_flagged(
    client, lee, cara, week, time_machine
):
    time_machine.move_to(MONDAY + timedelta(days=7))
    client.force_login(lee)
    response = client.get(f"/audit/clients/{cara.pk}/{WEEK}")
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [line.event for line in lines] == [week["lee"], week["otto"], week["sam"], week["tess"]]
    by_event = {line.event.pk: line for line in lines}
    assert by_event[week["tess"].pk].relation_label == "Allocated therapist"
    assert by_event[week["sam"].pk].relation_label == "Supervisor of the allocated therapist"
    assert by_event[week["otto"].pk].relation_label == "Not on their caseload"
    assert by_event[week["otto"].pk].flag_labels == ["Opened a client not on their caseload"]
    assert by_event[week["lee"].pk].flag_labels == ["Service lead, outside a caseload: to review"]
    assert not by_event[week["tess"].pk].unusual
    page = response.content.decode()
    assert "Looked at a session record" in page and "Changed the client&#x27;s details" in page


def test_the_relationship_is_the_one_at_the_time_of_the_event(
    client, lee, tess, otto, cara, time_machine
):
    early = at(MONDAY, time_machine, actor=otto, action="client.view", client=cara)
    time_machine.move_to(MONDAY + timedelta(hours=2), tick=False)
    allocate_client(cara, actor=lee, therapist=otto, reason="Tess is on leave.")
    late_otto = at(
        MONDAY + timedelta(hours=3), time_machine, actor=otto, action="client.view", client=cara
    )
    late_tess = at(
        MONDAY + timedelta(hours=4), time_machine, actor=tess, action="client.view", client=cara
    )
    client.force_login(lee)
    lines = {
        line.event.pk: line
        for line in client.get(f"/audit/clients/{cara.pk}/{WEEK}").context["lines"]
    }
    assert lines[early.pk].relation_label == "Not on their caseload"
    assert lines[late_otto.pk].relation_label == "Allocated therapist"
    assert lines[late_tess.pk].relation_label == "Not on their caseload"


def test_the_default_range_is_the_last_seven_days_in_london(client, lee, cara, week, time_machine):
    time_machine.move_to(MONDAY + timedelta(days=3))
    client.force_login(lee)
    response = client.get(f"/audit/clients/{cara.pk}/")
    assert response.context["form"].cleaned_data["start"].isoformat() == "2026-03-06"
    assert week["before"] in [line.event for line in response.context["lines"]]


def test_reading_a_clients_trail_is_itself_audited(client, lee, cara, week):
    client.force_login(lee)
    client.get(f"/audit/clients/{cara.pk}/{WEEK}")
    event = AuditEvent.objects.filter(action="audit.client_view").get()
    assert (event.actor, event.client) == (lee, cara)
    assert event.detail == {"start": "2026-03-09", "end": "2026-03-15", "page": 1}


def test_only_a_service_lead_of_the_team_reads_the_audit(client, tess, sam, hana, cara, otto):
    for person in (tess, sam, hana):
        client.force_login(person)
        assert client.get(f"/audit/clients/{cara.pk}/").status_code == 404
        assert client.get(f"/audit/people/{otto.pk}/").status_code == 404
        assert client.get("/audit/").status_code == 404


def test_another_teams_lead_gets_404(client, other_team, cara, otto):
    other_lead = make_user(other_team, "olga", Role.SERVICE_LEAD)
    client.force_login(other_lead)
    assert client.get(f"/audit/clients/{cara.pk}/").status_code == 404
    assert client.get(f"/audit/people/{otto.pk}/").status_code == 404


def test_a_bad_range_is_explained(client, lee, cara):
    client.force_login(lee)
    response = client.get(f"/audit/clients/{cara.pk}/?start=2026-03-15&end=2026-03-09")
    assert "is before its start" in response.content.decode()
    response = client.get(f"/audit/clients/{cara.pk}/?start=soon&end=2026-03-09")
    assert response.status_code == 200 and response.context["lines"] == []


def test_the_client_page_and_the_person_page_link_to_the_audit(client, lee, cara, otto, tess):
    client.force_login(lee)
    assert f"/audit/clients/{cara.pk}/" in client.get(f"/clients/{cara.pk}/").content.decode()
    assert f"/audit/people/{otto.pk}/" in client.get(f"/team/people/{otto.pk}/").content.decode()
    assert 'href="/audit/"' in client.get("/caseload/").content.decode()
    client.force_login(tess)
    assert "/audit/" not in client.get(f"/clients/{cara.pk}/").content.decode()


def test_many_rows_are_paged(client, lee, tess, cara, time_machine):
    for n in range(55):
        at(
            MONDAY + timedelta(minutes=n),
            time_machine,
            actor=tess,
            action="client.view",
            client=cara,
        )
    client.force_login(lee)
    first = client.get(f"/audit/clients/{cara.pk}/{WEEK}")
    assert len(first.context["lines"]) == 50
    second = client.get(f"/audit/clients/{cara.pk}/{WEEK}&page=2")
    # The lead's first read is on the record's trail too, so there is one line more now.
    assert len(second.context["lines"]) == 6
    assert AuditEvent.objects.filter(action="audit.client_view").count() == 2


# --- one person's activity -------------------------------------------------------------------------


def test_a_person_s_activity_shows_each_client_and_flags(client, lee, otto, cara, ruth, week):
    client.force_login(lee)
    response = client.get(f"/audit/people/{otto.pk}/{WEEK}")
    lines = response.context["lines"]
    assert [line.event for line in lines] == [week["refused"], week["otto"]]
    assert lines[0].flag_labels == ["Refused access"]
    assert lines[1].flag_labels == ["Opened a client not on their caseload"]
    event = AuditEvent.objects.filter(action="audit.user_view").get()
    assert event.object_id == str(otto.pk) and event.detail["client_ids"] == [cara.pk]


def test_many_clients_in_an_hour_are_flagged_on_the_person_page(
    client, lee, otto, time_machine, settings
):
    settings.IPTCLINIC_UNUSUAL_MANY_CLIENTS = 3
    others = [make_client(lee, otto, f"Person{n}") for n in range(3)]
    for n, someone in enumerate(others):
        at(
            MONDAY + timedelta(minutes=10 * n),
            time_machine,
            actor=otto,
            action="client.view",
            client=someone,
        )
    client.force_login(lee)
    lines = client.get(f"/audit/people/{otto.pk}/{WEEK}").context["lines"]
    assert [line.flag_labels for line in lines] == [["Many clients' records in an hour"], [], []]


# --- CSV ------------------------------------------------------------------------------------------


def test_the_csv_asks_for_the_second_factor_again_after_ten_minutes(
    client, lee, cara, week, time_machine
):
    client.force_login(lee)
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    response = client.get(f"/audit/clients/{cara.pk}.csv{WEEK}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/confirm/")
    assert not AuditEvent.objects.filter(action="audit.client_csv").exists()


def test_the_clients_csv_has_every_line_and_a_name_without_personal_data(client, lee, cara, week):
    client.force_login(lee)
    response = client.get(f"/audit/clients/{cara.pk}.csv{WEEK}")
    disposition = response["Content-Disposition"]
    assert disposition == (
        f'attachment; filename="audit-client-{cara.pk}-2026-03-09-to-2026-03-15.csv"'
    )
    assert cara.family_name not in disposition
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["Action code"] for row in rows] == [
        "client.update",
        "client.view",
        "client.view",
        "client.view",
    ]
    assert rows[1]["Unusual"] == "Opened a client not on their caseload"
    assert rows[1]["When (UK time)"] == "2026-03-10 10:00:00"
    assert AuditEvent.objects.filter(action="audit.client_csv", client=cara).count() == 1


def test_a_staff_name_that_looks_like_a_formula_stays_text(client, lee, team, cara, time_machine):
    sly = make_user(team, "sly", Role.THERAPIST, last_name="X")
    sly.first_name = "=HYPERLINK(1)"
    sly.save()
    at(MONDAY, time_machine, actor=sly, action="client.view", client=cara)
    client.force_login(lee)
    text = client.get(f"/audit/people/{sly.pk}.csv{WEEK}").content.decode()
    assert "'=HYPERLINK(1) X" in text
    assert AuditEvent.objects.filter(action="audit.user_csv").count() == 1


# --- the periodic check and its items -------------------------------------------------------------


def test_the_check_gives_the_lead_one_item_per_person_rule_and_day_and_is_idempotent(
    lee, otto, cara, week, time_machine, team
):
    time_machine.move_to(MONDAY - timedelta(days=4), tick=False)
    check_team(team)  # the first run marks where reading starts
    now = MONDAY + timedelta(days=3)
    first = check_team(team, now)
    second = check_team(team, now + timedelta(minutes=15))
    items = Item.objects.filter(kind=NeedKind.UNUSUAL_ACCESS).order_by("key")
    assert [(i.owner, i.key.split(":")[2], i.key.split(":")[3]) for i in items] == [
        (lee, "outside_caseload", "2026-03-06"),
        (lee, "outside_caseload", "2026-03-10"),
        (lee, "refused", "2026-03-10"),
    ]
    assert len(first.opened) == 3 and second.opened == []
    for item in items:
        assert cara.given_name not in item.title and cara.family_name not in item.title
        assert item.client_id is None
        assert item.due.astimezone(LONDON).date().isoformat() == "2026-03-13"
        assert "Otto" in item.title


def test_a_closed_item_is_not_opened_again_by_a_later_run(lee, team, week, time_machine):
    time_machine.move_to(MONDAY - timedelta(days=4), tick=False)
    check_team(team)
    check_team(team, MONDAY + timedelta(days=3))
    item = Item.objects.filter(kind=NeedKind.UNUSUAL_ACCESS).first()
    resolve_item(item, actor=lee, note="Asked Otto: covering a colleague's clinic.")
    item.refresh_from_db()
    assert item.resolution.startswith("Asked Otto") and item.resolved_by == lee
    from iptclinic.attention.models import UnusualAccessCheck

    UnusualAccessCheck.objects.all().delete()  # as if the mark were lost: everything read again
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)
    check_team(team, MONDAY + timedelta(days=3, minutes=30))
    assert Item.objects.filter(key=item.key).count() == 1


def test_the_items_link_goes_to_the_persons_activity_that_day(
    client, lee, otto, team, week, time_machine
):
    time_machine.move_to(MONDAY - timedelta(days=4), tick=False)
    check_team(team)
    check_team(team, MONDAY + timedelta(days=3))
    client.force_login(lee)
    page = client.get("/attention/").content.decode()
    assert f"/audit/people/{otto.pk}/?start=2026-03-10&amp;end=2026-03-10" in page
    unusual = client.get("/audit/?start=2026-03-01&end=2026-03-31")
    rows = unusual.context["rows"]
    assert {(row.person, row.rule_label) for row in rows} == {
        (otto, "Opened a client not on their caseload"),
        (otto, "Refused access"),
    }
    assert AuditEvent.objects.filter(action="audit.unusual_view").count() == 1


def test_the_check_is_registered_with_the_workers_clock():
    from iptclinic.jobs.clock import PERIODIC

    assert "iptclinic.audit.tasks.check_unusual_access" in {p.task_path for p in PERIODIC}


def test_the_task_checks_every_team(lee, team, other_team, week, time_machine):
    from iptclinic.audit.tasks import check_unusual_access

    # A first run reads the day before it: Otto's look and his refusal on Tuesday.
    time_machine.move_to(MONDAY + timedelta(days=1, hours=1), tick=False)
    totals = check_unusual_access.call()
    assert totals["teams"] == 2 and totals["failed"] == 0
    assert totals["opened"] == 2


# --- the service user's page ------------------------------------------------------------------------


def test_the_service_user_sees_staff_who_looked_in_plain_words(
    client, cara, cara_user, tess, sam, otto, lee, week, time_machine
):
    at(MONDAY + timedelta(minutes=5), time_machine, actor=tess, action="client.update", client=cara)
    at(MONDAY, time_machine, actor=cara_user, action="client.view", client=cara)
    at(MONDAY, time_machine, actor=otto, action="access.refused", client=cara)
    client.force_login(cara_user)
    response = client.get("/portal/who-has-looked/")
    visits = [
        (v.day.isoformat(), v.name, v.role, v.did)
        for v in response.context["visits"]
        if v.day.year == 2026 and v.day.month == 3  # not Cara's registration, at the suite's now
    ]
    assert visits == [
        ("2026-03-11", lee.display_name, "A service lead", "Updated your record"),
        ("2026-03-10", otto.display_name, "Another member of staff", "Looked at your record"),
        ("2026-03-09", tess.display_name, "Your therapist", "Looked at and updated your record"),
        ("2026-03-09", sam.display_name, "Your therapist's supervisor", "Looked at your record"),
        ("2026-03-06", otto.display_name, "Another member of staff", "Looked at your record"),
    ]
    event = AuditEvent.objects.filter(action="audit.portal_view").get()
    assert (event.actor, event.client) == (cara_user, cara)


def test_the_portal_home_links_to_the_page(client, cara_user):
    client.force_login(cara_user)
    assert "/portal/who-has-looked/" in client.get("/portal/").content.decode()


def test_staff_and_strangers_do_not_reach_the_service_users_page(client, tess, otto):
    for person in (tess, otto):
        client.force_login(person)
        assert client.get("/portal/who-has-looked/").status_code == 404
