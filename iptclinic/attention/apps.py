from django.apps import AppConfig


class AttentionConfig(AppConfig):
    name = "iptclinic.attention"
    label = "attention"
    verbose_name = "Needs attention"
