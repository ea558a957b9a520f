from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "iptclinic.inventory"
    label = "inventory"
    verbose_name = "Interpersonal inventory, focus and goals"
