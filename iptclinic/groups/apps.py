from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "iptclinic.groups"
    label = "groups"
    verbose_name = "Group IPT"
