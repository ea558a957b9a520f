from django.apps import AppConfig


class EndingsConfig(AppConfig):
    name = "iptclinic.endings"
    label = "endings"
    verbose_name = "Endings"
