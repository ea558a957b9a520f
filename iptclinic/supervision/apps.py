from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "iptclinic.supervision"
    label = "supervision"
    verbose_name = "Supervision"
