"""The group's pages: who reaches them, what they show across members, and their audit events."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.groups import services
from iptclinic.groups.models import Group, MemberMeeting
from iptclinic.test import make_client

from .conftest import JOINING, new_group
from .test_services import member_meeting

RISK_CLEAR = {
    "suicidal_thoughts": "no",
    "suicidal_plans": "no",
    "suicidal_intent": "no",
    "self_harm": "no",
    "harm_to_others": "no",
    "safeguarding_concern": "no",
    "risk_level": "none",
}


def pages(group: Group) -> list[str]:
    session = group.sessions.get(number=2)
    return [f"/groups/{group.pk}/", f"/groups/sessions/{session.pk}/"]


def test_the_lead_facilitator_sees_the_group_and_its_session_with_every_member(client, tess, group):
    client.force_login(tess)
    for url in pages(group):
        response = client.get(url)
        assert response.status_code == 200
        for name in ("Amir", "Bea", "Cal", "Dana", "Eli", "Fay"):
            assert f"{name} Groupmember" in response.content.decode()
    response = client.get("/groups/")
    assert "Tuesday group" in response.content.decode()


def test_otto_gets_404_on_a_group_he_does_not_run(client, otto, tess, group):
    group.co_facilitators.clear()
    client.force_login(otto)
    session = group.sessions.get(number=2)
    meeting = member_meeting(group, 0, 3)
    for url in [*pages(group), f"/groups/{group.pk}/members/"]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/groups/sessions/{session.pk}/attendance/",
        {"meeting": meeting.pk, "status": "attended"},
    )
    assert response.status_code == 404
    meeting.appointment.refresh_from_db()
    assert meeting.appointment.status == "planned"
    assert "Tuesday group" not in client.get("/groups/").content.decode()


def test_another_teams_therapist_and_a_service_user_get_404(client, hana, cara_user, group):
    for person in (hana, cara_user):
        client.force_login(person)
        for url in pages(group):
            assert client.get(url).status_code == 404, (person, url)


def test_a_co_facilitator_records_attendance_but_never_opens_a_members_record(client, otto, group):
    client.force_login(otto)
    session = group.sessions.get(number=2)
    meeting = member_meeting(group, 1, 3)
    response = client.post(
        f"/groups/sessions/{session.pk}/attendance/",
        {"meeting": meeting.pk, "status": "attended"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Attended: 1 of 6" in response.content.decode()
    meeting.appointment.refresh_from_db()
    assert meeting.appointment.status == "attended"
    page = client.get(f"/groups/sessions/{session.pk}/").content.decode()
    assert "Write record" not in page
    assert client.get(f"/appointments/{meeting.appointment_id}/record/").status_code == 404
    assert client.get(f"/groups/{group.pk}/members/").status_code == 404


def test_the_service_lead_reads_the_group_but_does_not_run_it(client, lee, group):
    client.force_login(lee)
    session = group.sessions.get(number=2)
    assert client.get(f"/groups/sessions/{session.pk}/").status_code == 200
    response = client.post(f"/groups/sessions/{session.pk}/attendance/", {"everyone": "1"})
    assert response.status_code == 404


def test_attendance_for_a_meeting_of_another_session_is_a_404(client, tess, group):
    client.force_login(tess)
    second = group.sessions.get(number=2)
    of_session_one = member_meeting(group, 0, 2)
    response = client.post(
        f"/groups/sessions/{second.pk}/attendance/",
        {"meeting": of_session_one.pk, "status": "attended"},
    )
    assert response.status_code == 404
    of_session_one.appointment.refresh_from_db()
    assert of_session_one.appointment.status == "planned"


def test_no_members_notes_show_on_the_group_pages_or_on_another_members_record(client, tess, group):
    meetings = [member_meeting(group, position, 3) for position in (0, 1)]
    for meeting in meetings:
        course_services.set_attendance(meeting.appointment, actor=tess, status="attended")
    course_services.save_session_record(
        meetings[0].appointment,
        actor=tess,
        data={"notes": "Amir spoke about his brother's illness.", **RISK_CLEAR},
        expected_version=None,
    )
    client.force_login(tess)
    shown = [client.get(url).content.decode() for url in pages(group)]
    other = meetings[1].appointment
    other_client = other.course.referral.client
    shown += [
        client.get(f"/appointments/{other.pk}/record/").content.decode(),
        client.get(f"/clients/{other_client.pk}/").content.decode(),
    ]
    for page in shown:
        assert "brother" not in page
    session_page = shown[1]
    assert "Draft" in session_page and "Write record" in session_page
    assert (
        "brother"
        in client.get(f"/appointments/{meetings[0].appointment_id}/record/").content.decode()
    )


def test_each_group_page_writes_one_event_naming_its_members(client, tess, group):
    client.force_login(tess)
    member_ids = sorted(group.memberships.values_list("course__referral__client_id", flat=True))
    for url, action in zip(pages(group), ("group.view", "group.session_view"), strict=True):
        before = AuditEvent.objects.count()
        client.get(url)
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
        assert (event.action, event.detail["client_ids"]) == (action, member_ids)


def test_everyone_attended_writes_one_attendance_event_per_member(client, tess, group):
    client.force_login(tess)
    session = group.sessions.get(number=2)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/groups/sessions/{session.pk}/attendance/",
        {"everyone": "1"},
        headers={"HX-Request": "true"},
    )
    assert "Attended: 6 of 6" in response.content.decode()
    events = AuditEvent.objects.order_by("id")[before:]
    assert [e.action for e in events] == ["appointment.attendance"] * 6
    assert len({e.client_id for e in events}) == 6


def test_the_group_pages_keep_their_query_counts_whatever_the_number_of_members(
    client, tess, time_machine
):
    """The session page, the group page and the list cost the same for 2 members as for 6."""
    counts = []
    for size in (2, 6):
        time_machine.move_to(JOINING)
        group = new_group(tess)
        people = [make_client(tess, tess, f"Person{size}{i}", "Counted") for i in range(size)]
        services.add_members(group, actor=tess, referrals=[p.referrals.get() for p in people])
        session = group.sessions.get(number=1)
        client.force_login(tess)
        costs = []
        for url in (f"/groups/sessions/{session.pk}/", f"/groups/{group.pk}/", "/groups/"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            costs.append(len(captured))
        counts.append(costs)
    assert counts[0] == counts[1], counts


def test_the_lead_facilitator_starts_a_group_and_adds_members_through_the_forms(
    client, tess, otto, time_machine
):
    time_machine.move_to(JOINING)
    client.force_login(tess)
    response = client.post(
        "/groups/new/",
        {
            "name": "Thursday group",
            "co_facilitators": [otto.pk],
            "start_date": "2026-11-09",
            "weekday": "3",
            "session_time": "14:00",
            "place": "",
            "min_members": "6",
            "max_members": "4",
            "rules": "",
        },
    )
    assert response.status_code == 200
    assert "cannot be smaller than the smallest" in response.content.decode()
    assert 'value="Thursday group"' in response.content.decode()
    data = {
        "name": "Thursday group",
        "co_facilitators": [otto.pk],
        "start_date": "2026-11-09",
        "weekday": "3",
        "session_time": "14:00",
        "place": "",
        "min_members": "6",
        "max_members": "10",
        "rules": "Arrive on time.",
    }
    response = client.post("/groups/new/", data)
    group = Group.objects.get(name="Thursday group")
    assert response.status_code == 302
    assert group.sessions.get(number=1).starts_at.hour == 14
    assert list(group.co_facilitators.all()) == [otto]
    people = [make_client(tess, tess, name, "Joiner") for name in ("Ada", "Bo")]
    page = client.get(f"/groups/{group.pk}/members/").content.decode()
    assert "Ada Joiner" in page and "Bo Joiner" in page
    response = client.post(
        f"/groups/{group.pk}/members/", {"referrals": [p.referrals.get().pk for p in people]}
    )
    assert response.status_code == 302
    assert MemberMeeting.objects.filter(membership__group=group).count() == 22
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Groups usually have 6 to 10 members; this one has 2." in page
    assert "Thursdays at 14:00" in page
