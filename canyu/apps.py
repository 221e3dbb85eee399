from django.apps import AppConfig


class CanyuConfig(AppConfig):
    name = "canyu"
    verbose_name = "Canyu"
