from django.urls import path

from . import views

app_name = "fidelity"
urlpatterns = [
    path("courses/<int:course_id>/adherence/", views.course_adherence, name="course"),
    path("appointments/<int:appointment_id>/adherence/", views.rate, name="rate"),
]
