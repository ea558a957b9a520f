from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("with/<int:therapist_id>/new/", views.meeting_new, name="meeting_new"),
]
