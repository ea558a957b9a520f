from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "iptclinic.measures"
    label = "measures"
    verbose_name = "Questionnaires and risk alerts"
