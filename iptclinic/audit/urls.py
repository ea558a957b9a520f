from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.unusual, name="unusual"),
    path("clients/<int:client_id>/", views.client_trail, name="client"),
    path("clients/<int:client_id>.csv", views.client_trail_csv, name="client_csv"),
    path("people/<int:person_id>/", views.person_activity, name="person"),
    path("people/<int:person_id>.csv", views.person_activity_csv, name="person_csv"),
]
