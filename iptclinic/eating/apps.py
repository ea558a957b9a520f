from django.apps import AppConfig


class EatingConfig(AppConfig):
    name = "iptclinic.eating"
    label = "eating"
    verbose_name = "IPT for eating disorders"
