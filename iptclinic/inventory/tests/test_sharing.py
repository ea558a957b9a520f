"""What the client sees of their therapy in the portal, and the therapist's side of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.models import Item
from iptclinic.audit.models import AuditEvent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Course
from iptclinic.inventory import services, sharing
from iptclinic.inventory.cases import load_rows
from iptclinic.inventory.models import (
    GOAL_PROGRESS,
    PortalGoalRating,
    PortalShare,
    Relationship,
    Suggestion,
)
from iptclinic.ipt.my_therapy import GOAL_SCALE, SharedItem, SuggestionKind
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.test import record_the_past_as_missed

from .helpers import agree, day_of, initial_phase_done, one_audit_event, person


def _page(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def agreed(cara_course: Course, tess: User) -> Course:
    """Sessions 1-3 attended and the agreement recorded; the sessions since then missed."""
    third = initial_phase_done(cara_course, tess)[-1]
    agree(cara_course, tess, day_of(third))
    record_the_past_as_missed(cara_course, tess)
    return cara_course


def test_the_portal_rating_scale_is_the_clinics() -> None:
    assert GOAL_SCALE == GOAL_PROGRESS


def test_nothing_is_shared_by_default(agreed: Course) -> None:
    assert sharing.shared_items(agreed) == frozenset()


def test_sharing_and_unsharing_are_each_audited(agreed: Course, tess: User) -> None:
    with one_audit_event("portal.shared"):
        sharing.set_shared(agreed, actor=tess, items=["goals"])
    sharing.set_shared(agreed, actor=tess, items=["goals", "circle"])
    with one_audit_event("portal.unshared"):
        sharing.set_shared(agreed, actor=tess, items=["circle"])
    assert sharing.shared_items(agreed) == {SharedItem.CIRCLE}
    details = list(
        AuditEvent.objects.filter(action__startswith="portal.")
        .order_by("id")
        .values_list("action", "detail")
    )
    assert details == [
        ("portal.shared", {"item": "goals"}),
        ("portal.shared", {"item": "circle"}),
        ("portal.unshared", {"item": "goals"}),
    ]


def test_an_unknown_item_shares_nothing(agreed: Course, tess: User) -> None:
    with pytest.raises(sharing.SharingError):
        sharing.set_shared(agreed, actor=tess, items=["goals", "notes"])
    assert not PortalShare.objects.exists()


def test_the_circle_the_client_sees_names_no_problem_area(agreed: Course, tess: User) -> None:
    person(
        agreed,
        tess,
        label="Alex",
        closeness_now=3,
        areas=[{"area": "role_dispute", "reason": "Rows."}],
    )
    svg = sharing.drawings(agreed, frozenset({SharedItem.CIRCLE}))
    words = svg["circle_svg"] + svg["circle_text"]
    assert "Alex" in words and "Sam" in words
    assert "dispute" not in words.lower() and "linked to" not in words


def test_the_timeline_the_client_sees_has_no_symptom_notes(agreed: Course, tess: User) -> None:
    services.add_event(
        agreed,
        actor=tess,
        data={
            "happened_on": agreed.start_date,
            "precision": "month",
            "kind": "move",
            "description": "Moved to Leeds.",
            "ed_symptom_note": "Skipped meals.",
        },
        people=[],
    )
    data = sharing.client_timeline(load_rows(agreed.pk, agreed.variant_enum))
    assert data.symptom_notes == []
    drawn = sharing.drawings(agreed, frozenset({SharedItem.TIMELINE}))
    assert "Moved to Leeds." in drawn["timeline_text"]
    assert "Skipped meals." not in drawn["timeline_svg"] + drawn["timeline_text"]


def test_a_suggestion_changes_nothing_and_reaches_the_therapist(
    agreed: Course, tess: User, cara_user: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["circle"])
    before = list(Relationship.objects.values_list("pk", "label", "closeness_now"))
    with one_audit_event("portal.suggestion"):
        suggestion = sharing.suggest(
            agreed, actor=cara_user, kind=SuggestionKind.ADD_SOMEONE, label="Jo", closeness=2
        )
    assert list(Relationship.objects.values_list("pk", "label", "closeness_now")) == before
    item = Item.objects.get(kind=NeedKind.PORTAL_SUGGESTION)
    assert item.owner == tess and item.subject_id == suggestion.pk
    assert "Jo" not in item.title


def test_a_suggestion_about_something_not_shared_is_refused(
    agreed: Course, tess: User, cara_user: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["goals"])
    with pytest.raises(sharing.SharingError):
        sharing.suggest(
            agreed, actor=cara_user, kind=SuggestionKind.ADD_SOMEONE, label="Jo", closeness=2
        )
    with pytest.raises(sharing.SharingError):
        sharing.suggest(
            agreed, actor=cara_user, kind=SuggestionKind.NOT_RIGHT, item="formulation", text="No."
        )
    assert not Suggestion.objects.exists()


def test_the_therapist_accepts_an_addition_after_checking_it(
    client: Any, agreed: Course, tess: User, cara_user: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["circle"])
    suggestion = sharing.suggest(
        agreed, actor=cara_user, kind=SuggestionKind.ADD_SOMEONE, label="Jo", closeness=2
    )
    client.force_login(tess)
    page = _page(client.get(reverse("inventory:suggestion", args=[suggestion.pk])))
    assert 'value="Jo"' in page and "Add to the inventory" in page
    response = client.post(
        reverse("inventory:suggestion_accept", args=[suggestion.pk]),
        {
            "new-label": "Jo",
            "new-relationship_type": "friend",
            "new-status": "alive",
            "new-closeness_now": "2",
        },
    )
    assert response.status_code == 302, _page(response)
    added = Relationship.objects.get(label="Jo")
    assert added.closeness_now == 2
    suggestion.refresh_from_db()
    assert suggestion.state == "accepted" and suggestion.relationship == added
    assert not Item.objects.get(kind=NeedKind.PORTAL_SUGGESTION).is_open
    assert set(
        AuditEvent.objects.filter(
            action__in=["inventory.relationship.add", "portal.suggestion_accepted"]
        ).values_list("action", flat=True)
    ) == {"inventory.relationship.add", "portal.suggestion_accepted"}


def test_a_suggestion_marked_discussed_leaves_the_record_alone(
    client: Any, agreed: Course, tess: User, cara_user: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["goals"])
    suggestion = sharing.suggest(
        agreed, actor=cara_user, kind=SuggestionKind.NOT_RIGHT, item="goals", text="Goal 1 is old."
    )
    client.force_login(tess)
    refused = client.post(
        reverse("inventory:suggestion_discuss", args=[suggestion.pk]), {"note": " "}
    )
    assert refused.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.is_open
    client.post(
        reverse("inventory:suggestion_discuss", args=[suggestion.pk]), {"note": "Next session."}
    )
    suggestion.refresh_from_db()
    assert suggestion.state == "discussed" and suggestion.note == "Next session."
    assert AuditEvent.objects.filter(action="portal.suggestion_discussed").count() == 1
    with pytest.raises(sharing.SharingError):
        sharing.mark_discussed(suggestion, actor=tess, note="Again.")


def test_the_therapist_shares_from_the_sharing_page(
    client: Any, agreed: Course, tess: User
) -> None:
    client.force_login(tess)
    url = reverse("inventory:sharing", args=[agreed.pk])
    assert "Share with Cara" in _page(client.get(url))
    client.post(url, {"items": ["goals", "focus"]})
    assert sharing.shared_items(agreed) == {SharedItem.GOALS, SharedItem.FOCUS}


def test_otto_gets_404_on_the_sharing_page_and_a_suggestion(
    client: Any, agreed: Course, tess: User, otto: User, cara_user: User
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["circle"])
    suggestion = sharing.suggest(
        agreed, actor=cara_user, kind=SuggestionKind.ADD_SOMEONE, label="Jo", closeness=2
    )
    client.force_login(otto)
    assert client.get(reverse("inventory:sharing", args=[agreed.pk])).status_code == 404
    assert (
        client.post(
            reverse("inventory:sharing", args=[agreed.pk]), {"items": ["goals"]}
        ).status_code
        == 404
    )
    assert client.get(reverse("inventory:suggestion", args=[suggestion.pk])).status_code == 404
    assert (
        client.post(
            reverse("inventory:suggestion_discuss", args=[suggestion.pk]), {"note": "x"}
        ).status_code
        == 404
    )
    assert sharing.shared_items(agreed) == {SharedItem.CIRCLE}


def test_goals_are_rated_only_while_shared(agreed: Course, tess: User, cara_user: User) -> None:
    goal = sharing.current_goals(agreed)[0]
    with pytest.raises(sharing.SharingError):
        sharing.rate_goals(agreed, actor=cara_user, ratings={goal.pk: 4})
    sharing.set_shared(agreed, actor=tess, items=["goals"])
    with pytest.raises(sharing.SharingError):
        sharing.rate_goals(agreed, actor=cara_user, ratings={goal.pk: 11})
    with one_audit_event("portal.goals_rated"):
        session = sharing.rate_goals(agreed, actor=cara_user, ratings={goal.pk: 4})
    assert session.starts_at > timezone.now()
    assert PortalGoalRating.objects.get().rating == 4


def test_the_clients_rating_shows_in_that_sessions_record(
    client: Any, agreed: Course, tess: User, cara_user: User, time_machine: Any
) -> None:
    sharing.set_shared(agreed, actor=tess, items=["goals"])
    goal = sharing.current_goals(agreed)[0]
    session = sharing.rate_goals(agreed, actor=cara_user, ratings={goal.pk: 6})
    time_machine.move_to(session.starts_at + timedelta(hours=1))
    course_services.set_attendance(session, actor=tess, status="attended")
    client.force_login(tess)
    page = _page(client.get(reverse("courses:record", args=[session.pk])))
    assert "The client's own goal ratings" in page
    assert "rated by the client in the portal" in page
    assert f"{goal.text}</dt><dd>6 out of 10" in page
