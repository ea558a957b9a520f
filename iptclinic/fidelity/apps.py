from django.apps import AppConfig


class FidelityConfig(AppConfig):
    name = "iptclinic.fidelity"
    label = "fidelity"
    verbose_name = "Adherence to IPT"
