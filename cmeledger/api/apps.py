from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cmeledger.api"
    label = "api"
