from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "iptclinic.retention"
    verbose_name = "Retention, disposal and backups"
