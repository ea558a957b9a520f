from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "iptclinic.history"
    label = "history"
    verbose_name = "Corrections and history"

    def ready(self) -> None:
        from . import services

        services.connect()
