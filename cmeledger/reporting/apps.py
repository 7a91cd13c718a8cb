from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cmeledger.reporting"
    label = "reporting"
    verbose_name = "Partner reporting"

    def ready(self) -> None:
        from cmeledger.reporting import signals  # noqa: F401
