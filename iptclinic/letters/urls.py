from django.urls import path

from . import views
from .models import LetterKind

app_name = "letters"
urlpatterns = [
    path("clients/<int:client_id>/letters/", views.client_letters, name="client_letters"),
    # One pattern per kind, so that every route takes only numeric ids.
    *(
        path(
            f"courses/<int:course_id>/letters/{kind}/",
            views.issue,
            {"kind": kind.value},
            name="issue",
        )
        for kind in LetterKind
    ),
    *(
        path(
            f"courses/<int:course_id>/letters/{kind}/preview.pdf",
            views.preview,
            {"kind": kind.value},
            name="preview",
        )
        for kind in LetterKind
    ),
    path("courses/<int:course_id>/appointments.ics", views.calendar, name="calendar"),
    path("letters/<int:letter_id>/", views.letter_detail, name="detail"),
    path("letters/requests/<int:letter_request_id>/", views.letter_request, name="request"),
    path("letters/files/<int:file_id>/", views.download, name="download"),
    path("letters/settings/", views.team_contacts, name="settings"),
    path("letters/translations/", views.translations, name="translations"),
    path("information/ipt/", views.about_ipt, name="about_ipt"),
    path("information/ipt.pdf", views.about_ipt_pdf, {"large": False}, name="about_ipt_pdf"),
    path(
        "information/ipt-large-print.pdf",
        views.about_ipt_pdf,
        {"large": True},
        name="about_ipt_large_print",
    ),
]
