from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cmeledger.reports"
    label = "reports"
    verbose_name = "Reports, sharing and deadlines"
