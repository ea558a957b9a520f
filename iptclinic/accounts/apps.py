from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iptclinic.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        from . import security_events, signals  # noqa: F401  (connects their receivers)
