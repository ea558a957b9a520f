from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "iptclinic.courses"
    label = "courses"
    verbose_name = "Courses of IPT"
