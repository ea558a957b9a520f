from django.urls import path

from . import views

app_name = "endings"
urlpatterns = [path("courses/<int:course_id>/ending/", views.ending, name="ending")]
