from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "cmeledger.backups"
    label = "backups"
    verbose_name = "Backups"
