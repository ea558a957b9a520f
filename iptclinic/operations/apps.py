from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "iptclinic.operations"
    label = "operations"
    verbose_name = "Running the service"
