from django.urls import path

from . import views

app_name = "subject_access"
urlpatterns = [
    path("clients/<int:client_id>/record-requests/", views.client_requests, name="client"),
    path("record-requests/<int:sar_id>/", views.detail, name="detail"),
    path("record-requests/<int:sar_id>/extend/", views.extend, name="extend"),
    path("record-requests/<int:sar_id>/make-again/", views.make_again, name="make_again"),
    path("record-requests/<int:sar_id>/release/", views.release, name="release"),
    # One pattern per format, so that every route takes only numeric ids.
    path("record-requests/<int:sar_id>/copy.pdf", views.download, {"kind": "pdf"}, name="pdf"),
    path("record-requests/<int:sar_id>/copy.json", views.download, {"kind": "json"}, name="json"),
    path("record-requests/people/<int:third_party_id>/", views.decide, name="decide"),
]
