from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "cmeledger.front"
    label = "front"

    def ready(self) -> None:
        # Registers the named permissions before any request asks for them by name.
        from cmeledger import permissions  # noqa: F401
