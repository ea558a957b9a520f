from django.contrib.auth import views as auth_views
from django.urls import path

from . import sso_views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
]
