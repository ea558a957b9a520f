from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "iptclinic.letters"
    label = "letters"
    verbose_name = "Letters"
