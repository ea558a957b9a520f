from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "iptclinic.portal"
    label = "portal"
    verbose_name = "Service-user portal"
