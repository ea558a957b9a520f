from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("sent/", views.sent, name="sent"),
    # portal appointments (issue 11): reminders of appointments to service users
    path("appointment-reminders/", views.team_reminders, name="team_reminders"),
]
