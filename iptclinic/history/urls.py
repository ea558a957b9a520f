from django.urls import path

from . import views
from .registry import KEPT

app_name = "history"
urlpatterns = [
    path(
        f"{kept.kind}/<int:{kept.url_param}>/",
        views.record_history,
        {"kind": kept.kind},
        name=kept.kind,
    )
    for kept in KEPT
]
