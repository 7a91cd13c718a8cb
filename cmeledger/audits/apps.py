from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "cmeledger.audits"
    label = "audits"
    verbose_name = "Board audits of diplomates' CME"
