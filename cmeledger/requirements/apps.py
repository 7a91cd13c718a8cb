from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "cmeledger.requirements"
    label = "requirements"
    verbose_name = "Requirements"

    def ready(self) -> None:
        from cmeledger.requirements import signals  # noqa: F401  (connects the receivers)
