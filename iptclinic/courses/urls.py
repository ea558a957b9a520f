from django.urls import path

from .views import carer_sessions, course, maintenance, records

app_name = "courses"
urlpatterns = [
    path("caseload/", course.caseload, name="caseload"),
    path("clients/<int:client_id>/courses/new/", course.course_new, name="new"),
    path("courses/<int:course_id>/contract/", course.course_contract, name="contract"),
    path("courses/<int:course_id>/end/", course.course_end, name="end"),
    path(
        "courses/<int:course_id>/maintenance/",
        maintenance.course_maintenance,
        name="maintenance",
    ),
    path(
        "appointments/<int:appointment_id>/attendance/",
        course.appointment_attendance,
        name="attendance",
    ),
    # portal appointments (issue 11): where it happens, and the client's requests about it
    path("appointments/<int:appointment_id>/", course.appointment_detail, name="appointment"),
    path("appointments/<int:appointment_id>/rebook/", course.appointment_rebook, name="rebook"),
    path("appointments/<int:appointment_id>/record/", records.session_record, name="record"),
    path("records/<int:record_id>/sign/", records.record_sign, name="sign"),
    path("records/<int:record_id>/addenda/", records.record_addendum, name="addendum"),
    # IPT for adolescents (issue 14): parent or carer sessions
    path(
        "appointments/<int:appointment_id>/attendee/",
        carer_sessions.appointment_attendee,
        name="attendee",
    ),
    path(
        "courses/<int:course_id>/carer-sessions/new/",
        carer_sessions.carer_session_new,
        name="carer_session_new",
    ),
]
