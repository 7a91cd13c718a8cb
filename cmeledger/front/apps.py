from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "cmeledger.front"
    label = "front"
