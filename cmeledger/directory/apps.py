from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "cmeledger.directory"
    label = "directory"
    verbose_name = "Provider directory"
