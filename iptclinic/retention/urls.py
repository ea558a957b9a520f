from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.report, name="report"),
    path("clients/<int:client_id>/", views.review, name="review"),
    path("clients/<int:client_id>/destroy/", views.destroy, name="destroy"),
]
