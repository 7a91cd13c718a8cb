from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "cmeledger.requirements"
    label = "requirements"
    verbose_name = "Requirements"
