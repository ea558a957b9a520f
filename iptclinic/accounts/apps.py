from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iptclinic.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"
