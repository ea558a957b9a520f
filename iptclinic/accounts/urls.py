from django.urls import path

from . import second_factor_views, sso_views, views
from .people import views as people_views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    # The service lead's list of sign-in locks (docs/security/sign-in.md).
    path("locks/", views.lock_list, name="locks"),
    path(
        "locks/account/<int:user_id>/release/", views.release_account_lock, name="release_account"
    ),
    path("locks/address/release/", views.release_address_lock, name="release_address"),
    # The second factor (issue 9).
    path("second-factor/", second_factor_views.second_factor, name="second_factor"),
    path("second-factor/set-up/", second_factor_views.set_up, name="second_factor_set_up"),
    path(
        "second-factor/set-up/passkey/",
        second_factor_views.set_up_passkey,
        name="second_factor_set_up_passkey",
    ),
    path(
        "second-factor/set-up/finish/",
        second_factor_views.set_up_finish,
        name="second_factor_set_up_finish",
    ),
    path("second-factor/confirm/", second_factor_views.confirm, name="confirm"),
    path("second-factor/devices/", second_factor_views.devices, name="second_factor_devices"),
    path(
        "second-factor/devices/recovery-codes/",
        second_factor_views.new_recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(
        "second-factor/devices/passkeys/<int:passkey_id>/remove/",
        second_factor_views.remove_passkey,
        name="second_factor_remove_passkey",
    ),
    path(
        "second-factor/reset/<int:user_id>/", second_factor_views.reset, name="second_factor_reset"
    ),
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
