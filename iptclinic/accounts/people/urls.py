from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("<int:person_id>/", views.person, name="person"),
    path("<int:person_id>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:person_id>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:person_id>/password-link/", views.send_password_link, name="password_link"),
]
