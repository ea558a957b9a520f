from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_new, name="new"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("<int:group_id>/members/", views.group_members, name="members"),
    path("sessions/<int:session_id>/", views.group_session, name="session"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.group_session_attendance,
        name="attendance",
    ),
]
