from django.urls import path

from . import views

app_name = "measures"
urlpatterns = [
    path("clients/<int:client_id>/measures/", views.client_measures_page, name="client"),
    path(
        "clients/<int:client_id>/measures/portal-scores/",
        views.portal_scores_switch,
        name="portal_scores",
    ),
    path(
        "clients/<int:client_id>/questionnaires/new/",
        views.outside_questionnaire,
        name="new_outside",
    ),
    path(
        "appointments/<int:appointment_id>/questionnaires/new/",
        views.session_questionnaire,
        name="new_in_session",
    ),
    path("questionnaires/<int:response_id>/", views.questionnaire_detail, name="detail"),
    path("questionnaires/<int:response_id>/edit/", views.questionnaire_edit, name="edit"),
    path("questionnaires/score/", views.score_preview, name="score_preview"),
    path("alerts/<int:alert_id>/", views.alert_review, name="alert"),
    path("team/measures/", views.team_settings, name="team_settings"),
    path("team/duty-rota/", views.duty_rota, name="duty_rota"),
    path(
        "team/duty-rota/<int:shift_id>/remove/", views.duty_shift_remove, name="duty_shift_remove"
    ),
]
