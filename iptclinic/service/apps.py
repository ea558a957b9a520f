from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "iptclinic.service"
    label = "service"
    verbose_name = "Running the service"
