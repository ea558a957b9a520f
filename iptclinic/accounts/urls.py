from django.contrib.auth import views as auth_views
from django.urls import path

from . import sso_views, views
from .people import views as people_views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor (issue 9).
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/set-up/", views.set_up, name="second_factor_set_up"),
    path(
        "second-factor/set-up/passkey/",
        views.set_up_passkey,
        name="second_factor_set_up_passkey",
    ),
    path("second-factor/set-up/finish/", views.set_up_finish, name="second_factor_set_up_finish"),
    path("second-factor/confirm/", views.confirm, name="confirm"),
    path("second-factor/devices/", views.devices, name="second_factor_devices"),
    path(
        "second-factor/devices/recovery-codes/",
        views.new_recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(
        "second-factor/devices/passkeys/<int:passkey_id>/remove/",
        views.remove_passkey,
        name="second_factor_remove_passkey",
    ),
    path("second-factor/reset/<int:user_id>/", views.reset, name="second_factor_reset"),
    # Single sign-on (docs/single-sign-on.md): one path each, so no id is ever in the address.
    path("sso/staff/", sso_views.start, {"kind": "staff"}, name="sso_staff"),
    path("sso/staff/callback/", sso_views.callback, {"kind": "staff"}, name="sso_staff_callback"),
    path("sso/service-user/", sso_views.start, {"kind": "service_user"}, name="sso_service_user"),
    path(
        "sso/service-user/callback/",
        sso_views.callback,
        {"kind": "service_user"},
        name="sso_service_user_callback",
    ),
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
