from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iptclinic.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the sign-in time to user_logged_in)
