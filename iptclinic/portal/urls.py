from django.urls import path

from . import appointments, views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
    # appointments (issue 11, item 2)
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments.ics", appointments.calendar_file, name="appointments_ics"),
    path("appointments/reminders/", appointments.reminders, name="reminders"),
    path(
        "appointments/<int:appointment_id>/sent/",
        appointments.session_request_sent,
        name="session_request_sent",
    ),
    path(
        "appointments/<int:appointment_id>/cant-come/",
        appointments.session_request,
        {"kind": "cant-come"},
        name="cant_come",
    ),
    path(
        "appointments/<int:appointment_id>/move/",
        appointments.session_request,
        {"kind": "move"},
        name="move",
    ),
]
