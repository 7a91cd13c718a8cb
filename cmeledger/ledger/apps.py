from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "cmeledger.ledger"
    label = "ledger"
    verbose_name = "Ledger"
