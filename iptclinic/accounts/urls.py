from django.contrib.auth import views as auth_views
from django.urls import path

from .people import views as people_views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Account administration (issue 9): an invitation's link, and a forgotten password.
    path("welcome/<str:token>/", people_views.welcome, name="welcome"),
    path("password-reset/", people_views.password_reset, name="password_reset"),
    path("password-reset/sent/", people_views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        people_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        people_views.password_reset_complete,
        name="password_reset_complete",
    ),
]
