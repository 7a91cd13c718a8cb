from django.apps import AppConfig


class DirectcreditConfig(AppConfig):
    name = "cmeledger.directcredit"
    label = "directcredit"
    verbose_name = "AMA PRA direct-credit applications"
