from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PeriodicConfig(AppConfig):
    name = "cmeledger.periodic"
    label = "periodic"
    verbose_name = "Periodic jobs"

    def ready(self) -> None:
        # Each app's `periodic.py` registers its jobs, as admin.py registers models.
        autodiscover_modules("periodic")
