from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "cmeledger.boards"
    label = "boards"
    verbose_name = "Board workspace: compliance snapshots and the program definition"
