from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("clients/<int:client_id>/courses/new/", views.course_new, name="new"),
    path("courses/<int:course_id>/contract/", views.course_contract, name="contract"),
    path("courses/<int:course_id>/end/", views.course_end, name="end"),
    path(
        "appointments/<int:appointment_id>/attendance/",
        views.appointment_attendance,
        name="attendance",
    ),
    path("appointments/<int:appointment_id>/rebook/", views.appointment_rebook, name="rebook"),
    path("appointments/<int:appointment_id>/record/", views.session_record, name="record"),
    path("records/<int:record_id>/sign/", views.record_sign, name="sign"),
    path("records/<int:record_id>/addenda/", views.record_addendum, name="addendum"),
]
