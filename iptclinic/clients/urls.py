from django.urls import path

from . import carer_views, needs_views, recording_views, views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_new, name="new"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/allocate/", views.client_allocate, name="allocate"),
    path("<int:client_id>/referrals/new/", views.referral_new, name="referral_new"),
    path(
        "<int:client_id>/referrals/<int:referral_id>/edit/",
        views.referral_edit,
        name="referral_edit",
    ),
    # needs told in the portal (issue 11, item 6)
    path("<int:client_id>/needs-told/<int:told_id>/", needs_views.needs_told, name="needs_told"),
    # supervision (issue 13): consent to recording sessions, captured in the clinic
    path(
        "<int:client_id>/recording-consent/",
        recording_views.recording_consent,
        name="recording_consent",
    ),
    # IPT for adolescents (issue 14): the young person's parents or carers
    path("<int:client_id>/carers/", carer_views.carer_list, name="carers"),
    path("<int:client_id>/carers/<int:carer_id>/", carer_views.carer_edit, name="carer_edit"),
]
