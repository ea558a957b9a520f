from django.urls import path

from .views import agreement, focus, sharing, timeline
from .views import inventory as people

app_name = "inventory"
urlpatterns = [
    path("courses/<int:course_id>/inventory/", people.inventory_page, name="relationships"),
    path(
        "courses/<int:course_id>/inventory/people/new/",
        people.relationship_new,
        name="relationship_new",
    ),
    path(
        "courses/<int:course_id>/inventory/people/",
        people.relationship_add,
        name="relationship_add",
    ),
    path(
        "inventory/people/<int:relationship_id>/",
        people.relationship_card,
        name="relationship_card",
    ),
    path(
        "inventory/people/<int:relationship_id>/edit/",
        people.relationship_edit,
        name="relationship_edit",
    ),
    path(
        "inventory/people/<int:relationship_id>/remove/",
        people.relationship_remove,
        name="relationship_remove",
    ),
    path("courses/<int:course_id>/inventory/case.json", people.inventory_export, name="export"),
    path("courses/<int:course_id>/inventory/copy/", people.inventory_copy, name="copy"),
    path("courses/<int:course_id>/timeline/", timeline.timeline_page, name="timeline"),
    path(
        "courses/<int:course_id>/timeline/episode/",
        timeline.timeline_facts,
        name="timeline_facts",
    ),
    path("courses/<int:course_id>/timeline/events/new/", timeline.event_new, name="event_new"),
    path("courses/<int:course_id>/timeline/events/", timeline.event_add, name="event_add"),
    path("timeline/events/<int:event_id>/", timeline.event_card, name="event_card"),
    path("timeline/events/<int:event_id>/edit/", timeline.event_edit, name="event_edit"),
    path("timeline/events/<int:event_id>/remove/", timeline.event_remove, name="event_remove"),
    path(
        "courses/<int:course_id>/timeline/earlier/",
        timeline.earlier_episode_add,
        name="earlier_add",
    ),
    path(
        "timeline/earlier/<int:episode_id>/remove/",
        timeline.earlier_episode_remove,
        name="earlier_remove",
    ),
    path("courses/<int:course_id>/focus/", focus.focus_page, name="focus"),
    path("courses/<int:course_id>/formulation/", agreement.formulation_page, name="formulation"),
    # The portal (issue 11, item 4): what the client sees, and their suggestions
    path("courses/<int:course_id>/portal/", sharing.sharing_page, name="sharing"),
    path("portal-suggestions/<int:suggestion_id>/", sharing.suggestion_page, name="suggestion"),
    path(
        "portal-suggestions/<int:suggestion_id>/accept/",
        sharing.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "portal-suggestions/<int:suggestion_id>/discuss/",
        sharing.suggestion_discuss,
        name="suggestion_discuss",
    ),
]
