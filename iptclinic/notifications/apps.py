from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "iptclinic.notifications"
    label = "notifications"
    verbose_name = "Messages to staff"
