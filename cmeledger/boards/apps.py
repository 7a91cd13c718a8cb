from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "cmeledger.boards"
    label = "boards"
    verbose_name = "Board workspace: compliance snapshots, rosters and the program definition"

    def ready(self) -> None:
        from cmeledger.boards import signals  # noqa: F401 (connects the receivers)
