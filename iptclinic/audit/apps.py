from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "iptclinic.audit"
    label = "audit"
    verbose_name = "Audit log"
