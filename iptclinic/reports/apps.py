from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "iptclinic.reports"
    label = "reports"
    verbose_name = "Service reports"
