from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "iptclinic.clients"
    label = "clients"
    verbose_name = "Clients and referrals"
