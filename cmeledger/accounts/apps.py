from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cmeledger.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from cmeledger.accounts import signals  # noqa: F401 - connects the receivers
