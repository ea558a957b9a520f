from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("locks/", views.lock_list, name="locks"),
    path(
        "locks/account/<int:user_id>/release/", views.release_account_lock, name="release_account"
    ),
    path("locks/address/release/", views.release_address_lock, name="release_address"),
]
