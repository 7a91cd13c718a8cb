from django.apps import AppConfig


class PortableConfig(AppConfig):
    name = "cmeledger.portable"
    label = "portable"
    verbose_name = "Portable ledger"
