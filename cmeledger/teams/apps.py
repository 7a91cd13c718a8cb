from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "cmeledger.teams"
    label = "teams"
    verbose_name = "Teams of clinicians for employers and program directors"
