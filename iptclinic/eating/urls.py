from django.urls import path

from . import views

app_name = "eating"
urlpatterns = [
    path("courses/<int:course_id>/eating-log/", views.course_log, name="log"),
    path("courses/<int:course_id>/eating-log/questionnaire/", views.measure, name="measure"),
    path("eating-log/settings/", views.team_settings, name="settings"),
]
