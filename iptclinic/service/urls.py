from django.urls import path

from . import views

app_name = "service"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.figure, name="figure"),
    path("figures.csv", views.dashboard_csv, name="dashboard_csv"),
    path("capacity/", views.capacity, name="capacity"),
    path("export/", views.export_page, name="export"),
    path("export/referrals.csv", views.export_referrals, name="export_referrals"),
    path("export/care-contacts.csv", views.export_contacts, name="export_contacts"),
]
