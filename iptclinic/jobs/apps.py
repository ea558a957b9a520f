from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "iptclinic.jobs"
    label = "jobs"
    verbose_name = "Background work"
