from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cmeledger.accounts"
    label = "accounts"
    verbose_name = "Accounts"
